import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TRAIN_DETECTOR_DEFAULTS, TrainDetectorSettings } from "../../functions/trainAnomaly/settings";
import { KinesisStreamMode } from "../config";
import { createAlarm, createFunctionAlarms, createQueueDepthAlarm } from "../shared/alarms";
import { awsContext } from "../shared/awsContext";
import { Deployment, statefulOptions } from "../shared/deployment";
import { createFleetProvisioning } from "../shared/fleetProvisioning";
import { iotArn, trainDevicePolicy } from "../shared/iotPolicies";
import { createKmsKey } from "../shared/kmsKey";
import { identifier } from "../shared/naming";
import { Statement, allow, kmsStatement } from "../shared/policyDocuments";
import { createDlq } from "../shared/queue";
import { createStreamConsumer } from "../shared/streamConsumer";
import { createAnomalyFunction } from "./anomalyFunction";
import { trainDashboardBody } from "./dashboard";
import { stackMetricNamespace } from "../shared/defaults";
import { trainDefaults } from "./defaults";
import { createOutcomeAlarms, OutcomeAlarmSpec } from "../shared/outcomeAlarms";
import { IOT_SQL_VERSION, TRAIN_TELEMETRY_SQL } from "../shared/ruleSql";
import { createTopicRuleRole } from "../shared/topicRuleRole";
import { variableValues } from "../../functions/shared/environment";
import { TRAIN_ANOMALY_VARIABLES } from "../../functions/trainAnomaly/variables";

export interface TrainTelemetryArgs {
  /** Stack-wide settings (retention, destroy behaviour, alarm actions). Required. */
  readonly deployment: Deployment;
  /** Kinesis capacity mode. Required (from `gridrail:kinesisStreamMode`). */
  readonly streamMode: KinesisStreamMode;
  /** Shards; only with `PROVISIONED`. */
  readonly shardCount?: number;
  /** Stream retention in hours, 24..8760. Required. */
  readonly retentionHours: number;
  /** How the anomaly Lambda models trains (from `gridrail:trainDetector`). Default `TRAIN_DETECTOR_DEFAULTS`. */
  readonly detector?: TrainDetectorSettings;
  /** Train serials seeded on the provisioning allow-list (`gridrail:deviceAllowList`). Default none. */
  readonly allowedSerials?: readonly string[];
}

/** A train's sensor outside its physical bounds: not data loss, a job for maintenance (the train was told too). */
const SENSOR_FAULTS_ALARM: OutcomeAlarmSpec = {
  suffix: "sensor-faults",
  namespace: trainDefaults.metricNamespace,
  service: "trainAnomaly",
  metricName: "SensorFaultsOpened",
  threshold: 0,
  periodSeconds: 60,
  description:
    "A train's sensor reads outside its physical bounds: the train was told in its anomaly shadow and is scored with an estimate of the sensor meanwhile. The 'sensor fault opened' log lines name the train and the sensor: have it checked.",
};

/**
 * Train telemetry: things and their policy, IoT rule → KMS-encrypted Kinesis → inline anomaly Lambda with a
 * failure-bounded consumer, the DynamoDB model-checkpoint store, alarms and the anomaly dashboard.
 */
export class TrainTelemetry extends pulumi.ComponentResource {
  public readonly streamName: pulumi.Output<string>;
  public readonly streamArn: pulumi.Output<string>;
  public readonly checkpointTableName: pulumi.Output<string>;
  public readonly thingGroupName: pulumi.Output<string>;
  public readonly trainPolicyName: pulumi.Output<string>;
  /** Fleet provisioning template trains provision with, by claim. */
  public readonly provisioningTemplateName: pulumi.Output<string>;
  /** The fleet provisioning allow-list: one item per serial allowed to join (docs/devices.md). */
  public readonly allowListTableName: pulumi.Output<string>;
  /** IoT policy for the trains' claim certificate: the provisioning topics only. */
  public readonly claimPolicyName: pulumi.Output<string>;
  public readonly dashboardName: pulumi.Output<string>;
  /** Alarms that mean telemetry is being lost: records and batches in the dead-letter queue, failed rule actions. */
  public readonly dataLossAlarmNames: pulumi.Output<string[]>;

