import { KEY_ARN, res, RuleCase, variant } from "../fixtures";

const table = res("aws:dynamodb/table:Table", "checkpoints", {
  billingMode: "PAY_PER_REQUEST",
  hashKey: "trainId",
  pointInTimeRecovery: { enabled: true },
  serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN },
});

const workgroup = res("aws:athena/workgroup:Workgroup", "analysts", {
  name: "gridrail-dev-data-sharing",
  configuration: {
    enforceWorkgroupConfiguration: true,
    resultConfiguration: { outputLocation: "s3://results/athena/", encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: KEY_ARN } },
  },
});

const CLUSTER = "aws:redshift/cluster:Cluster";
const PARAMS = "aws:redshift/parameterGroup:ParameterGroup";
const cluster = res(CLUSTER, "warehouse", {
  clusterIdentifier: "gridrail-dev-warehouse",
  nodeType: "ra3.large",
  clusterType: "single-node",
  port: 5447,
  encrypted: "true",
  kmsKeyId: KEY_ARN,
  publiclyAccessible: false,
  enhancedVpcRouting: true,
  automatedSnapshotRetentionPeriod: 1,
  clusterParameterGroupName: "warehouse-params",
  clusterSubnetGroupName: "warehouse-subnets",
});
const params = res(PARAMS, "warehouse-params", {
  family: "redshift-1.0",
  parameters: [
    { name: "require_ssl", value: "true" },
    { name: "enable_user_activity_logging", value: "true" },
  ],
});
const auditLogging = res("aws:redshift/logging:Logging", "warehouse-audit-logging", {
  clusterIdentifier: "gridrail-dev-warehouse",
  logDestinationType: "cloudwatch",
  logExports: ["connectionlog", "useractivitylog", "userlog"],
});
const warehouse = [cluster, params, auditLogging];
const withCluster = (patch: Record<string, unknown>) => [variant(cluster, patch), params, auditLogging];

export const DATA_CASES: readonly RuleCase[] = [
  {
    rule: "dynamodb-pitr",
    title: "no PITR",
    pass: [table],
    fail: [variant(table, { pointInTimeRecovery: undefined })],
    messages: ["DynamoDB table checkpoints has no point-in-time recovery (pointInTimeRecovery.enabled: unset)"],
  },
  {
    rule: "dynamodb-encryption",
    title: "AWS owned key only",
    pass: [table],
    fail: [variant(table, { serverSideEncryption: { enabled: false } })],
    messages: ["DynamoDB table checkpoints is not encrypted with KMS (serverSideEncryption.enabled: false)"],
  },
  {
    rule: "dynamodb-encryption",
    title: "encrypted with the AWS managed key, not a key of the stack",
    pass: [table],
    fail: [variant(table, { serverSideEncryption: { enabled: true } })],
    messages: ["DynamoDB table checkpoints uses the AWS managed key (serverSideEncryption.kmsKeyArn: unset), not a key of the stack"],
  },
  {
    rule: "athena-workgroup-enforced-encrypted",
    title: "overridable, SSE_S3 results",
    pass: [workgroup],
    fail: [
      variant(workgroup, {
        configuration: {
          enforceWorkgroupConfiguration: false,
          resultConfiguration: { outputLocation: "s3://results/athena/", encryptionConfiguration: { encryptionOption: "SSE_S3" } },
        },
      }),
    ],
    messages: [
      "Athena workgroup analysts lets clients override its settings (enforceWorkgroupConfiguration: false)",
      "Athena workgroup analysts does not encrypt query results with KMS (encryptionOption: SSE_S3)",
    ],
  },
  {
    rule: "redshift-not-public",
    title: "public endpoint",
    pass: warehouse,
    fail: withCluster({ publiclyAccessible: true }),
    messages: ["Redshift cluster warehouse is not private (publiclyAccessible: true)"],
  },
  {
    rule: "redshift-not-public",
    title: "left to the provider default",
    pass: warehouse,
    fail: withCluster({ publiclyAccessible: undefined }),
    messages: ["Redshift cluster warehouse is not private (publiclyAccessible: unset)"],
  },
  {
    rule: "redshift-encrypted",
    title: "unencrypted",
    pass: warehouse,
    fail: withCluster({ encrypted: "false", kmsKeyId: undefined }),
    messages: ["Redshift cluster warehouse is not encrypted (encrypted: false)"],
  },
  {
    rule: "redshift-encrypted",
    title: "no customer managed key",
    pass: warehouse,
    fail: withCluster({ kmsKeyId: undefined }),
    messages: ["Redshift cluster warehouse is encrypted without a customer managed key (kmsKeyId: unset)"],
  },
  {
    rule: "redshift-require-ssl",
    title: "the default parameter group",
    pass: warehouse,
    fail: withCluster({ clusterParameterGroupName: undefined }),
    messages: ["Redshift cluster warehouse uses the default parameter group, where require_ssl is false"],
  },
  {
    rule: "redshift-require-ssl",
    title: "require_ssl false",
    pass: warehouse,
    fail: [
      cluster,
      variant(params, {
        parameters: [
          { name: "require_ssl", value: "false" },
          { name: "enable_user_activity_logging", value: "true" },
        ],
      }),
      auditLogging,
    ],
    messages: ["Redshift cluster warehouse parameter group warehouse-params does not require SSL (require_ssl: false)"],
  },
  {
    rule: "redshift-require-ssl",
    title: "a parameter group from outside the stack",
    pass: warehouse,
    fail: withCluster({ clusterParameterGroupName: "shared-params" }),
    messages: ["Redshift cluster warehouse uses parameter group shared-params, which is not in this stack"],
  },
  {
    rule: "redshift-non-default-port",
    title: "port 5439",
    pass: warehouse,
    fail: withCluster({ port: 5439 }),
    messages: ["Redshift cluster warehouse listens on the default port (port: 5439)"],
  },
  {
    rule: "redshift-non-default-port",
    title: "port unset",
    pass: warehouse,
    fail: withCluster({ port: undefined }),
    messages: ["Redshift cluster warehouse listens on the default port (port: 5439)"],
  },
  {
    rule: "redshift-audit-logging",
    title: "no logging resource",
    pass: warehouse,
    fail: [cluster, params],
    messages: ["Redshift cluster warehouse has no audit logging (no aws:redshift/logging names it)"],
  },
  {
    rule: "redshift-audit-logging",
    title: "a missing export and no user activity logging",
    pass: warehouse,
    fail: [
      cluster,
      variant(params, { parameters: [{ name: "require_ssl", value: "true" }] }),
      variant(auditLogging, { logExports: ["connectionlog", "userlog"] }),
    ],
    messages: [
      "Redshift cluster warehouse audit logging does not export useractivitylog",
      "Redshift cluster warehouse parameter group warehouse-params does not log user activity (enable_user_activity_logging: unset)",
    ],
  },
  {
    rule: "redshift-enhanced-vpc-routing",
    title: "COPY over the internet",
    pass: warehouse,
    fail: withCluster({ enhancedVpcRouting: false }),
    messages: ["Redshift cluster warehouse does not use enhanced VPC routing (enhancedVpcRouting: false)"],
  },
  {
    rule: "redshift-snapshot-retention",
    title: "snapshots off",
    pass: warehouse,
    fail: withCluster({ automatedSnapshotRetentionPeriod: 0 }),
    messages: ["Redshift cluster warehouse has no automated snapshot retention of at least 1 day (automatedSnapshotRetentionPeriod: 0)"],
  },
];
