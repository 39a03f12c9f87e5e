import { parseCidr } from "../config";

function format(address: number, prefix: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefix}`;
}

/**
 * Splits `vpcCidr` into quarters and returns the first `count`: room is left for two more subnets (e.g. a
 * third AZ) without renumbering. Pure, so the layout is tested.
 */
export function privateSubnetCidrs(vpcCidr: string, count: number): string[] {
  const parsed = parseCidr(vpcCidr);
  if (!parsed) throw new Error(`"${vpcCidr}" is not an IPv4 network in CIDR notation`);
  if (count < 1 || count > 4) throw new Error(`subnet count must be 1..4 (got ${count})`);
  const [address, prefix] = parsed;
  const subnetPrefix = prefix + 2;
  if (subnetPrefix > 28) throw new Error(`"${vpcCidr}" is too small to split into /${subnetPrefix} subnets`);
  const size = 2 ** (32 - subnetPrefix);
  return Array.from({ length: count }, (_, i) => format(address + i * size, subnetPrefix));
}
