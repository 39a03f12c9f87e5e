import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../shared/awsContext";
import { Deployment } from "../shared/deployment";
import { createLogGroup } from "../shared/logGroup";
import { identifier } from "../shared/naming";
import { createServiceRole } from "../shared/role";
import { SecureBucket } from "../shared/secureBucket";
import { meterDefaults } from "./defaults";
import { IOT_SQL_VERSION, METER_READINGS_SQL } from "../shared/ruleSql";
import { createTopicRuleRole } from "../shared/topicRuleRole";
import { HelperOptions } from "../shared/options";
import { createS3Delivery, firehosePutStatement } from "../shared/firehose";

export interface RealtimeReadingsArgs {
  readonly lake: SecureBucket;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly ctx: AwsContext;
  readonly deployment: Deployment;
}

/**
 * MQTT readings → IoT rule → Firehose (dynamic partitioning) → lake `{ClientID}/{YYYYMMDD}/...`.
 *
 * Why Firehose instead of the IoT rule's S3 action: the S3 action does one PUT per message, one tiny object
 * a reading that the daily analysis and Athena must open one by one (48 a meter a day). Firehose buffers up to
 * 64 MB / 5 minutes per client-and-day partition and writes one object per flush; the object name carries
 * the flush timestamp, which is the `{timestamp}` part of the key.
 *
 * The limit of that choice: a partition is one client's day, and a stream holds at most 500 active partitions
 * (5,000 on request) in its buffers. Meters send at the end of each half-hour, so beyond about that many meters
 * the records over the limit go to the lake's `errors/` prefix (`activePartitionExceeded`), not their client's
 * (the partition-limit alarm fires). docs/meters.md says what holds at scale.
 */
export function createRealtimeReadings(name: string, args: RealtimeReadingsArgs, opts: HelperOptions) {
  const { lake, kmsKeyArn, ctx, deployment } = args;

  const deliveryLogs = createLogGroup(`${name}-delivery`, { path: `firehose/${name}`, kmsKeyArn, deployment }, opts);
  const deliveryLogStream = new aws.cloudwatch.LogStream(
    `${name}-delivery-stream-log`,
    {
      logGroupName: deliveryLogs.name,
      name: "S3Delivery",
    },
    { ...opts },
  );

  const firehoseRole = createServiceRole(
    `${name}-firehose`,
    {
      service: "firehose.amazonaws.com",
      sourceAccount: ctx.accountId,
      description: "Firehose delivers meter readings to the lake",
    },
    opts,
  );
  const {
    stream: deliveryStream,
    freshnessAlarm,
    partitionAlarm,
  } = createS3Delivery(
    name,
    {
      deployment,
      role: firehoseRole,
      bucketArns: [lake.arn],
      writeSid: "WriteLake",
      kmsKeyArn,
      keySid: "EncryptLakeObjects",
      logGroup: deliveryLogs,
      logStreamName: deliveryLogStream.name,
      destination: {
        prefix: meterDefaults.lakePrefix,
        errorOutputPrefix: meterDefaults.lakeErrorPrefix,
        bufferingSize: meterDefaults.bufferingSizeMb,
        bufferingInterval: meterDefaults.bufferingIntervalSeconds,
        fileExtension: ".json.gz",
        dynamicPartitioningConfiguration: { enabled: true, retryDuration: 300 },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: "MetadataExtraction",
              parameters: [
                { parameterName: "MetadataExtractionQuery", parameterValue: "{clientId: .clientId, day: .day}" },
                { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
              ],
            },
            { type: "AppendDelimiterToRecord", parameters: [{ parameterName: "Delimiter", parameterValue: "\\n" }] },
          ],
        },
      },
    },
    opts,
  );

  const ruleRole = createTopicRuleRole(
    name,
    {
      description: "IoT rule forwards meter readings to Firehose",
      statements: deliveryStream.arn.apply((streamArn) => [firehosePutStatement("PutReadings", streamArn)]),
      kmsKeyArn,
      ctx,
      deployment,
    },
    opts,
  );

  const rule = new aws.iot.TopicRule(
    `${name}-rule`,
    {
      // IoT rule names allow only [a-zA-Z0-9_]: Pulumi's hyphenated auto-name would be rejected.
      name: identifier(["gridrail", deployment.stack, name], "_", 128),
      description: "Meter readings to the lake through Firehose",
      enabled: true,
      sql: METER_READINGS_SQL,
      sqlVersion: IOT_SQL_VERSION,
      // No separator: the AppendDelimiterToRecord processor adds it after JQ has parsed the record. batchMode
      // stays off because a reading is one JSON object, not the array batch mode expects.
      firehoses: [{ deliveryStreamName: deliveryStream.name, roleArn: ruleRole.role.arn, batchMode: false }],
      errorAction: ruleRole.errorAction,
    },
    { ...opts, dependsOn: [ruleRole.policy] },
  );

  // readings that are late reaching the lake, or that a rule could not hand to Firehose
  return { deliveryStream, rule, alarms: [freshnessAlarm, ...(partitionAlarm ? [partitionAlarm] : []), ruleRole.failureAlarm] };
}
