import { ACCOUNT, KEY_ARN, res, RuleCase, variant } from "../fixtures";
import { rule } from "./iot";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const QUEUE = "aws:sqs/queue:Queue";
const sqsArn = (name: string) => `arn:aws:sqs:eu-west-1:${ACCOUNT}:${name}`;

const stream = res("aws:kinesis/stream:Stream", "telemetry", { encryptionType: "KMS", kmsKeyId: KEY_ARN, retentionPeriod: 24 });

const streamMapping = res(ESM, "anomaly-esm", {
  eventSourceArn: `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/telemetry`,
  functionName: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:anomaly-fn`,
  startingPosition: "LATEST",
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 3,
  maximumRecordAgeInSeconds: 3600,
  destinationConfig: { onFailure: { destinationArn: sqsArn("anomaly-dlq") } },
  functionResponseTypes: ["ReportBatchItemFailures"],
});
const queueMapping = res(ESM, "parser-esm", {
  eventSourceArn: sqsArn("uploads"),
  functionName: "parser-fn",
  batchSize: 10,
  functionResponseTypes: ["ReportBatchItemFailures"],
});

const encrypted = { kmsMasterKeyId: KEY_ARN, kmsDataKeyReusePeriodSeconds: 300 };
/** The depth alarm of a dead-letter queue, acting on the stack's alert topic. */
const depthAlarm = (queue: string) =>
  res("aws:cloudwatch/metricAlarm:MetricAlarm", `${queue}-depth-alarm`, {
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: queue },
    alarmActions: [`arn:aws:sns:eu-west-1:${ACCOUNT}:alerts`],
  });
const uploads = res(QUEUE, "uploads", { ...encrypted, redrivePolicy: JSON.stringify({ deadLetterTargetArn: sqsArn("uploads-dlq"), maxReceiveCount: 5 }) });
const uploadsDlq = res(QUEUE, "uploads-dlq", encrypted);

const FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";
const s3Destination = {
  roleArn: `arn:aws:iam::${ACCOUNT}:role/firehose-role`,
  bucketArn: "arn:aws:s3:::lake",
  kmsKeyArn: KEY_ARN,
  errorOutputPrefix: "errors/!{firehose:error-output-type}/",
  cloudwatchLoggingOptions: { enabled: true, logGroupName: "/gridrail/dev/firehose/readings", logStreamName: "S3Delivery" },
};
const delivery = res(FIREHOSE, "readings", {
  destination: "extended_s3",
  serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: KEY_ARN },
  extendedS3Configuration: s3Destination,
});
const lambdaProcessing = {
  enabled: true,
  processors: [
    { type: "Lambda", parameters: [{ parameterName: "LambdaArn", parameterValue: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:transform:$LATEST` }] },
  ],
};
const transforming = variant(delivery, {
  extendedS3Configuration: {
    ...s3Destination,
    processingConfiguration: lambdaProcessing,
    s3BackupMode: "Enabled",
    s3BackupConfiguration: { bucketArn: "arn:aws:s3:::backup", roleArn: s3Destination.roleArn },
  },
});

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
/** An alarm that fires in one 5-minute period once the statistic rises above the threshold. */
const rising = { comparisonOperator: "GreaterThanThreshold", period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 };
/** An alarm on the Maximum of the `readings` stream's `metricName` rising above `threshold`. */
const streamAlarm = (name: string, metricName: string, threshold: number) =>
  res(ALARM, name, { namespace: "AWS/Firehose", metricName, dimensions: { DeliveryStreamName: "readings" }, statistic: "Maximum", threshold, ...rising });
const freshnessAlarm = streamAlarm("readings-freshness-alarm", "DeliveryToS3.DataFreshness", 900);
const ruleErrorsFilter = res("aws:cloudwatch/logMetricFilter:LogMetricFilter", "readings-rule-errors-count", {
  logGroupName: "/gridrail/dev/iot/errors",
  pattern: "",
  metricTransformation: { namespace: "gridrail", name: "readings-rule-actions-failed", value: "1" },
});
const ruleErrorsAlarm = res(ALARM, "readings-rule-errors-alarm", {
  namespace: "gridrail",
  metricName: "readings-rule-actions-failed",
  dimensions: {},
  statistic: "Sum",
  threshold: 0,
  ...rising,
});

