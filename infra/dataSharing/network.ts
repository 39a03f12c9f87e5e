import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../shared/awsContext";
import { policyDocument } from "../shared/policyDocuments";
import { privateSubnetCidrs } from "./subnets";

export interface NetworkArgs {
  readonly vpcCidr: string;
  readonly redshiftPort: number;
  readonly ctx: AwsContext;
}

/**
 * Private-only VPC for Redshift: no internet gateway, no NAT. S3 traffic (COPY, enhanced VPC routing) goes
 * through a gateway endpoint whose policy allows only buckets owned by this account.
 */
export function createNetwork(name: string, args: NetworkArgs, parent: pulumi.Resource) {
  const { ctx } = args;
  const vpc = new aws.ec2.Vpc(
    `${name}-vpc`,
    {
      cidrBlock: args.vpcCidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
    },
    { parent },
  );
  // The default security group allows all traffic between its members; leave it with no rules at all.
  new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, ingress: [], egress: [] }, { parent });

  const zones = aws.getAvailabilityZonesOutput({ state: "available" }, { parent }).names;
  const routeTable = new aws.ec2.RouteTable(`${name}-private-rt`, { vpcId: vpc.id }, { parent });
  const subnets = privateSubnetCidrs(args.vpcCidr, 2).map((cidrBlock, i) => {
    const subnet = new aws.ec2.Subnet(
      `${name}-private-${i}`,
      {
        vpcId: vpc.id,
        cidrBlock,
        availabilityZone: zones[i],
        mapPublicIpOnLaunch: false,
      },
      { parent },
    );
    new aws.ec2.RouteTableAssociation(`${name}-private-${i}-rt`, { subnetId: subnet.id, routeTableId: routeTable.id }, { parent });
    return subnet;
  });

  const s3Endpoint = new aws.ec2.VpcEndpoint(
    `${name}-s3-endpoint`,
    {
      vpcId: vpc.id,
      serviceName: pulumi.interpolate`com.amazonaws.${ctx.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [routeTable.id],
      policy: ctx.accountId.apply((accountId) =>
        JSON.stringify(
          policyDocument([
            {
              Sid: "OwnBucketsOnly",
              Effect: "Allow",
              Principal: "*",
              Action: "s3:*",
              Resource: "*",
              Condition: { StringEquals: { "s3:ResourceAccount": accountId } },
            },
          ]),
        ),
      ),
    },
    { parent },
  );

  const redshiftSg = new aws.ec2.SecurityGroup(
    `${name}-redshift-sg`,
    {
      vpcId: vpc.id,
      description: "Redshift: SQL from inside the VPC only, HTTPS out to S3 only",
      ingress: [{ description: "SQL from the VPC", protocol: "tcp", fromPort: args.redshiftPort, toPort: args.redshiftPort, cidrBlocks: [args.vpcCidr] }],
      egress: [{ description: "S3 through the gateway endpoint", protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: [s3Endpoint.prefixListId] }],
    },
    { parent },
  );

  return { vpc, subnets, s3Endpoint, redshiftSg };
}
