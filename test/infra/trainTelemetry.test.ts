import { expect } from "chai";
import { TRAIN_DETECTOR_DEFAULTS } from "../../functions/trainAnomaly/settings";
import { Synthesis } from "../../infra/synth/recorder";
import { STACKS, document, ofType, one, outputOf, rolePolicy, runProgram } from "../helpers/pulumiRecorder";
import { TRAIN_OPTIONS_WRITTEN_OUT } from "../helpers/trainOptions";

const ACCOUNT = "arn:aws:iot:eu-west-1:123456789012";

for (const stack of STACKS) {
  describe(`TrainTelemetry (${stack})`, () => {
    let s: Synthesis;
    let keyArn: string;
    before(async () => {
      s = await runProgram(stack);
      keyArn = outputOf(s, "aws:kms/key:Key", "trains-key", "arn");
    });

    it("encrypts the stream with the train key; on-demand in dev, 4 shards for a week in prod", () => {
      const stream = one(s, "aws:kinesis/stream:Stream", "trains-stream").inputs;
      expect(stream).to.deep.include({ encryptionType: "KMS", kmsKeyId: keyArn });
      if (stack === "dev") {
        expect(stream).to.deep.include({ streamModeDetails: { streamMode: "ON_DEMAND" }, retentionPeriod: 24 });
        expect(stream).to.not.have.property("shardCount");
      } else {
        expect(stream).to.deep.include({ streamModeDetails: { streamMode: "PROVISIONED" }, shardCount: 4, retentionPeriod: 168 });
      }
    });

    it("puts telemetry on the stream keyed by train id, with an error action", () => {
      const rule = one(s, "aws:iot/topicRule:TopicRule", "trains-rule").inputs;
      expect(rule.sql).to.equal("SELECT *, topic(2) AS trainId, timestamp() AS receivedAt FROM 'trains/+/telemetry'");
      expect(rule.kineses).to.deep.equal([
        { streamName: "trains-stream", partitionKey: "${topic(2)}", roleArn: "arn:aws:iam::123456789012:role/trains-rule-role" },
      ]);
      expect(rule.errorAction).to.deep.equal({
        cloudwatchLogs: { logGroupName: `/gridrail/${stack}/iot/trains-rule-errors`, roleArn: "arn:aws:iam::123456789012:role/trains-rule-role" },
      });
    });

    it("allows a train its own telemetry topic, reading its anomaly shadow and writing only its ack shadow, attached to the thing group", () => {
      const doc = document(one(s, "aws:iot/policy:Policy", "trains-device-policy"));
      const thing = "${iot:Connection.Thing.ThingName}";
      const shadows = `$aws/things/${thing}/shadow/name`;
      expect(doc.Statement.map((st) => [st.Action, st.Resource])).to.deep.equal([
        ["iot:Connect", `${ACCOUNT}:client/${thing}`],
        ["iot:Publish", `${ACCOUNT}:topic/trains/${thing}/telemetry`],
        [
          "iot:Publish",
          [`${ACCOUNT}:topic/${shadows}/anomaly/get`, `${ACCOUNT}:topic/${shadows}/anomaly-ack/get`, `${ACCOUNT}:topic/${shadows}/anomaly-ack/update`],
        ],
        ["iot:Subscribe", [`${ACCOUNT}:topicfilter/${shadows}/anomaly/*`, `${ACCOUNT}:topicfilter/${shadows}/anomaly-ack/*`]],
        ["iot:Receive", [`${ACCOUNT}:topic/${shadows}/anomaly/*`, `${ACCOUNT}:topic/${shadows}/anomaly-ack/*`]],
        ["iot:GetThingShadow", [`${ACCOUNT}:thing/${thing}/anomaly`, `${ACCOUNT}:thing/${thing}/anomaly-ack`]],
        ["iot:UpdateThingShadow", `${ACCOUNT}:thing/${thing}/anomaly-ack`],
      ]);
      expect(one(s, "aws:iot/policyAttachment:PolicyAttachment", "trains-device-policy-attachment").inputs).to.deep.equal({
        policy: "trains-device-policy",
        target: `${ACCOUNT}:thinggroup/gridrail-${stack}-trains`,
      });
      expect(one(s, "aws:iot/thingType:ThingType", "trains-thing-type").inputs.name).to.equal(`gridrail-${stack}-train`);
    });

    it("consumes the stream with bisect-on-error, bounded retries and age, partial failures and an SQS destination", () => {
      expect(one(s, "aws:lambda/eventSourceMapping:EventSourceMapping", "trains-anomaly-esm").inputs).to.deep.equal({
        eventSourceArn: "arn:aws:kinesis:eu-west-1:123456789012:stream/trains-stream",
        functionName: "arn:aws:lambda:eu-west-1:123456789012:function:trains-anomaly-fn",
        startingPosition: "LATEST",
        batchSize: 100,
        maximumBatchingWindowInSeconds: 1,
        parallelizationFactor: 1,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 3,
        maximumRecordAgeInSeconds: 3600,
        functionResponseTypes: ["ReportBatchItemFailures"],
        destinationConfig: { onFailure: { destinationArn: "arn:aws:sqs:eu-west-1:123456789012:trains-anomaly-dlq" } },
      });
    });

    it("grants the anomaly Lambda exactly what it needs: logs, traces, its key, its checkpoints, its dead letters and its shadows", () => {
      expect(rolePolicy(s, "trains-anomaly").Statement).to.deep.equal([
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `arn:aws:logs:eu-west-1:123456789012:log-group:/gridrail/${stack}/lambda/trains-anomaly:*`,
        },
        { Sid: "WriteTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
        { Sid: "DecryptEnvironment", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [keyArn] },
        {
          Sid: "ReadStream",
          Effect: "Allow",
          Action: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
          Resource: "arn:aws:kinesis:eu-west-1:123456789012:stream/trains-stream",
        },
        { Sid: "UseStreamKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [keyArn] },
        {
          Sid: "Checkpoints",
          Effect: "Allow",
          Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          Resource: "arn:aws:dynamodb:eu-west-1:123456789012:table/trains-checkpoints",
        },
        { Sid: "TrainShadows", Effect: "Allow", Action: ["iot:GetThingShadow", "iot:UpdateThingShadow"], Resource: `${ACCOUNT}:thing/train-*/anomaly` },
        { Sid: "AnomalyEvents", Effect: "Allow", Action: ["iot:Publish"], Resource: `${ACCOUNT}:topic/trains/train-*/anomalies` },
        { Sid: "FailedBatches", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "arn:aws:sqs:eu-west-1:123456789012:trains-anomaly-dlq" },
      ]);
    });

    it("runs the anomaly Lambda inline (serialized __index.handler) with its own role", () => {
      const fn = one(s, "aws:lambda/function:Function", "trains-anomaly-fn").inputs;
      // reserved: one concurrent batch per shard (prod: 4 provisioned shards); dev's on-demand stream gets 10
      expect(fn).to.deep.include({
        handler: "__index.handler",
        role: "arn:aws:iam::123456789012:role/trains-anomaly-role",
        runtime: "nodejs22.x",
        timeout: 60,
        memorySize: 512,
        reservedConcurrentExecutions: stack === "prod" ? 4 : 10,
      });
      expect(fn.environment).to.deep.equal({
        variables: {
          CHECKPOINT_TABLE: "trains-checkpoints",
          FAILURE_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/trains-anomaly-dlq",
          METRIC_NAMESPACE: `Gridrail/TrainAnomaly/${stack}`,
          SHADOW_NAME: "anomaly",
          DETECTOR_SETTINGS: JSON.stringify(TRAIN_DETECTOR_DEFAULTS),
          AWS_ENDPOINT_URL_IOT_DATA_PLANE: "https://a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com",
        },
      });
      expect(JSON.parse((fn.environment as { variables: Record<string, string> }).variables.DETECTOR_SETTINGS)).to.deep.include({
        detector: "rcf",
        options: TRAIN_OPTIONS_WRITTEN_OUT,
      });
    });

    it("keeps model checkpoints in a KMS-encrypted table with point-in-time recovery", () => {
      expect(one(s, "aws:dynamodb/table:Table", "trains-checkpoints").inputs).to.deep.include({
        hashKey: "trainId",
        rangeKey: "detector",
        billingMode: "PAY_PER_REQUEST",
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: keyArn },
        deletionProtectionEnabled: stack === "prod",
      });
    });

    it("alarms on iterator age, throttles, errors, DLQ depth, failed rule actions and sensor faults, and on the provisioning hook's errors and throttles", () => {
      const alarms = ofType(s, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name.startsWith("trains-"));
      expect(alarms.map((a) => [a.name, a.inputs.metricName, a.inputs.threshold]).sort()).to.deep.equal([
        ["trains-anomaly-dlq-depth-alarm", "ApproximateNumberOfMessagesVisible", 0],
        ["trains-anomaly-errors-alarm", "Errors", 0],
        ["trains-anomaly-throttles-alarm", "Throttles", 0],
        ["trains-iterator-age-alarm", "IteratorAge", 60000],
        ["trains-provisioning-hook-errors-alarm", "Errors", 0],
        ["trains-provisioning-hook-throttles-alarm", "Throttles", 0],
        ["trains-rule-errors-alarm", "trains-rule-actions-failed", 0],
        ["trains-sensor-faults-alarm", "SensorFaultsOpened", 0],
        ["trains-stream-write-throttles-alarm", "WriteProvisionedThroughputExceeded", 0],
      ]);
      // the count the anomaly Lambda publishes: its namespace and its one dimension (functions/trainAnomaly/observe.ts)
      expect(one(s, "aws:cloudwatch/metricAlarm:MetricAlarm", "trains-sensor-faults-alarm").inputs).to.deep.include({
        namespace: `Gridrail/TrainAnomaly/${stack}`,
        dimensions: { service: "trainAnomaly" },
        statistic: "Sum",
        comparisonOperator: "GreaterThanThreshold",
        period: 60,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: "notBreaching",
      });
    });

    it("shows anomalies in real time on the dashboard", () => {
      const body = JSON.parse(one(s, "aws:cloudwatch/dashboard:Dashboard", "trains-dashboard").inputs.dashboardBody as string);
      expect(body.widgets[2].properties.metrics).to.deep.equal([["AWS/Kinesis", "IncomingRecords", "StreamName", "trains-stream"]]);
      expect(body.widgets[6].properties.query).to.contain(`SOURCE '/gridrail/${stack}/lambda/trains-anomaly'`);
    });
  });
}
