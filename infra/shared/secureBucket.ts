import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bucketDefaults } from "./defaults";
import { statefulOptions } from "./deployment";
import { Statement, policyDocument, tlsOnlyStatements } from "./policyDocuments";
import { HelperOptions, WithDeployment } from "./options";

type LifecycleRule = aws.types.input.s3.BucketLifecycleConfigurationRule;

export interface SecureBucketArgs {
  /** What the bucket holds (documentation only). */
  readonly purpose: string;
  /**
   * SSE-KMS key. Omit only for log buckets: S3 server access logs can be delivered only to SSE-S3 buckets,
   * so those get AES256.
   */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /** Bucket that receives this bucket's server access logs under `access/<name>/`. Omit only for log buckets. */
  readonly accessLogBucket?: pulumi.Input<string>;
  /** Rules added to the default ones (abort multipart after 7 days, expire non-current versions). Default none. */
  readonly lifecycleRules?: readonly LifecycleRule[];
  /** Statements added to the TLS-only policy; receives the bucket ARN. Default none. */
  readonly extraStatements?: (bucketArn: pulumi.Output<string>) => pulumi.Input<pulumi.Input<Statement>[]>;
  /** Provider for buckets in another region. Default the stack's. */
  readonly provider?: aws.Provider;
}

export interface SecureBucket {
  readonly bucket: aws.s3.Bucket;
  readonly arn: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly versioning: aws.s3.BucketVersioning;
  readonly policy: aws.s3.BucketPolicy;
}

/**
 * A bucket with the full baseline: owner-enforced objects (no ACLs), all four public-access blocks, versioning,
 * default encryption (SSE-KMS with a bucket key), access logging, lifecycle and a TLS-only bucket policy.
 */
export function createSecureBucket(name: string, args: SecureBucketArgs & WithDeployment, opts: HelperOptions): SecureBucket {
  const { deployment } = args;
  const child = { ...opts, provider: args.provider };
  const bucket = new aws.s3.Bucket(
    `${name}-bucket`,
    {
      forceDestroy: deployment.forceDestroyBuckets,
    },
    { ...statefulOptions(deployment, opts), provider: args.provider },
  );

  new aws.s3.BucketOwnershipControls(
    `${name}-ownership`,
    {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    },
    child,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    child,
  );
  const versioning = new aws.s3.BucketVersioning(
    `${name}-versioning`,
    {
      bucket: bucket.id,
      versioningConfiguration: { status: bucketDefaults.versioning ? "Enabled" : "Suspended" },
    },
    child,
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      bucket: bucket.id,
      rules: [
        args.kmsKeyArn === undefined
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
          : {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
              bucketKeyEnabled: bucketDefaults.bucketKeyEnabled,
            },
      ],
    },
    child,
  );
  if (args.accessLogBucket !== undefined) {
    new aws.s3.BucketLogging(
      `${name}-access-logging`,
      {
        bucket: bucket.id,
        targetBucket: args.accessLogBucket,
        targetPrefix: `access/${name}/`,
        // Date-partitioned keys (.../YYYY/MM/DD/...) let Athena project partitions instead of listing.
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
      },
      child,
    );
  }
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "baseline",
          status: "Enabled",
          filter: { prefix: "" },
          abortIncompleteMultipartUpload: { daysAfterInitiation: bucketDefaults.abortIncompleteMultipartUploadDays },
          noncurrentVersionExpiration: { noncurrentDays: bucketDefaults.noncurrentVersionExpirationDays },
        },
        ...(args.lifecycleRules ?? []),
      ],
    },
    { ...child, dependsOn: [versioning] },
  );

  const statements = pulumi
    .all([bucket.arn, args.extraStatements ? args.extraStatements(bucket.arn) : []])
    .apply(([arn, extra]) => JSON.stringify(policyDocument([...tlsOnlyStatements(arn), ...(extra as Statement[])])));
  // The public-access block must exist first: a policy with Principal "*" would otherwise race it.
  const policy = new aws.s3.BucketPolicy(`${name}-policy`, { bucket: bucket.id, policy: statements }, { ...child, dependsOn: [publicAccess] });

  return { bucket, arn: bucket.arn, name: bucket.bucket, versioning, policy };
}
