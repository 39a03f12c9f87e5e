import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../shared/awsContext";
import { policyDocument } from "../shared/policyDocuments";
import { privateSubnetCidrs } from "./subnets";
import { HelperOptions } from "../shared/options";

/** Availability zones of the warehouse subnets (a Redshift subnet group wants two for a relocatable cluster). */
export const WAREHOUSE_ZONES = 2;

export interface NetworkArgs {
  readonly vpcCidr: string;
  readonly redshiftPort: number;
  readonly ctx: AwsContext;
}

/**
 * The awsx VPC's arguments: isolated subnets only (no public subnet, so no internet gateway; no private subnet
 * with a NAT route), NAT strategy None, and the subnets at fixed CIDRs (the first quarters of the VPC, room left
 * for more zones). Pure, so the policy pack and the tests read the same values the component gets.
 */
export function warehouseVpcArgs(vpcCidr: string): awsx.ec2.VpcArgs {
  return {
    cidrBlock: vpcCidr,
    enableDnsSupport: true,
    enableDnsHostnames: true,
    numberOfAvailabilityZones: WAREHOUSE_ZONES,
    subnetStrategy: "Auto",
    subnetSpecs: [{ type: "Isolated", name: "isolated", cidrBlocks: privateSubnetCidrs(vpcCidr, WAREHOUSE_ZONES) }],
    natGateways: { strategy: "None" },
  };
}

/**
 * Private-only VPC for Redshift, built with `awsx.ec2.Vpc`: no internet gateway, no NAT. S3 traffic (COPY,
 * enhanced VPC routing) goes through a gateway endpoint on the VPC's route tables whose policy allows only
 * buckets owned by this account. The endpoint stays a resource of its own, not an awsx `vpcEndpointSpecs`
 * entry: the raw bucket policy needs its id and the security group its prefix list.
 */
export function createNetwork(name: string, args: NetworkArgs, opts: HelperOptions) {
  const { ctx } = args;
  const vpc = new awsx.ec2.Vpc(`${name}-vpc`, warehouseVpcArgs(args.vpcCidr), { ...opts });
  // The default security group allows all traffic between its members; leave it with no rules at all.
  new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.vpcId, ingress: [], egress: [] }, { ...opts });

  const s3Endpoint = new aws.ec2.VpcEndpoint(
    `${name}-s3-endpoint`,
    {
      vpcId: vpc.vpcId,
      serviceName: pulumi.interpolate`com.amazonaws.${ctx.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: vpc.routeTables.apply((tables) => pulumi.all(tables.map((t) => t.id))),
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
    { ...opts },
  );

  const redshiftSg = new aws.ec2.SecurityGroup(
    `${name}-redshift-sg`,
    {
      vpcId: vpc.vpcId,
      description: "Redshift: SQL from inside the VPC only, HTTPS out to S3 only",
      ingress: [{ description: "SQL from the VPC", protocol: "tcp", fromPort: args.redshiftPort, toPort: args.redshiftPort, cidrBlocks: [args.vpcCidr] }],
      egress: [{ description: "S3 through the gateway endpoint", protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: [s3Endpoint.prefixListId] }],
    },
    { ...opts },
  );

  return { vpc, subnetIds: vpc.isolatedSubnetIds, s3Endpoint, redshiftSg };
}
