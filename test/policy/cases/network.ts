import { res, RuleCase, variant } from "../fixtures";

const VPC = "awsx:ec2:Vpc";
const vpc = res(VPC, "net-vpc", {
  cidrBlock: "10.61.0.0/16",
  numberOfAvailabilityZones: 2,
  subnetSpecs: [{ type: "Isolated", name: "isolated", cidrBlocks: ["10.61.0.0/18", "10.61.64.0/18"] }],
  natGateways: { strategy: "None" },
});
const subnet = res("aws:ec2/subnet:Subnet", "net-vpc-isolated-1", { vpcId: "vpc-1", cidrBlock: "10.61.0.0/18", mapPublicIpOnLaunch: false });

const sg = res("aws:ec2/securityGroup:SecurityGroup", "net-redshift-sg", {
  vpcId: "vpc-1",
  ingress: [{ protocol: "tcp", fromPort: 5447, toPort: 5447, cidrBlocks: ["10.61.0.0/16"] }],
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
});

export const NETWORK_CASES: readonly RuleCase[] = [
  {
    rule: "network-no-open-ingress",
    title: "ingress from anywhere: in a group, in the default group, as rule resources (egress to anywhere is not judged)",
    pass: [sg, res("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "net-default-sg", { vpcId: "vpc-1", ingress: [], egress: [] })],
    fail: [
      variant(sg, { ingress: [{ protocol: "tcp", fromPort: 5447, toPort: 5447, cidrBlocks: ["10.61.0.0/16", "0.0.0.0/0"] }] }),
      res("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "net-default-sg", {
        vpcId: "vpc-1",
        ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }],
      }),
      res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "sql-from-anywhere", {
        securityGroupId: "sg-1",
        ipProtocol: "tcp",
        fromPort: 5439,
        toPort: 5439,
        cidrIpv4: "0.0.0.0/0",
      }),
      res("aws:ec2/securityGroupRule:SecurityGroupRule", "egress-rule", {
        type: "egress",
        securityGroupId: "sg-1",
        protocol: "-1",
        fromPort: 0,
        toPort: 0,
        cidrBlocks: ["0.0.0.0/0"],
      }),
    ],
    messages: [
      "SecurityGroup net-redshift-sg admits 0.0.0.0/0 on port 5447",
      "DefaultSecurityGroup net-default-sg admits ::/0 on port 0",
      "SecurityGroupIngressRule sql-from-anywhere admits 0.0.0.0/0 on port 5439",
    ],
  },
  {
    rule: "awsx-vpc-no-nat",
    title: "a VPC with one NAT gateway per zone",
    pass: [vpc],
    fail: [variant(vpc, { natGateways: { strategy: "OnePerAz" } })],
    messages: ["awsx VPC net-vpc may create NAT gateways (natGateways.strategy: OnePerAz)"],
  },
  {
    rule: "awsx-vpc-no-nat",
    title: "a VPC that leaves the NAT strategy to awsx's default",
    pass: [vpc],
    fail: [variant(vpc, { natGateways: undefined })],
    messages: ["awsx VPC net-vpc may create NAT gateways (natGateways.strategy: unset)"],
  },
  {
    rule: "awsx-vpc-isolated-subnets",
    title: "a VPC with public and private subnets",
    pass: [vpc],
    fail: [
      variant(vpc, {
        subnetSpecs: [
          { type: "Public", name: "edge" },
          { type: "Private", name: "app" },
          { type: "Isolated", name: "data" },
        ],
      }),
    ],
    messages: ["awsx VPC net-vpc subnet spec edge is Public, not Isolated", "awsx VPC net-vpc subnet spec app is Private, not Isolated"],
  },
  {
    rule: "awsx-vpc-isolated-subnets",
    title: "a VPC without subnet specs (awsx's public and private default)",
    pass: [vpc],
    fail: [variant(vpc, { subnetSpecs: undefined })],
    messages: ["awsx VPC net-vpc has no subnetSpecs: awsx then builds public and private subnets"],
  },
  {
    rule: "no-nat-gateway",
    title: "a NAT gateway among the VPC's children",
    pass: [vpc, subnet],
    fail: [vpc, subnet, res("aws:ec2/natGateway:NatGateway", "net-vpc-1", { subnetId: "subnet-1", connectivityType: "public" })],
    messages: ["NAT gateway net-vpc-1 gives a private subnet a route to the internet"],
  },
  {
    rule: "no-internet-gateway",
    title: "an internet gateway among the VPC's children",
    pass: [vpc, subnet],
    fail: [vpc, subnet, res("aws:ec2/internetGateway:InternetGateway", "net-vpc", { vpcId: "vpc-1" })],
    messages: ["internet gateway net-vpc connects a VPC to the internet"],
  },
  {
    rule: "subnet-no-public-ip",
    title: "a public subnet",
    pass: [subnet],
    fail: [variant(subnet, { mapPublicIpOnLaunch: true })],
    messages: ["subnet net-vpc-isolated-1 assigns public IP addresses (mapPublicIpOnLaunch: true)"],
  },
];
