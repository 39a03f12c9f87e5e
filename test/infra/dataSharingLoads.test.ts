import { expect } from "chai";
import { Synthesis } from "../../infra/synth/recorder";
import { STACKS, ofType, one, outputOf, rolePolicy, runProgram, statement } from "../helpers/pulumiRecorder";

/** The data-sharing loads: the anomalies rule into Firehose and the Redshift loader's own S3 access. */
for (const stack of STACKS) {
  describe(`DataSharing loads (${stack})`, () => {
    let s: Synthesis;
    let keyArn: string;
    before(async () => {
      s = await runProgram(stack);
      keyArn = outputOf(s, "aws:kms/key:Key", "sharing-key", "arn");
    });

    it("shares the trains' anomaly events through the same Firehose stream as readings and telemetry", () => {
      const rule = one(s, "aws:iot/topicRule:TopicRule", "sharing-share-anomalies-rule").inputs;
      expect(rule).to.deep.include({
        name: `gridrail_${stack}_share_anomalies`,
        enabled: true,
        sql: "SELECT *, 'anomalies' AS source, topic(2) AS deviceId, timestamp() AS receivedAt FROM 'trains/+/anomalies'",
        sqlVersion: "2016-03-23",
      });
      const meters = one(s, "aws:iot/topicRule:TopicRule", "sharing-share-meters-rule").inputs;
      expect(rule.firehoses).to.deep.equal(meters.firehoses);
      expect((rule.firehoses as Record<string, unknown>[])[0]).to.deep.include({ separator: "\n", batchMode: false });
    });

    it("buffers 0.5 MB per transform call so the expanded rows stay under Lambda's 6 MB response", () => {
      const s3 = one(s, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "sharing-share-delivery").inputs.extendedS3Configuration as {
        processingConfiguration: { processors: { parameters: { parameterName: string; parameterValue: string }[] }[] };
      };
      const params = s3.processingConfiguration.processors[0].parameters;
      expect(params.find((p) => p.parameterName === "BufferSizeInMBs")).to.deep.equal({ parameterName: "BufferSizeInMBs", parameterValue: "0.5" });
    });

    it("lets the loader list only readings/ and write only manifests/, encrypting with the sharing key", () => {
      const doc = rolePolicy(s, "sharing-warehouse-loader");
      expect(statement(doc, "ListReadings")).to.deep.equal({
        Sid: "ListReadings",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: "arn:aws:s3:::sharing-raw-bucket",
        Condition: { StringLike: { "s3:prefix": ["readings/*"] } },
      });
      expect(statement(doc, "WriteManifests")).to.deep.equal({
        Sid: "WriteManifests",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: "arn:aws:s3:::sharing-raw-bucket/manifests/*",
      });
      expect(statement(doc, "EncryptManifests")).to.deep.equal({
        Sid: "EncryptManifests",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey"],
        Resource: [keyArn],
      });
      const s3Actions = doc.Statement.flatMap((st) => [st.Action ?? []].flat()).filter((a) => a.startsWith("s3:"));
      expect(s3Actions).to.deep.equal(["s3:ListBucket", "s3:PutObject"]);
    });

    it("lets the COPY role read the manifests it is handed (raw bucket read covers manifests/)", () => {
      const read = statement(rolePolicy(s, "sharing-warehouse-copy"), "ReadRaw");
      expect(read.Resource).to.deep.equal(["arn:aws:s3:::sharing-raw-bucket", "arn:aws:s3:::sharing-raw-bucket/*"]);
    });

    it("passes the loader its cluster, database, secret, bucket and COPY role", () => {
      const fn = one(s, "aws:lambda/function:Function", "sharing-warehouse-loader-fn").inputs;
      const vars = (fn.environment as { variables: Record<string, string> }).variables;
      expect(Object.keys(vars).sort()).to.deep.equal(["CLUSTER_ID", "COPY_ROLE_ARN", "DATABASE", "METRIC_NAMESPACE", "RAW_BUCKET", "SECRET_ARN"]);
      expect(vars).to.deep.include({
        METRIC_NAMESPACE: `gridrail/${stack}`,
        CLUSTER_ID: `gridrail-${stack}-warehouse`,
        DATABASE: "gridrail",
        RAW_BUCKET: "sharing-raw-bucket",
      });
      expect(
        ofType(s, "aws:iot/topicRule:TopicRule")
          .filter((r) => r.name.startsWith("sharing-"))
          .map((r) => r.name),
      ).to.have.length(3);
    });
  });
}
