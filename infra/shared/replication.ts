import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext, awsContext } from "./awsContext";
import { Deployment } from "./deployment";
import { createKmsKey } from "./kmsKey";
import { allow, kmsStatement, logDeliveryStatements } from "./policyDocuments";
import { grant } from "./role";
import { SecureBucket, SecureBucketArgs, createSecureBucket } from "./secureBucket";
import { HelperOptions } from "./options";

export interface ReplicationArgs {
  readonly source: SecureBucket;
  /** What the replica holds (the replica bucket's purpose). */
  readonly holds: string;
  /** The replica key's purpose tag, e.g. `shared-data-replica`. */
  readonly keyPurpose: string;
  /**
   * The replicas' storage class. Standard-IA bills every object as at least 128 KB, so a bucket of small objects
   * (the meter lake: one reading an object, about 150 bytes) keeps STANDARD; larger batches are cheaper in IA.
   */
  readonly storageClass: "STANDARD" | "STANDARD_IA";
  /** Lifecycle rules of the replica bucket besides the baseline. Default none. */
  readonly lifecycleRules?: SecureBucketArgs["lifecycleRules"];
  readonly sourceKeyArn: pulumi.Output<string>;
  /** Created by the caller (a source bucket policy that admits named roles must name it). */
  readonly role: aws.iam.Role;
  readonly replicaRegion: string;
  readonly defaultTags: Readonly<Record<string, string>>;
  readonly ctx: AwsContext;
  readonly deployment: Deployment;
}

/**
 * Cross-region replication of a bucket (prod): a provider for the replica region (a child of the component),
 * a replica key and bucket there with the same baseline, and the replication rule.
 */
export function createReplication(name: string, args: ReplicationArgs, opts: HelperOptions) {
  const { source, deployment, ctx } = args;
  const provider = new aws.Provider(
    `${name}-provider`,
    {
      region: args.replicaRegion as aws.Region,
      defaultTags: { tags: { ...args.defaultTags } },
    },
    { ...opts },
  );
  const replicaCtx = awsContext(opts.parent, provider);
  const replicaKey = createKmsKey(`${name}-replica`, { purpose: args.keyPurpose, provider, ctx: replicaCtx, deployment }, opts);
  // Server access logs must go to a bucket in the same region, so the replica gets its own log bucket.
  const replicaLogs = createSecureBucket(
    `${name}-replica-access-logs`,
    {
      purpose: "server access logs of the replica bucket",
      provider,
      extraStatements: (arn) => pulumi.all([arn, replicaCtx.accountId]).apply(([bucketArn, accountId]) => logDeliveryStatements({ bucketArn, accountId })),
      deployment,
    },
    opts,
  );
  const replica = createSecureBucket(
    `${name}-replica`,
    {
      purpose: `replica of ${args.holds}`,
      kmsKeyArn: replicaKey.arn,
      accessLogBucket: replicaLogs.name,
      lifecycleRules: args.lifecycleRules,
      provider,
      deployment,
    },
    opts,
  );

  const policy = grant(
    `${name}`,
    {
      role: args.role,
      statements: pulumi.all([source.arn, replica.arn, args.sourceKeyArn, replicaKey.arn, ctx.region]).apply(([srcArn, dstArn, srcKey, dstKey, region]) => [
        allow("ReadReplicationConfig", ["s3:GetReplicationConfiguration", "s3:ListBucket"], srcArn),
        allow("ReadSourceVersions", ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], `${srcArn}/*`),
        allow("WriteReplica", ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], `${dstArn}/*`),
        { ...kmsStatement("DecryptSource", [srcKey], ["kms:Decrypt"]), Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } } },
        {
          ...kmsStatement("EncryptReplica", [dstKey], ["kms:Encrypt", "kms:GenerateDataKey"]),
          Condition: { StringEquals: { "kms:ViaService": `s3.${args.replicaRegion}.amazonaws.com` } },
        },
      ]),
    },
    opts,
  );

  const config = new aws.s3.BucketReplicationConfig(
    `${name}-replication`,
    {
      bucket: source.bucket.id,
      role: args.role.arn,
      rules: [
        {
          id: "replicate-everything",
          status: "Enabled",
          filter: { prefix: "" },
          deleteMarkerReplication: { status: "Enabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: {
            bucket: replica.arn,
            storageClass: args.storageClass,
            encryptionConfiguration: { replicaKmsKeyId: replicaKey.arn },
          },
        },
      ],
    },
    { ...opts, dependsOn: [source.versioning, replica.versioning, policy] },
  );

  return { provider, replica, config };
}
