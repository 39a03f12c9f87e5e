/** Small resource views for rule tests, built the way the synth records them (references by name or ARN). */
import { Environment, ResourceView } from "../../policy/graph";

export const ACCOUNT = "123456789012";
export const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/0f1e2d3c-aaaa-bbbb-cccc-000000000001`;

export function res(type: string, name: string, inputs: Record<string, unknown> = {}, extra: Partial<ResourceView> = {}): ResourceView {
  return { type, name, inputs, ...extra };
}

/** `res` with `patch` merged over `base` inputs; a patch value of undefined removes the input. */
export function variant(base: ResourceView, patch: Record<string, unknown>, extra: Partial<ResourceView> = {}): ResourceView {
  const inputs: Record<string, unknown> = { ...base.inputs, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete inputs[k];
  return { ...base, inputs, ...extra };
}

export function policyDocument(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

export const S3 = {
  bucket: "aws:s3/bucket:Bucket",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  logging: "aws:s3/bucketLogging:BucketLogging",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
} as const;

export type Companion = Exclude<keyof typeof S3, "bucket" | "replication">;

export function tlsDenyPolicy(bucket: string): string {
  return policyDocument({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { "aws:SecureTransport": false } },
  });
}

/** A bucket with every companion the S3 rules want, logging to `logs`; `without` drops companions. */
export function secureBucket(name: string, without: readonly Companion[] = []): ResourceView[] {
  const companions: Record<Companion, ResourceView> = {
    encryption: res(S3.encryption, `${name}-encryption`, {
      bucket: name,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } }],
    }),
    publicAccessBlock: res(S3.publicAccessBlock, `${name}-public-access`, {
      bucket: name,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }),
    versioning: res(S3.versioning, `${name}-versioning`, { bucket: name, versioningConfiguration: { status: "Enabled" } }),
    policy: res(S3.policy, `${name}-policy`, { bucket: name, policy: tlsDenyPolicy(name) }),
    logging: res(S3.logging, `${name}-access-logging`, { bucket: name, targetBucket: "logs", targetPrefix: `access/${name}/` }),
    lifecycle: res(S3.lifecycle, `${name}-lifecycle`, {
      bucket: name,
      rules: [{ id: "baseline", status: "Enabled", abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }],
    }),
  };
  return [
    res(S3.bucket, name, { forceDestroy: false }),
    ...Object.entries(companions)
      .filter(([k]) => !without.includes(k as Companion))
      .map(([, r]) => r),
  ];
}

/** One rule's table row: a graph the rule accepts and one it rejects with exactly `messages`. */
export interface RuleCase {
  readonly rule: string;
  /** What the failing graph shows. */
  readonly title: string;
  readonly environment?: Environment;
  readonly pass: readonly ResourceView[];
  readonly fail: readonly ResourceView[];
  readonly messages: readonly string[];
}