  constructor(name: string, args: TrainTelemetryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gridrail:train:TrainTelemetry", name, {}, opts);
    const { deployment } = args;
    const ctx = awsContext(this);
    const key = createKmsKey(name, { purpose: "train-stream", services: ["logs"], ctx, deployment }, { parent: this });

    const thingType = new aws.iot.ThingType(
      `${name}-thing-type`,
      {
        name: identifier(["gridrail", deployment.stack, "train"], "-", 128),
        properties: { description: "A train reporting telemetry", searchableAttributes: ["line", "fleet"] },
      },
      { parent: this },
    );
    const thingGroup = new aws.iot.ThingGroup(
      `${name}-thing-group`,
      {
        name: identifier(["gridrail", deployment.stack, "trains"], "-", 128),
        properties: { description: "Every train; the device policy is attached here" },
      },
      { parent: this, dependsOn: [thingType] },
    );
    const policy = new aws.iot.Policy(
      `${name}-device-policy`,
      {
        policy: pulumi
          .all([ctx.partition, ctx.region, ctx.accountId])
          .apply(([partition, region, accountId]) =>
            JSON.stringify(
              trainDevicePolicy({ partition, region, accountId }, { alerts: trainDefaults.shadowName, acknowledgements: trainDefaults.ackShadowName }),
            ),
          ),
      },
      { parent: this },
    );
    new aws.iot.PolicyAttachment(`${name}-device-policy-attachment`, { policy: policy.name, target: thingGroup.arn }, { parent: this });
    const provisioning = createFleetProvisioning(
      `${name}-provisioning`,
      {
        kind: "train",
        thingGroupName: thingGroup.name,
        devicePolicyName: policy.name,
        thingTypeName: thingType.name,
        allowedSerials: args.allowedSerials,
        kmsKeyArn: key.arn,
        ctx,
        deployment,
      },
      { parent: this },
    );

    const stream = new aws.kinesis.Stream(
      `${name}-stream`,
      {
        streamModeDetails: { streamMode: args.streamMode },
        shardCount: args.streamMode === "PROVISIONED" ? args.shardCount : undefined,
        retentionPeriod: args.retentionHours,
        encryptionType: "KMS",
        kmsKeyId: key.arn,
      },
      statefulOptions(deployment, { parent: this }),
    );

    const ruleRole = createTopicRuleRole(
      name,
      {
        description: "IoT rule puts train telemetry on Kinesis",
        statements: pulumi
          .all([stream.arn, key.arn])
          .apply(([streamArn, keyArn]) => [
            allow("PutTelemetry", ["kinesis:PutRecord"], streamArn),
            kmsStatement("EncryptTelemetry", [keyArn], ["kms:GenerateDataKey"]),
          ]),
        kmsKeyArn: key.arn,
        ctx,
        deployment,
      },
      { parent: this },
    );
    new aws.iot.TopicRule(
      `${name}-rule`,
      {
        name: identifier(["gridrail", deployment.stack, name, "telemetry"], "_", 128),
        description: "Train telemetry to Kinesis, partitioned by train id",
        enabled: true,
        sql: TRAIN_TELEMETRY_SQL,
        sqlVersion: IOT_SQL_VERSION,
        kineses: [{ streamName: stream.name, partitionKey: trainDefaults.partitionKey, roleArn: ruleRole.role.arn }],
        errorAction: ruleRole.errorAction,
      },
      { parent: this, dependsOn: [ruleRole.policy] },
    );

    const dlq = createDlq(`${name}-anomaly`, { kmsKeyArn: key.arn }, { parent: this });
    const checkpoints = new aws.dynamodb.Table(
      `${name}-checkpoints`,
      {
        billingMode: "PAY_PER_REQUEST",
        hashKey: "trainId",
        rangeKey: "detector",
        attributes: [
          { name: "trainId", type: "S" },
          { name: "detector", type: "S" },
        ],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
        deletionProtectionEnabled: deployment.environment === "prod",
      },
      statefulOptions(deployment, { parent: this }),
    );

    const anomaly = createAnomalyFunction(
      `${name}-anomaly`,
      {
        kmsKeyArn: key.arn,
        environment: variableValues(TRAIN_ANOMALY_VARIABLES, {
          CHECKPOINT_TABLE: checkpoints.name,
          FAILURE_QUEUE_URL: dlq.url,
          METRIC_NAMESPACE: stackMetricNamespace(deployment.stack, trainDefaults.metricNamespace),
          SHADOW_NAME: trainDefaults.shadowName,
          DETECTOR_SETTINGS: JSON.stringify(args.detector ?? TRAIN_DETECTOR_DEFAULTS),
          // the account's ATS data endpoint: the SDK's built-in default is AWS's legacy/test endpoint.
          // SDK v3 reads AWS_ENDPOINT_URL_<SERVICE> for the IoT Data Plane client by itself
          AWS_ENDPOINT_URL_IOT_DATA_PLANE: pulumi.interpolate`https://${aws.iot.getEndpointOutput({ endpointType: "iot:Data-ATS" }, { parent: this }).endpointAddress}`,
        }),
        statements: pulumi
          .all([stream.arn, key.arn, checkpoints.arn, dlq.arn, ctx.partition, ctx.region, ctx.accountId])
          .apply(([streamArn, keyArn, tableArn, dlqArn, partition, region, accountId]): Statement[] => [
            allow(
              "ReadStream",
              ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
              streamArn,
            ),
            kmsStatement("UseStreamKey", [keyArn], ["kms:Decrypt", "kms:GenerateDataKey"]),
            allow("Checkpoints", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], tableArn),
            // a named shadow's ARN is thing/<thing>/<shadow>: only the anomaly shadow, not the classic one
            allow(
              "TrainShadows",
              ["iot:GetThingShadow", "iot:UpdateThingShadow"],
              iotArn({ partition, region, accountId }, `thing/${trainDefaults.thingNamePrefix}*/${trainDefaults.shadowName}`),
            ),
            // episode open/clear events for the shared data (docs/contracts.md), on the trains' anomaly topics only
            allow("AnomalyEvents", ["iot:Publish"], iotArn({ partition, region, accountId }, `topic/trains/${trainDefaults.thingNamePrefix}*/anomalies`)),
            allow("FailedBatches", ["sqs:SendMessage"], dlqArn),
            // no cloudwatch:PutMetricData: metrics are embedded in the logs (EMF), which the role already writes
          ]),
        deployment,
      },
      { parent: this },
    );

