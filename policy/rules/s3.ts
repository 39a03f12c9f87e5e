/**
 * S3: in @pulumi/aws 7 a bucket's encryption, public access block, versioning, policy, logging and lifecycle
 * are separate resources, so each rule joins the bucket with the resources that name it in `bucket`.
 */
import { ResourceView, StackGraph } from "../graph";
import { joinRule, resourceRule, Rule } from "../rule";
import { asArray, conditionValue, get, isAnyone, isAwsManagedKey, isUnknown, show, statements } from "../values";
import { T } from "./types";

/** Server access logs and CloudTrail land in log buckets, which are judged as such (SSE-S3 allowed, no self-logging). */
export function isLogTarget(bucket: ResourceView, graph: StackGraph): boolean {
  return graph.referrers(bucket, T.bucketLogging, "targetBucket").length > 0 || graph.referrers(bucket, T.trail, "s3BucketName").length > 0;
}

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

export const s3Encryption = joinRule({
  id: "s3-encryption",
  level: "mandatory",
  description: "Every bucket has default SSE-KMS encryption; log buckets may use SSE-S3 (S3 server access logging cannot write to SSE-KMS buckets).",
  types: T.bucket,
  check(bucket, graph) {
    const configs = graph.referrers(bucket, T.bucketEncryption, "bucket");
    if (configs.length === 0) return [`bucket ${bucket.name} has no SSE-KMS encryption configuration`];
    const defaults = configs.flatMap((c) => asArray(c.inputs.rules).map((r) => get(r, "applyServerSideEncryptionByDefault")));
    const algorithms = defaults.map((d) => get(d, "sseAlgorithm"));
    const withKey = defaults.filter((d) => isUnknown(get(d, "sseAlgorithm")) || KMS_ALGORITHMS.includes(get(d, "sseAlgorithm") as string));
    // aws:kms without kmsMasterKeyId is the AWS managed aws/s3 key, which no key policy of the stack governs
    if (withKey.some((d) => get(d, "kmsMasterKeyId") !== undefined && !isAwsManagedKey(get(d, "kmsMasterKeyId")))) return [];
    if (withKey.length > 0)
      return [`bucket ${bucket.name} encrypts with the AWS managed key (kmsMasterKeyId: ${show(get(withKey[0], "kmsMasterKeyId"))}), not a key of the stack`];
    // a bucket that holds device data is judged as a data bucket even when logs are also pointed at it
    if (algorithms.includes("AES256") && isLogTarget(bucket, graph) && !holdsDeviceData(bucket, graph)) return [];
    return [`bucket ${bucket.name} encrypts with ${algorithms.map(show).join(", ")}, not SSE-KMS (aws:kms)`];
  },
});

const BLOCK_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const s3PublicAccessBlock = joinRule({
  id: "s3-public-access-block",
  level: "mandatory",
  description: "Every bucket has a public access block with all four settings on.",
  types: T.bucket,
  check(bucket, graph) {
    const blocks = graph.referrers(bucket, T.bucketPublicAccessBlock, "bucket");
    if (blocks.length === 0) return [`bucket ${bucket.name} has no public access block`];
    const off = BLOCK_FLAGS.filter((flag) => !blocks.some((b) => b.inputs[flag] === true || isUnknown(b.inputs[flag])));
    return off.length === 0 ? [] : [`bucket ${bucket.name} public access block leaves ${off.join(", ")} off`];
  },
});

export const s3Versioning = joinRule({
  id: "s3-versioning",
  level: "mandatory",
  description: "Every bucket has versioning Enabled.",
  types: T.bucket,
  check(bucket, graph) {
    const configs = graph.referrers(bucket, T.bucketVersioning, "bucket");
    if (configs.length === 0) return [`bucket ${bucket.name} has no versioning configuration`];
    const statuses = configs.map((c) => get(c.inputs, "versioningConfiguration.status"));
    if (statuses.some((s) => s === "Enabled" || isUnknown(s))) return [];
    return [`bucket ${bucket.name} versioning is ${statuses.map(show).join(", ")}, not Enabled`];
  },
});

/** A statement denying every S3 action to everyone when `aws:SecureTransport` is false. */
const isFalse = (v: unknown): boolean => v === false || (typeof v === "string" && v.toLowerCase() === "false");

function deniesInsecureTransport(policy: unknown): boolean {
  return (statements(policy) ?? []).some(
    (s) =>
      s.effect === "Deny" &&
      isAnyone(s.principal) &&
      s.actions.some((a) => a === "s3:*" || a === "*") &&
      isFalse(conditionValue(s.condition, ["Bool", "BoolIfExists"], "aws:SecureTransport")),
  );
}

