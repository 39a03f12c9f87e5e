import { ResourceView } from "../../../policy/graph";
import { policyDocument, res, RuleCase, S3, secureBucket, variant } from "../fixtures";

const raw = secureBucket("raw");
const aes256 = res(S3.encryption, "raw-encryption", { bucket: "raw", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
/** A server access log bucket: SSE-S3 and no logging of its own, which the rules accept for log targets only. */
const logsBucket = [
  ...secureBucket("logs", ["encryption", "logging"]),
  res(S3.encryption, "logs-encryption", { bucket: "logs", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }),
];
/** A Firehose stream that delivers device data into the raw bucket. */
const readingsDelivery = res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "readings", {
  destination: "extended_s3",
  extendedS3Configuration: { bucketArn: "arn:aws:s3:::raw" },
});
/** `graph` with the resource named `name` swapped for `by`. */
const replace = (graph: readonly ResourceView[], name: string, by: ResourceView): ResourceView[] => [...graph.filter((r) => r.name !== name), by];

/** The raw bucket whose policy denies s3:* on its objects under `condition`. */
const rawDenying = (condition: Record<string, unknown>) =>
  replace(
    raw,
    "raw-policy",
    res(S3.policy, "raw-policy", {
      bucket: "raw",
      policy: policyDocument({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::raw/*", Condition: condition }),
    }),
  );

export const S3_CASES: readonly RuleCase[] = [
  {
    rule: "s3-encryption",
    title: "no encryption configuration",
    pass: raw,
    fail: secureBucket("raw", ["encryption"]),
    messages: ["bucket raw has no SSE-KMS encryption configuration"],
  },
  {
    rule: "s3-encryption",
    title: "SSE-S3 on a data bucket",
    pass: [...raw, ...logsBucket],
    fail: replace(raw, "raw-encryption", aes256),
    messages: ["bucket raw encrypts with AES256, not SSE-KMS (aws:kms)"],
  },
  {
    rule: "s3-encryption",
    title: "SSE-S3 on a Firehose destination that other buckets' access logs also point at (a log target holding device data)",
    pass: [...raw, ...logsBucket],
    fail: [
      ...replace(raw, "raw-encryption", aes256),
      readingsDelivery,
      res(S3.logging, "other-access-logging", { bucket: "other", targetBucket: "raw", targetPrefix: "access/other/" }),
    ],
    messages: ["bucket raw encrypts with AES256, not SSE-KMS (aws:kms)"],
  },
  {
    rule: "s3-encryption",
    title: "SSE-KMS with the AWS managed aws/s3 key (no key id, or its alias)",
    pass: raw,
    fail: [
      ...replace(
        raw,
        "raw-encryption",
        res(S3.encryption, "raw-encryption", { bucket: "raw", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }),
      ),
      ...secureBucket("other", ["encryption"]),
      res(S3.encryption, "other-encryption", {
        bucket: "other",
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" } }],
      }),
    ],
    messages: [
      "bucket raw encrypts with the AWS managed key (kmsMasterKeyId: unset), not a key of the stack",
      "bucket other encrypts with the AWS managed key (kmsMasterKeyId: alias/aws/s3), not a key of the stack",
    ],
  },
  {
    rule: "s3-public-access-block",
    title: "no public access block",
    pass: raw,
    fail: secureBucket("raw", ["publicAccessBlock"]),
    messages: ["bucket raw has no public access block"],
  },
  {
    rule: "s3-public-access-block",
    title: "two settings off",
    pass: raw,
    fail: replace(
      raw,
      "raw-public-access",
      variant(
        raw.find((r) => r.name === "raw-public-access")!,
        { blockPublicPolicy: false, restrictPublicBuckets: undefined },
      ),
    ),
    messages: ["bucket raw public access block leaves blockPublicPolicy, restrictPublicBuckets off"],
  },
  {
    rule: "s3-versioning",
    title: "no versioning",
    pass: raw,
    fail: secureBucket("raw", ["versioning"]),
    messages: ["bucket raw has no versioning configuration"],
  },
  {
    rule: "s3-versioning",
    title: "versioning suspended",
    pass: raw,
    fail: replace(raw, "raw-versioning", res(S3.versioning, "raw-versioning", { bucket: "raw", versioningConfiguration: { status: "Suspended" } })),
    messages: ["bucket raw versioning is Suspended, not Enabled"],
  },
  { rule: "s3-tls-only", title: "no bucket policy", pass: raw, fail: secureBucket("raw", ["policy"]), messages: ["bucket raw has no bucket policy"] },
  {
    rule: "s3-tls-only",
    title: "a policy without the TLS deny",
    pass: raw,
    fail: replace(
      raw,
      "raw-policy",
      res(S3.policy, "raw-policy", {
        bucket: "raw",
        policy: policyDocument({
          Sid: "DenyInsecureReads",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::raw/*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      }),
    ),
    messages: ["bucket raw policy raw-policy does not deny s3:* without TLS (aws:SecureTransport false)"],
  },
  {
    rule: "s3-tls-only",
    title: "the deny spelt BoolIfExists with a lower-case key passes (IAM reads both without case); a deny on another key fails",
    pass: rawDenying({ boolifexists: { "aws:securetransport": "FALSE" } }),
    fail: rawDenying({ Bool: { "aws:MultiFactorAuthPresent": "false" } }),
    messages: ["bucket raw policy raw-policy does not deny s3:* without TLS (aws:SecureTransport false)"],
  },
  {
    rule: "s3-policy-no-public-allow",
    title: "public reads, and a scoping key only under IfExists (a request without the key passes it)",
    pass: [
      ...raw,
      res(S3.policy, "logs-policy", {
        bucket: "logs",
        policy: policyDocument(
          {
            Sid: "AllowS3ServerAccessLogs",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: "arn:aws:s3:::logs/*",
          },
          {
            Sid: "OrgReads",
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::logs/*",
            Condition: { stringequals: { "aws:principalorgid": "o-abc123" } },
          },
        ),
      }),
    ],
    fail: [
      ...replace(
        raw,
        "raw-policy",
        res(S3.policy, "raw-policy", {
          bucket: "raw",
          policy: policyDocument(
            { Sid: "PublicRead", Effect: "Allow", Principal: { AWS: ["*"] }, Action: "s3:GetObject", Resource: "arn:aws:s3:::raw/*" },
            {
              Effect: "Allow",
              Principal: "*",
              Action: ["s3:ListBucket"],
              Resource: "arn:aws:s3:::raw",
              Condition: { StringEqualsIfExists: { "aws:SourceVpce": "vpce-1" } },
            },
            {
              Sid: "OnlyTls",
              Effect: "Allow",
              Principal: "*",
              Action: "s3:GetObject",
              Resource: "arn:aws:s3:::raw/*",
              Condition: { Bool: { "aws:SecureTransport": "true" } },
            },
          ),
        }),
      ),
    ],
    messages: [
      "bucket policy raw-policy statement PublicRead allows s3:GetObject to anyone",
      "bucket policy raw-policy statement 2 allows s3:ListBucket to anyone",
      "bucket policy raw-policy statement OnlyTls allows s3:GetObject to anyone",
    ],
  },
  {
    rule: "s3-access-logging",
    title: "no access logging, not a log target",
    pass: [...raw, ...logsBucket],
    fail: secureBucket("raw", ["logging"]),
    messages: ["bucket raw has no server access logging and is not a log target"],
  },
  {
    rule: "s3-access-logging",
    title: "a CloudTrail bucket counts as a log target",
    pass: [...secureBucket("trail-logs", ["logging"]), res("aws:cloudtrail/trail:Trail", "trail", { s3BucketName: "trail-logs" })],
    fail: secureBucket("trail-logs", ["logging"]),
    messages: ["bucket trail-logs has no server access logging and is not a log target"],
  },
  { rule: "s3-lifecycle", title: "no lifecycle", pass: raw, fail: secureBucket("raw", ["lifecycle"]), messages: ["bucket raw has no lifecycle configuration"] },
  {
    rule: "s3-lifecycle",
    title: "only disabled rules",
    pass: raw,
    fail: replace(raw, "raw-lifecycle", res(S3.lifecycle, "raw-lifecycle", { bucket: "raw", rules: [{ id: "expire", status: "Disabled" }] })),
    messages: ["bucket raw lifecycle has no Enabled rule (status: Disabled)"],
  },
  {
    rule: "s3-data-archived",
    title: "a Firehose destination whose only lifecycle rule expires uploads (a bucket without device data needs none)",
    pass: [
      ...replace(
        raw,
        "raw-lifecycle",
        res(S3.lifecycle, "raw-lifecycle", {
          bucket: "raw",
          rules: [{ id: "to-glacier", status: "Enabled", transitions: [{ days: 30, storageClass: "GLACIER" }] }],
        }),
      ),
      readingsDelivery,
      ...secureBucket("results"),
    ],
    fail: [...raw, readingsDelivery, res(S3.replication, "raw-replication", { bucket: "raw", rules: [] })],
    messages: ["bucket raw holds device data but no Enabled lifecycle rule moves it to GLACIER, GLACIER_IR, DEEP_ARCHIVE"],
  },
];
