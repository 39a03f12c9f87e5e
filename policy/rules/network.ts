/**
 * Network: the warehouse VPC is private. Offline the awsx VPC is one resource whose arguments say what it will
 * build (its children exist only once the awsx provider runs), so its NAT strategy and subnet specs are judged;
 * on a real preview its children are reported like any resource and are judged too.
 */
import { resourceRule, Rule } from "../rule";
import { asArray, get, isTrue, isUnknown, show } from "../values";

export const AWSX_VPC = "awsx:ec2:Vpc";
export const NAT_GATEWAY = "aws:ec2/natGateway:NatGateway";
export const INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway";
export const SUBNET = "aws:ec2/subnet:Subnet";

const vpc = (name: string) => `awsx VPC ${name}`;

export const awsxVpcNoNat = resourceRule({
  id: "awsx-vpc-no-nat",
  level: "mandatory",
  description: "Every awsx VPC sets natGateways.strategy to None (awsx creates NAT gateways by default when it has public and private subnets).",
  types: [AWSX_VPC],
  check(v) {
    const strategy = get(v.inputs, "natGateways.strategy");
    return strategy === "None" || isUnknown(strategy) ? [] : [`${vpc(v.name)} may create NAT gateways (natGateways.strategy: ${show(strategy)})`];
  },
});

export const awsxVpcIsolatedOnly = resourceRule({
  id: "awsx-vpc-isolated-subnets",
  level: "mandatory",
  description: "Every awsx VPC lists its subnet specs, all of type Isolated (no public subnet, so no internet gateway; no private subnet routed to a NAT).",
  types: [AWSX_VPC],
  check(v) {
    const specs = v.inputs.subnetSpecs;
    if (isUnknown(specs)) return [];
    if (specs === undefined) return [`${vpc(v.name)} has no subnetSpecs: awsx then builds public and private subnets`];
    return asArray(specs)
      .filter((s) => get(s, "type") !== "Isolated")
      .map((s) => `${vpc(v.name)} subnet spec ${show(get(s, "name") ?? get(s, "type"))} is ${show(get(s, "type"))}, not Isolated`);
  },
});

export const noNatGateway = resourceRule({
  id: "no-nat-gateway",
  level: "mandatory",
  description: "The stack has no NAT gateway: nothing in the warehouse VPC reaches the internet.",
  types: [NAT_GATEWAY],
  check: (r) => [`NAT gateway ${r.name} gives a private subnet a route to the internet`],
});

export const noInternetGateway = resourceRule({
  id: "no-internet-gateway",
  level: "mandatory",
  description: "The stack has no internet gateway: the warehouse VPC is private.",
  types: [INTERNET_GATEWAY],
  check: (r) => [`internet gateway ${r.name} connects a VPC to the internet`],
});

export const subnetNoPublicIp = resourceRule({
  id: "subnet-no-public-ip",
  level: "mandatory",
  description: "No subnet gives its instances public IP addresses (mapPublicIpOnLaunch).",
  types: [SUBNET],
  check(s) {
    return isTrue(s.inputs.mapPublicIpOnLaunch) ? [`subnet ${s.name} assigns public IP addresses (mapPublicIpOnLaunch: true)`] : [];
  },
});

export const NETWORK_RULES: readonly Rule[] = [awsxVpcNoNat, awsxVpcIsolatedOnly, noNatGateway, noInternetGateway, subnetNoPublicIp];
