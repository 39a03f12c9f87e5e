import { expect } from "chai";
import { parseS3Key, processedKey, quarantineKey } from "../../functions/supplierParser/s3Key";
import { meterDefaults } from "../../infra/meterIngestion/defaults";
import { Synthesis } from "../../infra/synth/recorder";
import { STACKS, document, one, outputOf, rolePolicy, runProgram, statement } from "../helpers/pulumiRecorder";

const T = {
  policy: "aws:iot/policy:Policy",
  rule: "aws:iot/topicRule:TopicRule",
  firehose: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  notification: "aws:s3/bucketNotification:BucketNotification",
  esm: "aws:lambda/eventSourceMapping:EventSourceMapping",
  schedule: "aws:scheduler/schedule:Schedule",
  bucket: "aws:s3/bucket:Bucket",
  key: "aws:kms/key:Key",
};

for (const stack of STACKS) {
  describe(`MeterIngestion (${stack})`, () => {
    let s: Synthesis;
    let keyArn: string;
    before(async () => {
      s = await runProgram(stack);
      keyArn = outputOf(s, T.key, "meters-key", "arn");
    });

    it("scopes the meter policy to the meter's own client id and topic", () => {
      const doc = document(one(s, T.policy, "meters-device-policy"));
      expect(doc.Statement.map((st) => [st.Action, st.Resource])).to.deep.equal([
        ["iot:Connect", "arn:aws:iot:eu-west-1:123456789012:client/${iot:Connection.Thing.ThingName}"],
        ["iot:Publish", "arn:aws:iot:eu-west-1:123456789012:topic/meters/${iot:ClientId}/readings"],
      ]);
    });

    it("writes each reading to the lake as {ClientID}/{YYYYMMDD}/{timestamp}-{uuid}.json through the rule's S3 action", () => {
      const rule = one(s, T.rule, "meters-readings-rule");
      expect(rule.inputs.name).to.equal(`gridrail_${stack}_meters_readings`);
      expect(rule.inputs.sql).to.equal(
        `SELECT *, topic(2) AS clientId, parse_time("yyyyMMdd", timestamp(), "UTC") AS day, timestamp() AS receivedAt FROM 'meters/+/readings'`,
      );
      expect(rule.inputs.s3).to.deep.equal([
        {
          bucketName: "meters-lake-bucket",
          key: '${topic(2)}/${parse_time("yyyyMMdd", timestamp(), "UTC")}/${timestamp()}-${newuuid()}.json',
          roleArn: "arn:aws:iam::123456789012:role/meters-readings-rule-role",
        },
      ]);
      expect(rule.inputs.firehoses).to.equal(undefined);
      expect(rule.inputs.errorAction).to.deep.equal({
        cloudwatchLogs: {
          logGroupName: `/gridrail/${stack}/iot/meters-readings-rule-errors`,
          roleArn: "arn:aws:iam::123456789012:role/meters-readings-rule-role",
        },
      });
      expect(s.resources.filter((r) => r.type === T.firehose && r.name.startsWith("meters-"))).to.deep.equal([]);
    });

    it("lets the rule role write objects only under meter client ids, encrypted with the meter key, and log its failures", () => {
      expect(rolePolicy(s, "meters-readings-rule").Statement).to.deep.equal([
        { Sid: "WriteReadings", Effect: "Allow", Action: ["s3:PutObject"], Resource: "arn:aws:s3:::meters-lake-bucket/NMI*" },
        { Sid: "EncryptReadings", Effect: "Allow", Action: ["kms:GenerateDataKey"], Resource: [keyArn] },
        {
          Sid: "WriteRuleErrors",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
          Resource: `arn:aws:logs:eu-west-1:123456789012:log-group:/gridrail/${stack}/iot/meters-readings-rule-errors:*`,
        },
      ]);
    });

    it("notifies an encrypted queue with a DLQ about new supplier CSVs, from that bucket only", () => {
      expect(one(s, T.notification, "meters-supplier-notification").inputs).to.deep.equal({
        bucket: "meters-uploads-bucket",
        queues: [{ queueArn: "arn:aws:sqs:eu-west-1:123456789012:meters-supplier-queue", events: ["s3:ObjectCreated:*"] }],
      });
      const queue = one(s, T.queue, "meters-supplier-queue").inputs;
      expect(queue.kmsMasterKeyId).to.equal(keyArn);
      expect(JSON.parse(queue.redrivePolicy as string)).to.deep.equal({
        deadLetterTargetArn: "arn:aws:sqs:eu-west-1:123456789012:meters-supplier-dlq",
        maxReceiveCount: 5,
      });
      expect(queue.visibilityTimeoutSeconds).to.equal(1800);
      expect(document(one(s, T.queuePolicy, "meters-supplier-queue-policy")).Statement).to.deep.equal([
        {
          Sid: "SupplierBucketNotifies",
          Effect: "Allow",
          Principal: { Service: "s3.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "arn:aws:sqs:eu-west-1:123456789012:meters-supplier-queue",
          Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:s3:::meters-uploads-bucket" }, StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ]);
      expect(one(s, T.key, "meters-key").inputs.policy).to.contain('"Service":"s3.amazonaws.com"');
    });

    it("gives the parser its memory, timeout and limits", () => {
      const fn = one(s, "aws:lambda/function:Function", "meters-supplier-parser-fn").inputs;
      expect([fn.memorySize, fn.timeout]).to.deep.equal([1024, 300]);
      expect((fn.environment as { variables: Record<string, string> }).variables).to.deep.equal({
        METRIC_NAMESPACE: `gridrail/${stack}`,
        LAKE_BUCKET: "meters-lake-bucket",
        SUPPLIER_MAX_OBJECT_MB: "100",
        SUPPLIER_MAX_KW: "250",
      });
    });

    it("gives the daily analysis a whole vCPU (1769 MB) and Lambda's longest timeout", () => {
      const fn = one(s, "aws:lambda/function:Function", "meters-daily-fn").inputs;
      expect([fn.memorySize, fn.timeout]).to.deep.equal([1769, 900]);
    });

    it("feeds the parser from the queue with partial batch failures", () => {
      expect(one(s, T.esm, "meters-supplier-parser-esm").inputs).to.deep.equal({
        eventSourceArn: "arn:aws:sqs:eu-west-1:123456789012:meters-supplier-queue",
        functionName: "arn:aws:lambda:eu-west-1:123456789012:function:meters-supplier-parser-fn",
        batchSize: 1,
        functionResponseTypes: ["ReportBatchItemFailures"],
        scalingConfig: { maximumConcurrency: 5 },
      });
      const doc = rolePolicy(s, "meters-supplier-parser");
      expect(statement(doc, "ReadUploads").Resource).to.equal("arn:aws:s3:::meters-uploads-bucket/*");
      // without ListBucket S3 answers a deleted upload with 403, which the parser retries into the dead-letter queue
      expect(statement(doc, "ListUploads")).to.deep.equal({
        Sid: "ListUploads",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: "arn:aws:s3:::meters-uploads-bucket",
      });
      // only the parser's own prefixes: never the real-time partitions {ClientID}/{YYYYMMDD}/ the readings rule writes
      expect(statement(doc, "WriteLake")).to.deep.equal({
        // multipart uploads of large files: an upload that fails is aborted rather than left to the lifecycle rule
        Sid: "WriteLake",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
        Resource: ["arn:aws:s3:::meters-lake-bucket/processed/*", "arn:aws:s3:::meters-lake-bucket/quarantine/*"],
      });
    });

    it("reserves concurrency for every function, the parser as much as its queue mapping runs at once", () => {
      const reserved = Object.fromEntries(
        s.resources
          .filter((r) => r.type === "aws:lambda/function:Function" && r.name.startsWith("meters-"))
          .map((r) => [r.name, r.inputs.reservedConcurrentExecutions]),
      );
      expect(reserved).to.deep.equal({ "meters-supplier-parser-fn": 5, "meters-daily-fn": stack === "prod" ? 4 : 1, "meters-provisioning-hook-fn": 5 });
    });

    it("hands yesterday's data to the analysis daily at 00:30 UTC with retries and a DLQ", () => {
      const target = one(s, T.schedule, "meters-daily-schedule").inputs;
      expect(target).to.deep.include({ scheduleExpression: "cron(30 0 * * ? *)", scheduleExpressionTimezone: "UTC", flexibleTimeWindow: { mode: "OFF" } });
      expect(target.target).to.deep.equal({
        arn: "arn:aws:lambda:eu-west-1:123456789012:function:meters-daily-fn",
        roleArn: "arn:aws:iam::123456789012:role/meters-daily-scheduler-role",
        input:
          stack === "prod"
            ? '{"scheduledTime":"<aws.scheduler.scheduled-time>","window":"previous-day","shard":0,"shards":4}'
            : '{"scheduledTime":"<aws.scheduler.scheduled-time>","window":"previous-day"}',
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: "arn:aws:sqs:eu-west-1:123456789012:meters-daily-schedule-dlq" },
      });
      expect(statement(rolePolicy(s, "meters-daily-scheduler"), "InvokeTarget").Resource).to.equal(
        "arn:aws:lambda:eu-west-1:123456789012:function:meters-daily-fn",
      );
      // prod splits the clients over four invocations (same role and DLQ), dev runs one
      const shards = stack === "prod" ? 4 : 1;
      const schedules = s.resources
        .filter((r) => r.type === T.schedule && r.name.startsWith("meters-daily-schedule"))
        .sort((a, b) => a.name.localeCompare(b.name));
      expect(schedules.map((r) => r.name)).to.deep.equal([
        "meters-daily-schedule",
        ...Array.from({ length: shards - 1 }, (_, k) => `meters-daily-schedule-${k + 1}`),
      ]);
      if (shards > 1) {
        expect(schedules.map((r) => JSON.parse((r.inputs.target as { input: string }).input))).to.deep.equal(
          Array.from({ length: shards }, (_, k) => ({ scheduledTime: "<aws.scheduler.scheduled-time>", window: "previous-day", shard: k, shards })),
        );
        expect(
          schedules.every(
            (r) =>
              (r.inputs.target as { deadLetterConfig: { arn: string } }).deadLetterConfig.arn ===
              "arn:aws:sqs:eu-west-1:123456789012:meters-daily-schedule-dlq",
          ),
        ).to.equal(true);
      }
      const policy = rolePolicy(s, "meters-daily");
      expect(statement(policy, "ReadLake")).to.deep.equal({
        Sid: "ReadLake",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:ListBucket"],
        Resource: ["arn:aws:s3:::meters-lake-bucket", "arn:aws:s3:::meters-lake-bucket/*"],
      });
      expect(statement(policy, "ReadWriteReports")).to.deep.equal({
        Sid: "ReadWriteReports",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject"],
        Resource: "arn:aws:s3:::meters-reports-bucket/reports/*",
      });
      expect(statement(policy, "ListReports")).to.deep.equal({
        Sid: "ListReports",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: "arn:aws:s3:::meters-reports-bucket",
      });
    });

    it("lets the daily analysis read of the customers' profile table only the claim and owner items' household first days", () => {
      const policy = rolePolicy(s, "meters-daily");
      expect(statement(policy, "ReadHouseholds")).to.deep.equal({
        Sid: "ReadHouseholds",
        Effect: "Allow",
        Action: ["dynamodb:GetItem"],
        Resource: "arn:aws:dynamodb:eu-west-1:123456789012:table/customers-profiles",
        Condition: {
          "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["claim#*", "meter#*"] },
          "ForAllValues:StringEquals": { "dynamodb:Attributes": ["customerId", "reportsFrom", "issuedAt"] },
          StringEqualsIfExists: { "dynamodb:Select": "SPECIFIC_ATTRIBUTES" },
        },
      });
      expect(statement(policy, "ProfileKey")).to.deep.equal({
        Sid: "ProfileKey",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: [outputOf(s, T.key, "customers-key", "arn")],
      });
      const fn = one(s, "aws:lambda/function:Function", "meters-daily-fn");
      expect((fn.inputs.environment as { variables: Record<string, string> }).variables.HOUSEHOLD_TABLE).to.equal("customers-profiles");
    });

    it(`creates the lake, upload, reports and access-log buckets${stack === "prod" ? ", and the lake's replica with its log bucket" : ""}`, () => {
      const buckets = s.resources
        .filter((r) => r.type === T.bucket && r.parentType === "gridrail:meter:MeterIngestion")
        .map((r) => r.name)
        .sort();
      const replicas = stack === "prod" ? ["meters-dr-replica-access-logs-bucket", "meters-dr-replica-bucket"] : [];
      expect(buckets).to.deep.equal(["meters-access-logs-bucket", ...replicas, "meters-lake-bucket", "meters-reports-bucket", "meters-uploads-bucket"]);
    });

    if (stack === "prod") {
      it("replicates the lake, re-encrypted with a replica-region key, to a replica archived as the lake is", () => {
        const provider = one(s, "pulumi:providers:aws", "meters-dr-provider");
        expect([provider.parentType, provider.inputs.region]).to.deep.equal(["gridrail:meter:MeterIngestion", "eu-central-1"]);
        const replicaKey = outputOf(s, T.key, "meters-dr-replica-key", "arn");
        expect(replicaKey).to.match(/^arn:aws:kms:eu-central-1:123456789012:key\//);
        expect(one(s, "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "meters-dr-replication").inputs).to.deep.equal({
          bucket: "meters-lake-bucket",
          role: "arn:aws:iam::123456789012:role/meters-replication-role",
          rules: [
            {
              id: "replicate-everything",
              status: "Enabled",
              filter: { prefix: "" },
              deleteMarkerReplication: { status: "Enabled" },
              sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
              destination: {
                bucket: "arn:aws:s3:::meters-dr-replica-bucket",
                storageClass: "STANDARD",
                encryptionConfiguration: { replicaKmsKeyId: replicaKey },
              },
            },
          ],
        });
        const rules = one(s, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "meters-dr-replica-lifecycle").inputs.rules as {
          id: string;
        }[];
        const lakeRules = one(s, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "meters-lake-lifecycle").inputs.rules;
        expect(rules).to.deep.equal(lakeRules);
        expect(rules.map((r) => r.id)).to.deep.equal(["baseline", "to-glacier"]);
      });

      it("lets only S3 of this account assume the replication role, which reads the lake and writes the replica, nothing else", () => {
        expect(JSON.parse(one(s, "aws:iam/role:Role", "meters-replication-role").inputs.assumeRolePolicy as string)).to.deep.equal({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "s3.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
            },
          ],
        });
        const replicaKey = outputOf(s, T.key, "meters-dr-replica-key", "arn");
        expect(rolePolicy(s, "meters-dr")).to.deep.equal({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "ReadReplicationConfig",
              Effect: "Allow",
              Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
              Resource: "arn:aws:s3:::meters-lake-bucket",
            },
            {
              Sid: "ReadSourceVersions",
              Effect: "Allow",
              Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
              Resource: "arn:aws:s3:::meters-lake-bucket/*",
            },
            {
              Sid: "WriteReplica",
              Effect: "Allow",
              Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
              Resource: "arn:aws:s3:::meters-dr-replica-bucket/*",
            },
            {
              Sid: "DecryptSource",
              Effect: "Allow",
              Action: ["kms:Decrypt"],
              Resource: [keyArn],
              Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
            },
            {
              Sid: "EncryptReplica",
              Effect: "Allow",
              Action: ["kms:Encrypt", "kms:GenerateDataKey"],
              Resource: [replicaKey],
              Condition: { StringEquals: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" } },
            },
          ],
        });
      });
    } else {
      it("does not replicate the lake in dev", () => {
        expect(s.resources.filter((r) => r.name.startsWith("meters-dr") || r.name === "meters-replication-role")).to.deep.equal([]);
      });
    }
  });
}

describe("the supplier parser's write grant", () => {
  it("covers every key the parser writes: readings, reports and invalid-key notes", () => {
    const k = parseS3Key("20260101/meter04.csv");
    const keys = [processedKey(k), quarantineKey(k), "quarantine/_invalid-keys/x.json"];
    expect(keys.map((key) => meterDefaults.parserWritePrefixes.some((p) => key.startsWith(p)))).to.deep.equal([true, true, true]);
  });
});