const partitioned = variant(delivery, {
  extendedS3Configuration: { ...s3Destination, dynamicPartitioningConfiguration: { enabled: true, retryDuration: 300 } },
});
const partitionAlarm = streamAlarm("readings-partition-limit-alarm", "PartitionCountExceeded", 0);

export const STREAMING_CASES: readonly RuleCase[] = [
  {
    rule: "alarms-partition-limit",
    title:
      "a dynamically partitioned stream whose partition-limit alarm fires only on 2, is always in alarm, or takes a day (a stream without dynamic partitioning needs none)",
    pass: [partitioned, partitionAlarm, variant(delivery, {}, { name: "plain" })],
    fail: [
      partitioned,
      variant(partitionAlarm, { threshold: 1 }),
      ...["always", "slow"].map((name) => variant(partitioned, {}, { name })),
      variant(partitionAlarm, { dimensions: { DeliveryStreamName: "always" }, threshold: -1 }, { name: "always-alarm" }),
      variant(partitionAlarm, { dimensions: { DeliveryStreamName: "slow" }, period: 3600, datapointsToAlarm: 24 }, { name: "slow-alarm" }),
    ],
    messages: ["readings", "always", "slow"].map(
      (name) =>
        `Firehose stream ${name} partitions dynamically with no alarm on PartitionCountExceeded: records over the partition limit would go to its error prefix unseen`,
    ),
  },
  {
    rule: "alarms-delivery-freshness",
    title: "a stream to S3 whose freshness alarm watches another metric, fires after Firehose's 24 hours of retries, or on falling values",
    pass: [delivery, freshnessAlarm],
    fail: [
      delivery,
      variant(freshnessAlarm, { metricName: "DeliveryToS3.Success" }),
      ...["late", "slow", "falling"].map((name) => variant(delivery, {}, { name })),
      variant(freshnessAlarm, { dimensions: { DeliveryStreamName: "late" }, threshold: 172800 }, { name: "late-freshness-alarm" }),
      variant(
        freshnessAlarm,
        { dimensions: { DeliveryStreamName: "slow" }, threshold: 86000, period: 3600, datapointsToAlarm: 2 },
        { name: "slow-freshness-alarm" },
      ),
      variant(freshnessAlarm, { dimensions: { DeliveryStreamName: "falling" }, comparisonOperator: "LessThanThreshold" }, { name: "falling-freshness-alarm" }),
    ],
    messages: ["readings", "late", "slow", "falling"].map(
      (name) =>
        `Firehose stream ${name} has no alarm on DeliveryToS3.DataFreshness that fires within 86400 s: records it cannot deliver would wait unseen until dropped`,
    ),
  },
  {
    rule: "alarms-rule-errors",
    title: "failed messages counted by a filter that matches only some of them, counts 0, or has no alarm without dimensions that fires on one",
    pass: [rule, ruleErrorsFilter, ruleErrorsAlarm],
    fail: [
      rule,
      variant(rule, { name: "gridrail_dev_other" }, { name: "other-rule" }),
      variant(ruleErrorsFilter, { pattern: "Throttl" }),
      ruleErrorsAlarm,
      variant(rule, { errorAction: { cloudwatchLogs: { logGroupName: "/gridrail/dev/iot/zero" } } }, { name: "zero-rule" }),
      variant(
        ruleErrorsFilter,
        { logGroupName: "/gridrail/dev/iot/zero", metricTransformation: { namespace: "gridrail", name: "readings-rule-actions-failed", value: "0" } },
        { name: "zero-count" },
      ),
      variant(rule, { errorAction: { cloudwatchLogs: { logGroupName: "/gridrail/dev/iot/third" } } }, { name: "third-rule" }),
      variant(
        ruleErrorsFilter,
        { logGroupName: "/gridrail/dev/iot/third", metricTransformation: { namespace: "gridrail", name: "third-rule-actions-failed", value: "1" } },
        { name: "third-count" },
      ),
      variant(rule, { errorAction: { cloudwatchLogs: { logGroupName: "/gridrail/dev/iot/fourth" } } }, { name: "fourth-rule" }),
      variant(
        ruleErrorsFilter,
        { logGroupName: "/gridrail/dev/iot/fourth", metricTransformation: { namespace: "gridrail", name: "fourth-failed", value: "1" } },
        { name: "fourth-count" },
      ),
      variant(ruleErrorsAlarm, { metricName: "fourth-failed", dimensions: { rule: "gridrail_dev_fourth" } }, { name: "fourth-alarm" }),
      variant(ruleErrorsAlarm, { metricName: "fourth-failed", threshold: 1e9 }, { name: "fourth-never-alarm" }),
    ],
    messages: [
      "IoT rule readings-rule logs its failed messages to /gridrail/dev/iot/errors with no metric filter counting them and an alarm on it",
      "IoT rule other-rule logs its failed messages to /gridrail/dev/iot/errors with no metric filter counting them and an alarm on it",
      "IoT rule zero-rule logs its failed messages to /gridrail/dev/iot/zero with no metric filter counting them and an alarm on it",
      "IoT rule third-rule logs its failed messages to /gridrail/dev/iot/third with no metric filter counting them and an alarm on it",
      "IoT rule fourth-rule logs its failed messages to /gridrail/dev/iot/fourth with no metric filter counting them and an alarm on it",
    ],
  },
  {
    rule: "kinesis-encryption",
    title: "unencrypted stream",
    pass: [stream],
    fail: [variant(stream, { encryptionType: "NONE", kmsKeyId: undefined })],
    messages: ["Kinesis stream telemetry is not encrypted (encryptionType: NONE)"],
  },
  {
    rule: "kinesis-encryption",
    title: "KMS without a key",
    pass: [stream],
    fail: [variant(stream, { kmsKeyId: undefined })],
    messages: ["Kinesis stream telemetry has encryptionType KMS but no kmsKeyId"],
  },
  {
    rule: "kinesis-encryption",
    title: "the AWS managed key",
    pass: [stream],
    fail: [variant(stream, { kmsKeyId: "alias/aws/kinesis" })],
    messages: ["Kinesis stream telemetry uses the AWS managed key alias/aws/kinesis, not a key of the stack"],
  },
  {
    rule: "stream-mapping-failure-handling",
    title: "a mapping left at the defaults",
    pass: [streamMapping, queueMapping],
    fail: [
      variant(streamMapping, {
        bisectBatchOnFunctionError: undefined,
        maximumRetryAttempts: -1,
        maximumRecordAgeInSeconds: undefined,
        destinationConfig: undefined,
        functionResponseTypes: undefined,
      }),
    ],
    messages: [
      "event source mapping anomaly-esm does not bisect failing batches (bisectBatchOnFunctionError: unset)",
      "event source mapping anomaly-esm retries without a bound of 10 (maximumRetryAttempts: -1)",
      "event source mapping anomaly-esm retries records of any age (maximumRecordAgeInSeconds: unset)",
      "event source mapping anomaly-esm has no on-failure destination (destinationConfig.onFailure.destinationArn: unset)",
      "event source mapping anomaly-esm does not report batch item failures (functionResponseTypes: unset)",
    ],
  },
  {
    rule: "stream-mapping-failure-handling",
    title: "too many retries and infinite record age",
    pass: [streamMapping],
    fail: [variant(streamMapping, { maximumRetryAttempts: 10000, maximumRecordAgeInSeconds: -1 })],
    messages: [
      "event source mapping anomaly-esm retries without a bound of 10 (maximumRetryAttempts: 10000)",
      "event source mapping anomaly-esm retries records of any age (maximumRecordAgeInSeconds: -1)",
    ],
  },
  {
    rule: "queue-mapping-partial-batch",
    title: "an SQS mapping without partial batch responses",
    pass: [queueMapping, streamMapping],
    fail: [variant(queueMapping, { functionResponseTypes: [] })],
    messages: ["event source mapping parser-esm does not report batch item failures (functionResponseTypes: [])"],
  },
  {
    rule: "sqs-encryption",
    title: "unencrypted queue",
    pass: [uploads],
    fail: [variant(uploads, { kmsMasterKeyId: undefined })],
    messages: ["queue uploads is not encrypted with KMS (kmsMasterKeyId: unset)"],
  },
  {
    rule: "sqs-encryption",
    title: "the AWS managed key",
    pass: [uploads],
    fail: [variant(uploads, { kmsMasterKeyId: "alias/aws/sqs" })],
    messages: ["queue uploads uses the AWS managed key alias/aws/sqs, not a key of the stack"],
  },
  {
    rule: "alarms-dead-letters",
    title: "a dead-letter queue and a failure destination without a depth alarm (a work queue needs none)",
    pass: [uploads, uploadsDlq, streamMapping, res(QUEUE, "anomaly-dlq", encrypted), depthAlarm("uploads-dlq"), depthAlarm("anomaly-dlq")],
    fail: [
      uploads,
      uploadsDlq,
      streamMapping,
      res(QUEUE, "anomaly-dlq", encrypted),
      { ...depthAlarm("anomaly-dlq"), inputs: { ...depthAlarm("anomaly-dlq").inputs, metricName: "NumberOfMessagesSent" } },
    ],
    messages: [
      "dead-letter queue uploads-dlq has no alarm on its depth: what lands there would wait unseen",
      "dead-letter queue anomaly-dlq has no alarm on its depth: what lands there would wait unseen",
    ],
  },
  {
    rule: "prod-alarms-have-actions",
    title: "a prod alarm that tells no one",
    environment: "prod",
    pass: [depthAlarm("uploads-dlq")],
    fail: [variant(depthAlarm("uploads-dlq"), { alarmActions: [] })],
    messages: ["alarm uploads-dlq-depth-alarm has no alarm action: it would tell no one"],
  },
  {
    rule: "sqs-dead-letter-queue",
    title: "a work queue without a DLQ",
    pass: [uploads, uploadsDlq],
    fail: [variant(uploads, { redrivePolicy: undefined }), uploadsDlq],
    messages: ["queue uploads has no dead-letter queue (redrivePolicy: unset)", "queue uploads-dlq has no dead-letter queue (redrivePolicy: unset)"],
  },
  {
    rule: "sqs-dead-letter-queue",
    title: "a failure destination needs no DLQ of its own, a lone queue does",
    pass: [streamMapping, res(QUEUE, "anomaly-dlq", encrypted)],
    fail: [res(QUEUE, "anomaly-dlq", encrypted)],
    messages: ["queue anomaly-dlq has no dead-letter queue (redrivePolicy: unset)"],
  },
  {
    rule: "firehose-encryption",
    title: "no SSE, no destination key",
    pass: [delivery],
    fail: [variant(delivery, { serverSideEncryption: undefined, extendedS3Configuration: { ...s3Destination, kmsKeyArn: undefined } })],
    messages: [
      "Firehose readings has no server-side encryption (serverSideEncryption.enabled: unset)",
      "Firehose readings writes to S3 without a KMS key (extendedS3Configuration.kmsKeyArn: unset)",
    ],
  },
  {
    rule: "firehose-encryption",
    title: "SSE with an AWS owned key",
    pass: [delivery],
    fail: [variant(delivery, { serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" } })],
    messages: ["Firehose readings encrypts with an AWS owned key (serverSideEncryption.keyType: AWS_OWNED_CMK), not CUSTOMER_MANAGED_CMK"],
  },
  {
    rule: "firehose-logging",
    title: "logging off",
    pass: [delivery],
    fail: [variant(delivery, { extendedS3Configuration: { ...s3Destination, cloudwatchLoggingOptions: { enabled: false } } })],
    messages: ["Firehose readings does not log delivery errors (extendedS3Configuration.cloudwatchLoggingOptions.enabled: false)"],
  },
  {
    rule: "firehose-backup",
    title: "no error prefix; a Lambda transform without source backup",
    pass: [delivery, transforming],
    fail: [variant(transforming, { extendedS3Configuration: { ...s3Destination, errorOutputPrefix: undefined, processingConfiguration: lambdaProcessing } })],
    messages: [
      "Firehose readings has no errorOutputPrefix for records it cannot deliver",
      "Firehose readings transforms records with Lambda but does not back up the source records (s3BackupMode: unset)",
    ],
  },
];
