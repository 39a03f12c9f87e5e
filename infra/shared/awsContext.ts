import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Account, partition and region of the provider a component deploys with; resolved by invokes under `parent`. */
export interface AwsContext {
  readonly accountId: pulumi.Output<string>;
  readonly partition: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
}

export function awsContext(parent: pulumi.Resource, provider?: aws.Provider): AwsContext {
  const opts = { parent, provider };
  return {
    accountId: aws.getCallerIdentityOutput({}, opts).accountId,
    partition: aws.getPartitionOutput({}, opts).partition,
    region: aws.getRegionOutput({}, opts).region,
  };
}