    createStreamConsumer(`${name}-anomaly`, { streamArn: stream.arn, functionArn: anomaly.fn.arn, onFailureQueueArn: dlq.arn }, { parent: this });

    createAlarm(
      `${name}-iterator-age`,
      {
        description: "The anomaly consumer is falling behind the telemetry stream",
        namespace: "AWS/Lambda",
        metricName: "IteratorAge",
        dimensions: { FunctionName: anomaly.fn.name },
        statistic: "Maximum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: trainDefaults.iteratorAgeAlarmMs,
        deployment,
      },
      { parent: this },
    );
    createAlarm(
      `${name}-stream-write-throttles`,
      {
        description: "IoT rule writes to the telemetry stream are throttled",
        namespace: "AWS/Kinesis",
        metricName: "WriteProvisionedThroughputExceeded",
        dimensions: { StreamName: stream.name },
        statistic: "Sum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        deployment,
      },
      { parent: this },
    );
    createOutcomeAlarms(`${name}`, { specs: [SENSOR_FAULTS_ALARM], deployment }, { parent: this });
    createFunctionAlarms(`${name}-anomaly`, { functionName: anomaly.fn.name, deployment }, { parent: this });
    const dlqAlarm = createQueueDepthAlarm(`${name}-anomaly-dlq`, { queueName: dlq.name, deployment }, { parent: this });

    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: identifier(["gridrail", deployment.stack, "train-anomalies"], "-", 255),
        dashboardBody: pulumi
          .all([ctx.region, stream.name, anomaly.fn.name, dlq.name, anomaly.logGroup.name])
          .apply(([region, streamName, functionName, dlqName, logGroupName]) =>
            JSON.stringify(
              trainDashboardBody({
                region,
                streamName,
                functionName,
                dlqName,
                logGroupName,
                metricNamespace: stackMetricNamespace(deployment.stack, trainDefaults.metricNamespace),
              }),
            ),
          ),
      },
      { parent: this },
    );

    this.streamName = stream.name;
    this.streamArn = stream.arn;
    this.checkpointTableName = checkpoints.name;
    this.thingGroupName = thingGroup.name;
    this.trainPolicyName = policy.name;
    this.provisioningTemplateName = provisioning.template.name;
    this.claimPolicyName = provisioning.claimPolicy.name;
    this.allowListTableName = provisioning.allowList.name;
    this.dashboardName = dashboard.dashboardName;
    this.dataLossAlarmNames = pulumi.all([dlqAlarm.name, ruleRole.failureAlarm.name]);
    this.registerOutputs({
      streamName: this.streamName,
      streamArn: this.streamArn,
      checkpointTableName: this.checkpointTableName,
      thingGroupName: this.thingGroupName,
      trainPolicyName: this.trainPolicyName,
      provisioningTemplateName: this.provisioningTemplateName,
      claimPolicyName: this.claimPolicyName,
      allowListTableName: this.allowListTableName,
      dashboardName: this.dashboardName,
      dataLossAlarmNames: this.dataLossAlarmNames,
    });
  }
}
