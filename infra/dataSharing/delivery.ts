import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createFunctionAlarms } from "../shared/alarms";
import { AwsContext } from "../shared/awsContext";
import { Deployment } from "../shared/deployment";
import { createBundledFunction } from "../shared/lambdaFunction";
import { createLogGroup } from "../shared/logGroup";
import { identifier } from "../shared/naming";
import { allow } from "../shared/policyDocuments";
import { SecureBucket } from "../shared/secureBucket";
import { IOT_SQL_VERSION, SHARED_RULES } from "../shared/ruleSql";
import { createTopicRuleRole } from "../shared/topicRuleRole";
import { HelperOptions } from "../shared/options";
import { createS3Delivery, firehosePutStatement } from "../shared/firehose";

export interface DeliveryArgs {
  readonly raw: SecureBucket;
  readonly backup: SecureBucket;
  /** Created by the caller first: the raw bucket policy exempts it by ARN. */
  readonly firehoseRole: aws.iam.Role;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly ctx: AwsContext;
  readonly deployment: Deployment;
}

/**
 * Lambda transform buffer (MB of source data per invocation, 0.2..3). Telemetry grows ~6x into one row per sensor
 * and base64 adds a third: 0.5 MB in stays near 4 MB out, under Lambda's 6 MB response limit (the transform fails
 * any record that would still overflow rather than drop it).
 */
export const TRANSFORM_BUFFER_MB = "0.5";

/** IoT rules → Firehose (Lambda transform, source-record backup, error prefix) → raw bucket `readings/yyyy/MM/dd/`. */
export function createDelivery(name: string, args: DeliveryArgs, opts: HelperOptions) {
  const { raw, backup, firehoseRole, kmsKeyArn, ctx, deployment } = args;

  const transform = createBundledFunction(
    `${name}-transform`,
    {
      source: "firehoseTransform",
      description: "Normalises shared records into the readings table shape",
      kmsKeyArn,
      timeout: 60,
      deployment,
    },
    opts,
  );

  const deliveryLogs = createLogGroup(`${name}-delivery`, { path: `firehose/${name}`, kmsKeyArn, deployment }, opts);
  const logStreams = ["S3Delivery", "BackupDelivery"].map(
    (stream) =>
      new aws.cloudwatch.LogStream(
        `${name}-${stream.toLowerCase()}-log`,
        {
          logGroupName: deliveryLogs.name,
          name: stream,
        },
        { ...opts },
      ),
  );

  const { stream: deliveryStream, freshnessAlarm } = createS3Delivery(
    name,
    {
      deployment,
      role: firehoseRole,
      bucketArns: [raw.arn, backup.arn],
      writeSid: "WriteRawAndBackup",
      extra: transform.fn.arn.apply((fnArn) => [allow("InvokeTransform", ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"], [fnArn, `${fnArn}:*`])]),
      kmsKeyArn,
      keySid: "EncryptShared",
      logGroup: deliveryLogs,
      logStreamName: logStreams[0].name,
      destination: {
        prefix: "readings/!{timestamp:yyyy/MM/dd}/",
        errorOutputPrefix: "errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
        bufferingSize: 64,
        bufferingInterval: 300,
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: "Lambda",
              parameters: [
                { parameterName: "LambdaArn", parameterValue: pulumi.interpolate`${transform.fn.arn}:$LATEST` },
                { parameterName: "BufferSizeInMBs", parameterValue: TRANSFORM_BUFFER_MB },
                { parameterName: "BufferIntervalInSeconds", parameterValue: "60" },
              ],
            },
          ],
        },
        s3BackupMode: "Enabled",
        s3BackupConfiguration: {
          roleArn: firehoseRole.arn,
          bucketArn: backup.arn,
          prefix: "source/!{timestamp:yyyy/MM/dd}/",
          errorOutputPrefix: "errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
          compressionFormat: "GZIP",
          kmsKeyArn,
          cloudwatchLoggingOptions: { enabled: true, logGroupName: deliveryLogs.name, logStreamName: logStreams[1].name },
        },
      },
    },
    opts,
  );

  const ruleRole = createTopicRuleRole(
    name,
    {
      description: "IoT rules forward shared data to Firehose",
      statements: deliveryStream.arn.apply((streamArn) => [firehosePutStatement("PutShared", streamArn)]),
      kmsKeyArn,
      ctx,
      deployment,
    },
    opts,
  );

  const rules = SHARED_RULES.map(
    ({ source, sql }) =>
      new aws.iot.TopicRule(
        `${name}-${source}-rule`,
        {
          name: identifier(["gridrail", deployment.stack, "share", source], "_", 128),
          description: `Shares ${source} data with data scientists`,
          enabled: true,
          sql,
          sqlVersion: IOT_SQL_VERSION,
          firehoses: [{ deliveryStreamName: deliveryStream.name, roleArn: ruleRole.role.arn, separator: "\n", batchMode: false }],
          errorAction: ruleRole.errorAction,
        },
        { ...opts, dependsOn: [ruleRole.policy] },
      ),
  );

  createFunctionAlarms(`${name}-transform`, { functionName: transform.fn.name, deployment }, opts);
  // shared records late reaching the raw bucket, or that a rule could not hand to Firehose
  return { deliveryStream, transform, rules, alarms: [freshnessAlarm, ruleRole.failureAlarm] };
}