export const s3TlsOnly = joinRule({
  id: "s3-tls-only",
  level: "mandatory",
  description: "Every bucket's policy denies s3:* to everyone without TLS (aws:SecureTransport false).",
  types: T.bucket,
  check(bucket, graph) {
    const policies = graph.referrers(bucket, T.bucketPolicy, "bucket");
    if (policies.length === 0) return [`bucket ${bucket.name} has no bucket policy`];
    if (policies.some((p) => isUnknown(p.inputs.policy) || deniesInsecureTransport(p.inputs.policy))) return [];
    return [`bucket ${bucket.name} policy ${policies.map((p) => p.name).join(", ")} does not deny s3:* without TLS (aws:SecureTransport false)`];
  },
});

export const s3AccessLogging = joinRule({
  id: "s3-access-logging",
  level: "mandatory",
  description: "Every bucket logs server access to a log bucket, unless it is a log bucket itself.",
  types: T.bucket,
  check(bucket, graph) {
    if (graph.referrers(bucket, T.bucketLogging, "bucket").length > 0 || isLogTarget(bucket, graph)) return [];
    return [`bucket ${bucket.name} has no server access logging and is not a log target`];
  },
});

export const s3Lifecycle = joinRule({
  id: "s3-lifecycle",
  level: "advisory",
  description: "Every bucket has a lifecycle configuration with at least one Enabled rule (expiry, transitions, aborted uploads).",
  types: T.bucket,
  check(bucket, graph) {
    const configs = graph.referrers(bucket, T.bucketLifecycle, "bucket");
    if (configs.length === 0) return [`bucket ${bucket.name} has no lifecycle configuration`];
    const statuses = configs.flatMap((c) => asArray(c.inputs.rules).map((r) => get(r, "status")));
    if (statuses.some((s) => s === "Enabled" || isUnknown(s))) return [];
    return [`bucket ${bucket.name} lifecycle has no Enabled rule (status: ${statuses.map(show).join(", ") || "no rules"})`];
  },
});

/** Condition keys that tie a statement for anyone to an account, an organisation, a source or a network path. */
const SCOPING_KEYS = [
  "aws:SourceAccount",
  "aws:SourceArn",
  "aws:SourceOwner",
  "aws:PrincipalAccount",
  "aws:PrincipalOrgID",
  "aws:PrincipalArn",
  "aws:SourceVpce",
  "aws:SourceVpc",
];
/** Operators that require the key to match (an `…IfExists` form lets a request without the key through). */
const MATCHING_OPERATORS = ["StringEquals", "StringLike", "ArnEquals", "ArnLike", "StringEqualsIgnoreCase"];

export const s3PolicyNoPublicAllow = resourceRule({
  id: "s3-policy-no-public-allow",
  level: "mandatory",
  description:
    "No bucket policy allows anyone (principal `*` or AWS `*`) unless a condition ties the statement to an account, organisation, source ARN or VPC endpoint.",
  types: T.bucketPolicy,
  check(policy) {
    return (statements(policy.inputs.policy) ?? [])
      .filter((s) => s.effect === "Allow" && isAnyone(s.principal))
      .filter((s) => !SCOPING_KEYS.some((key) => conditionValue(s.condition, MATCHING_OPERATORS, key) !== undefined))
      .map((s) => `bucket policy ${policy.name} statement ${s.id} allows ${s.actions.join(", ")} to anyone`);
  },
});

/** Whether a bucket holds device data: a Firehose stream delivers into it, or it is replicated. */
export function holdsDeviceData(bucket: ResourceView, graph: StackGraph): boolean {
  return (
    graph.referrers(bucket, T.firehose, "extendedS3Configuration.bucketArn").length > 0 || graph.referrers(bucket, T.bucketReplication, "bucket").length > 0
  );
}

/** Storage classes that archive (the mission's lifecycle to Glacier). */
export const ARCHIVE_CLASSES = ["GLACIER", "GLACIER_IR", "DEEP_ARCHIVE"];

export const s3DataArchived = joinRule({
  id: "s3-data-archived",
  level: "mandatory",
  description:
    "Every bucket that holds device data (a Firehose stream delivers into it, or it is replicated) has an Enabled lifecycle rule that moves objects to a Glacier storage class.",
  types: T.bucket,
  check(bucket, graph) {
    if (!holdsDeviceData(bucket, graph)) return [];
    const rules = graph.referrers(bucket, T.bucketLifecycle, "bucket").flatMap((c) => asArray(c.inputs.rules));
    const archives = rules.some(
      (r) =>
        (get(r, "status") === "Enabled" || isUnknown(get(r, "status"))) &&
        asArray(get(r, "transitions")).some((t) => ARCHIVE_CLASSES.includes(String(get(t, "storageClass"))) || isUnknown(get(t, "storageClass"))),
    );
    return archives ? [] : [`bucket ${bucket.name} holds device data but no Enabled lifecycle rule moves it to ${ARCHIVE_CLASSES.join(", ")}`];
  },
});

export const S3_RULES: readonly Rule[] = [
  s3Encryption,
  s3PublicAccessBlock,
  s3Versioning,
  s3TlsOnly,
  s3PolicyNoPublicAllow,
  s3AccessLogging,
  s3Lifecycle,
  s3DataArchived,
];
