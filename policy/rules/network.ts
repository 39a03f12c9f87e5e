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

const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** The open-to-anywhere sources of one ingress (a rule of a group, or a rule resource). */
function openSources(ingress: unknown): string[] {
  const cidrs = [...asArray(get(ingress, "cidrBlocks")), ...asArray(get(ingress, "ipv6CidrBlocks")), get(ingress, "cidrIpv4"), get(ingress, "cidrIpv6")];
  return cidrs.filter((c): c is string => typeof c === "string" && ANYWHERE.includes(c));
}

const port = (i: unknown): string => {
  const from = get(i, "fromPort");
  const to = get(i, "toPort");
  return from === undefined || from === to ? `port ${show(from ?? "all")}` : `ports ${show(from)}-${show(to)}`;
};

export const noOpenIngress = resourceRule({
  id: "network-no-open-ingress",
  level: "mandatory",
  description: "No security group (its own ingress, the VPC's default group, or a separate ingress rule) admits traffic from 0.0.0.0/0 or ::/0.",
  types: [
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
  ],
  check(r) {
    const rules =
      r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" || r.type === "aws:ec2/securityGroupRule:SecurityGroupRule"
        ? get(r.inputs, "type") === "egress"
          ? []
          : [r.inputs]
        : asArray(r.inputs.ingress);
    return rules.flatMap((i) => openSources(i).map((cidr) => `${r.type.split(":").pop()} ${r.name} admits ${cidr} on ${port(i)}`));
  },
});

export const NETWORK_RULES: readonly Rule[] = [awsxVpcNoNat, awsxVpcIsolatedOnly, noNatGateway, noInternetGateway, subnetNoPublicIp, noOpenIngress];
