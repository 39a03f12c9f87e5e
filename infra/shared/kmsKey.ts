import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "./awsContext";
import { kmsDefaults } from "./defaults";
import { statefulOptions } from "./deployment";
import { KeyService, keyPolicy } from "./policyDocuments";
import { kmsAliasName } from "./naming";
import { HelperOptions, WithDeployment } from "./options";

export interface KmsKeyArgs {
  /** What the key protects; becomes the description and the alias suffix. */
  readonly purpose: string;
  /** Services that encrypt with the key under their own principal. Default none. */
  readonly services?: readonly KeyService[];
  /** Provider (e.g. the replica region's); default the stack's default provider. */
  readonly provider?: aws.Provider;
}

export interface KmsKey {
  readonly key: aws.kms.Key;
  readonly arn: pulumi.Output<string>;
}

/** A customer-managed key with yearly rotation and a least-privilege key policy, plus its alias. */
export function createKmsKey(name: string, args: KmsKeyArgs & WithDeployment & { readonly ctx: AwsContext }, opts: HelperOptions): KmsKey {
  const { ctx, deployment } = args;
  const key = new aws.kms.Key(
    `${name}-key`,
    {
      description: `gridrail ${deployment.stack}: ${args.purpose}`,
      enableKeyRotation: kmsDefaults.enableKeyRotation,
      rotationPeriodInDays: kmsDefaults.rotationPeriodInDays,
      deletionWindowInDays: deployment.environment === "prod" ? kmsDefaults.deletionWindowInDays : 7,
      policy: pulumi
        .all([ctx.partition, ctx.accountId, ctx.region])
        .apply(([partition, accountId, region]) => JSON.stringify(keyPolicy({ partition, accountId, region, services: args.services ?? [] }))),
    },
    { ...statefulOptions(deployment, opts), provider: args.provider },
  );
  new aws.kms.Alias(
    `${name}-alias`,
    {
      name: kmsAliasName(deployment.stack, args.purpose),
      targetKeyId: key.keyId,
    },
    { ...opts, provider: args.provider },
  );
  return { key, arn: key.arn };
}
