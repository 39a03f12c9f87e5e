import { ACCOUNT, KEY_ARN, res, RuleCase, S3, secureBucket, variant } from "../fixtures";

const replicationRule = {
  id: "replicate-everything",
  status: "Enabled",
  filter: { prefix: "" },
  deleteMarkerReplication: { status: "Enabled" },
  sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
  destination: { bucket: "arn:aws:s3:::raw-replica", encryptionConfiguration: { replicaKmsKeyId: "arn:aws:kms:eu-central-1:123456789012:key/replica" } },
};
const replication = res(S3.replication, "raw-replication", { bucket: "raw", role: `arn:aws:iam::${ACCOUNT}:role/replication`, rules: [replicationRule] });
const delivery = res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "readings", {
  destination: "extended_s3",
  extendedS3Configuration: { bucketArn: "arn:aws:s3:::raw", kmsKeyArn: KEY_ARN },
});
const readingsRule = res("aws:iot/topicRule:TopicRule", "meter-readings", {
  sql: "SELECT * FROM 'meters/+/readings'",
  s3: [{ bucketName: "raw", key: "${topic(2)}/${timestamp()}", roleArn: `arn:aws:iam::${ACCOUNT}:role/rule-role` }],
  errorAction: { cloudwatchLogs: { logGroupName: "rule-errors", roleArn: `arn:aws:iam::${ACCOUNT}:role/rule-role` } },
});

const bucket = res(S3.bucket, "raw", { forceDestroy: false }, { retainOnDelete: true });
const key = res("aws:kms/key:Key", "data-key", { enableKeyRotation: true, deletionWindowInDays: 30 }, { retainOnDelete: true });
const table = res("aws:dynamodb/table:Table", "profiles", { deletionProtectionEnabled: true }, { retainOnDelete: true });
const userPool = res("aws:cognito/userPool:UserPool", "users", { deletionProtection: "ACTIVE" }, { retainOnDelete: true });
const cluster = res(
  "aws:redshift/cluster:Cluster",
  "warehouse",
  { skipFinalSnapshot: false, finalSnapshotIdentifier: "warehouse-final" },
  { retainOnDelete: true },
);
const stateful = [bucket, key, table, userPool, cluster];

export const PROD_CASES: readonly RuleCase[] = [
  {
    rule: "prod-s3-replication",
    title: "nothing replicated",
    pass: [bucket, replication],
    fail: [bucket],
    messages: ["the prod stack replicates no bucket to another region"],
  },
  {
    rule: "prod-s3-replication",
    title: "a disabled rule that skips SSE-KMS objects",
    pass: [bucket, replication],
    fail: [bucket, variant(replication, { rules: [{ ...replicationRule, status: "Disabled", sourceSelectionCriteria: undefined }] })],
    messages: [
      "replication raw-replication rule replicate-everything is Disabled, not Enabled",
      "replication raw-replication rule replicate-everything skips SSE-KMS encrypted objects (sourceSelectionCriteria.sseKmsEncryptedObjects.status: unset)",
    ],
  },
  {
    rule: "prod-s3-replication",
    title: "no replica key",
    pass: [bucket, replication],
    fail: [bucket, variant(replication, { rules: [{ ...replicationRule, destination: { bucket: "arn:aws:s3:::raw-replica" } }] })],
    messages: ["replication raw-replication rule replicate-everything has no replica KMS key (destination.encryptionConfiguration.replicaKmsKeyId: unset)"],
  },
  {
    rule: "prod-device-data-replicated",
    title: "a Firehose destination without replication",
    pass: [...secureBucket("raw"), delivery, replication],
    fail: [...secureBucket("raw"), delivery],
    messages: ["bucket raw receives device data from Firehose readings but is not replicated to another region"],
  },
  {
    rule: "prod-device-data-replicated",
    title: "an IoT rule's S3 action into a bucket without replication",
    pass: [...secureBucket("raw"), readingsRule, replication],
    fail: [...secureBucket("raw"), readingsRule],
    messages: ["bucket raw receives device data from IoT rule meter-readings but is not replicated to another region"],
  },
  {
    rule: "prod-retain-on-delete",
    title: "a table and a key that leave with the program",
    pass: stateful,
    fail: [bucket, { ...key, retainOnDelete: false }, { ...table, retainOnDelete: false }, userPool, cluster],
    messages: [
      "KMS key data-key is not retained on delete (retainOnDelete: false)",
      "DynamoDB table profiles is not retained on delete (retainOnDelete: false)",
    ],
  },
  {
    rule: "prod-deletion-protection",
    title: "every kind of unprotected resource",
    pass: stateful,
    fail: [
      variant(bucket, { forceDestroy: true }),
      variant(key, { deletionWindowInDays: 7 }),
      variant(table, { deletionProtectionEnabled: false }),
      variant(userPool, { deletionProtection: "INACTIVE" }),
      variant(cluster, { skipFinalSnapshot: true }),
    ],
    messages: [
      "bucket raw is emptied by pulumi destroy (forceDestroy: true)",
      "KMS key data-key can be deleted after 7 days (deletionWindowInDays: 7), not 30",
      "DynamoDB table profiles has no deletion protection (deletionProtectionEnabled: false)",
      "Cognito user pool users has no deletion protection (deletionProtection: INACTIVE)",
      "Redshift cluster warehouse is deleted without a final snapshot (skipFinalSnapshot: true)",
    ],
  },
  {
    rule: "prod-deletion-protection",
    title: "a cluster without a final snapshot name",
    pass: [cluster],
    fail: [variant(cluster, { finalSnapshotIdentifier: undefined })],
    messages: ["Redshift cluster warehouse has no final snapshot identifier (finalSnapshotIdentifier: unset)"],
  },
];
