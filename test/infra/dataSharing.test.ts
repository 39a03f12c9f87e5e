import { expect } from "chai";
import { summaryKey } from "../../functions/usageSummary/dailySummary";
import { EXPLORATION_QUERIES, SUMMARY_QUERIES } from "../../functions/usageSummary/queries";
import { parseSummaryDay } from "../../functions/usageSummary/summaryDay";
import { RESULTS_PREFIXES } from "../../infra/dataSharing/catalogDefinitions";
import { Synthesis } from "../../infra/synth/recorder";
import { STACKS, document, ofType, one, outputOf, rolePolicy, runProgram, statement } from "../helpers/pulumiRecorder";

const CIDRS = { dev: ["203.0.113.0/24"], prod: ["203.0.113.0/24", "198.51.100.0/24"] } as const;
const VPC = { dev: "10.60.0.0/16", prod: "10.61.0.0/16" } as const;

for (const stack of STACKS) {
  describe(`DataSharing (${stack})`, () => {
    let s: Synthesis;
    let keyArn: string;
    before(async () => {
      s = await runProgram(stack);
      keyArn = outputOf(s, "aws:kms/key:Key", "sharing-key", "arn");
    });

    it("limits the raw bucket to corporate CIDRs, the VPC endpoint and our own service roles (Firehose, the warehouse loader, replication)", () => {
      const vpce = one(s, "aws:ec2/vpcEndpoint:VpcEndpoint", "sharing-net-s3-endpoint").outputs.id;
      const exempt = [
        "arn:aws:iam::123456789012:role/sharing-firehose-role",
        "arn:aws:iam::123456789012:role/sharing-warehouse-loader-role",
        ...(stack === "prod" ? ["arn:aws:iam::123456789012:role/sharing-replication-role"] : []),
      ];
      expect(statement(document(one(s, "aws:s3/bucketPolicy:BucketPolicy", "sharing-raw-policy")), "DenyOutsideCorporateNetwork")).to.deep.equal({
        Sid: "DenyOutsideCorporateNetwork",
        Effect: "Deny",
        Principal: "*",
        NotAction: ["s3:ListBucket", "s3:GetBucket*", "s3:PutBucket*", "s3:DeleteBucket*", "s3:*Configuration"],
        Resource: ["arn:aws:s3:::sharing-raw-bucket", "arn:aws:s3:::sharing-raw-bucket/*"],
        Condition: {
          NotIpAddressIfExists: { "aws:SourceIp": [...CIDRS[stack]] },
          StringNotEqualsIfExists: { "aws:SourceVpce": vpce },
          BoolIfExists: { "aws:ViaAWSService": false },
          ArnNotEquals: { "aws:PrincipalArn": exempt },
        },
      });
    });

    it("delivers through Firehose with a Lambda transform, source-record backup and an error prefix", () => {
      const s3 = one(s, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "sharing-share-delivery").inputs.extendedS3Configuration as Record<
        string,
        unknown
      >;
      expect(s3).to.deep.include({
        bucketArn: "arn:aws:s3:::sharing-raw-bucket",
        prefix: "readings/!{timestamp:yyyy/MM/dd}/",
        errorOutputPrefix: "errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
        compressionFormat: "GZIP",
        fileExtension: ".json.gz",
        customTimeZone: "UTC",
        s3BackupMode: "Enabled",
        kmsKeyArn: keyArn,
      });
      expect((s3.s3BackupConfiguration as Record<string, unknown>).bucketArn).to.equal("arn:aws:s3:::sharing-source-backup-bucket");
      expect((s3.processingConfiguration as { processors: { type: string; parameters: unknown[] }[] }).processors[0]).to.deep.equal({
        type: "Lambda",
        parameters: [
          { parameterName: "LambdaArn", parameterValue: "arn:aws:lambda:eu-west-1:123456789012:function:sharing-share-transform-fn:$LATEST" },
          { parameterName: "BufferSizeInMBs", parameterValue: "0.5" },
          { parameterName: "BufferIntervalInSeconds", parameterValue: "60" },
        ],
      });
      const rules = ofType(s, "aws:iot/topicRule:TopicRule").filter((r) => r.name.startsWith("sharing-"));
      expect(rules.map((r) => r.inputs.sql)).to.deep.equal([
        "SELECT *, 'anomalies' AS source, topic(2) AS deviceId, timestamp() AS receivedAt FROM 'trains/+/anomalies'",
        "SELECT *, 'meters' AS source, topic(2) AS deviceId, timestamp() AS receivedAt FROM 'meters/+/readings'",
        "SELECT *, 'trains' AS source, topic(2) AS deviceId, timestamp() AS receivedAt FROM 'trains/+/telemetry'",
      ]);
    });

    it("runs Redshift privately: KMS, TLS required, non-default port, no public access, enhanced VPC routing", () => {
      const cluster = one(s, "aws:redshift/cluster:Cluster", "sharing-warehouse-cluster").inputs;
      expect(cluster).to.deep.include({
        clusterIdentifier: `gridrail-${stack}-warehouse`,
        port: 5447,
        encrypted: "true",
        kmsKeyId: keyArn,
        publiclyAccessible: false,
        enhancedVpcRouting: true,
        manageMasterPassword: true,
        masterPasswordSecretKmsKeyId: keyArn,
        skipFinalSnapshot: stack === "dev",
        nodeType: stack === "dev" ? "ra3.large" : "ra3.xlplus",
        clusterType: stack === "dev" ? "single-node" : "multi-node",
      });
      expect(cluster).to.not.have.property("masterPassword");
      expect(one(s, "aws:redshift/parameterGroup:ParameterGroup", "sharing-warehouse-params").inputs.parameters).to.deep.equal([
        { name: "require_ssl", value: "true" },
        { name: "enable_user_activity_logging", value: "true" },
      ]);
      expect(one(s, "aws:redshift/logging:Logging", "sharing-warehouse-audit-logging").inputs).to.deep.equal({
        clusterIdentifier: `gridrail-${stack}-warehouse`,
        logDestinationType: "cloudwatch",
        logExports: ["connectionlog", "useractivitylog", "userlog"],
      });
    });

    it("opens the Redshift port to the VPC only and lets it out only to S3 through the endpoint", () => {
      const sg = one(s, "aws:ec2/securityGroup:SecurityGroup", "sharing-net-redshift-sg").inputs;
      const prefixList = one(s, "aws:ec2/vpcEndpoint:VpcEndpoint", "sharing-net-s3-endpoint").outputs.prefixListId;
      expect(sg.ingress).to.deep.equal([{ description: "SQL from the VPC", protocol: "tcp", fromPort: 5447, toPort: 5447, cidrBlocks: [VPC[stack]] }]);
      expect(sg.egress).to.deep.equal([
        { description: "S3 through the gateway endpoint", protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: [prefixList] },
      ]);
      expect(one(s, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "sharing-net-default-sg").inputs).to.deep.include({ ingress: [], egress: [] });
      expect(ofType(s, "aws:ec2/internetGateway:InternetGateway")).to.have.length(0);
      expect(document(one(s, "aws:ec2/vpcEndpoint:VpcEndpoint", "sharing-net-s3-endpoint")).Statement[0].Condition).to.deep.equal({
        StringEquals: { "s3:ResourceAccount": "123456789012" },
      });
    });

    it("enforces the Athena workgroup config with encrypted results and a scan cutoff", () => {
      const wg = one(s, "aws:athena/workgroup:Workgroup", "sharing-catalog-workgroup").inputs.configuration as Record<string, unknown>;
      expect(wg).to.deep.include({
        enforceWorkgroupConfiguration: true,
        bytesScannedCutoffPerQuery: (stack === "dev" ? 1024 : 10240) * 1024 * 1024,
      });
      expect(wg.resultConfiguration).to.deep.equal({
        outputLocation: "s3://sharing-results-bucket/athena/",
        encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: keyArn },
        expectedBucketOwner: "123456789012",
      });
    });

    it("saves the summary's own SQL as named queries in the workgroup and the stack's database", () => {
      const saved = ofType(s, "aws:athena/namedQuery:NamedQuery").map((q) => [q.inputs.name, q.inputs.query, q.inputs.database, q.inputs.workgroup]);
      const expected = [...SUMMARY_QUERIES, ...EXPLORATION_QUERIES].map((q) => [q.name, q.sql, `gridrail_${stack}_sharing`, `gridrail-${stack}-data-sharing`]);
      expect(saved.sort()).to.deep.equal(expected.sort());
    });

    it("projects the Glue tables' partitions over raw data, access logs, CloudTrail, the meter lake and supplier files", () => {
      const tables = ofType(s, "aws:glue/catalogTable:CatalogTable")
        .filter((t) => t.inputs.tableType === "EXTERNAL_TABLE")
        .map((t) => {
          const p = t.inputs.parameters as Record<string, string>;
          return [
            t.inputs.name,
            (t.inputs.partitionKeys as { name: string }[]).map((k) => `${k.name}:${p[`projection.${k.name}.type`]}:${p[`projection.${k.name}.format`] ?? ""}`),
            p["storage.location.template"],
            p["projection.enabled"],
          ];
        });
      const slashed = ["dt:date:yyyy/MM/dd"];
      const compact = ["dt:date:yyyyMMdd"];
      expect(tables.sort()).to.deep.equal([
        ["cloudtrail_data_events", slashed, "s3://sharing-logs-bucket/cloudtrail/AWSLogs/123456789012/CloudTrail/eu-west-1/${dt}/", "true"],
        ["meter_readings", ["client_id:injected:", ...compact], "s3://meters-lake-bucket/${client_id}/${dt}/", "true"],
        ["readings", slashed, "s3://sharing-raw-bucket/readings/${dt}/", "true"],
        ["s3_access_logs", slashed, "s3://sharing-logs-bucket/access/sharing-raw/123456789012/eu-west-1/sharing-raw-bucket/${dt}/", "true"],
        ["supplier_reports", compact, "s3://meters-lake-bucket/quarantine/${dt}/", "true"],
        ["supplier_uploads", compact, "s3://meters-uploads-bucket/${dt}/", "true"],
      ]);
    });

    it("trails object access to the raw data, report downloads and profile writes into the log bucket, encrypted and validated", () => {
      const trail = one(s, "aws:cloudtrail/trail:Trail", "sharing-usage-trail").inputs;
      expect(trail).to.deep.include({
        name: `gridrail-${stack}-shared-data-access`,
        s3BucketName: "sharing-logs-bucket",
        kmsKeyId: keyArn,
        enableLogFileValidation: true,
      });
      expect(trail.advancedEventSelectors).to.deep.equal([
        {
          name: "Object-level access to the shared raw data",
          fieldSelectors: [
            { field: "eventCategory", equals: ["Data"] },
            { field: "resources.type", equals: ["AWS::S3::Object"] },
            { field: "resources.ARN", startsWiths: ["arn:aws:s3:::sharing-raw-bucket/"] },
          ],
        },
        {
          name: "Customer report downloads",
          fieldSelectors: [
            { field: "eventCategory", equals: ["Data"] },
            { field: "resources.type", equals: ["AWS::S3::Object"] },
            { field: "eventName", equals: ["GetObject"] },
            { field: "resources.ARN", startsWiths: ["arn:aws:s3:::meters-reports-bucket/reports/"] },
          ],
        },
        {
          name: "Customer profile updates",
          fieldSelectors: [
            { field: "eventCategory", equals: ["Data"] },
            { field: "resources.type", equals: ["AWS::DynamoDB::Table"] },
            { field: "eventName", equals: ["PutItem", "UpdateItem"] },
            { field: "resources.ARN", equals: ["arn:aws:dynamodb:eu-west-1:123456789012:table/customers-profiles"] },
          ],
        },
      ]);
      const logPolicy = document(one(s, "aws:s3/bucketPolicy:BucketPolicy", "sharing-logs-policy"));
      expect(statement(logPolicy, "AllowCloudTrailWrite").Condition).to.deep.equal({
        StringEquals: {
          "aws:SourceArn": `arn:aws:cloudtrail:eu-west-1:123456789012:trail/gridrail-${stack}-shared-data-access`,
          "s3:x-amz-acl": "bucket-owner-full-control",
        },
      });
    });

    it("lets the usage summary run queries in its workgroup, read exactly the queried prefixes and keys, and write results", () => {
      const meterKey = outputOf(s, "aws:kms/key:Key", "meters-key", "arn");
      const doc = rolePolicy(s, "sharing-usage-summary");
      expect(doc.Statement.slice(3)).to.deep.equal([
        {
          Sid: "RunQueries",
          Effect: "Allow",
          Action: ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution"],
          Resource: `arn:aws:athena:eu-west-1:123456789012:workgroup/gridrail-${stack}-data-sharing`,
        },
        {
          Sid: "ReadCatalog",
          Effect: "Allow",
          Action: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
          Resource: [
            "arn:aws:glue:eu-west-1:123456789012:catalog",
            `arn:aws:glue:eu-west-1:123456789012:database/gridrail_${stack}_sharing`,
            `arn:aws:glue:eu-west-1:123456789012:table/gridrail_${stack}_sharing/*`,
          ],
        },
        {
          Sid: "ListQueriedBuckets",
          Effect: "Allow",
          Action: ["s3:ListBucket", "s3:GetBucketLocation"],
          Resource: [
            "arn:aws:s3:::sharing-raw-bucket",
            "arn:aws:s3:::sharing-logs-bucket",
            "arn:aws:s3:::meters-lake-bucket",
            "arn:aws:s3:::meters-uploads-bucket",
          ],
        },
        {
          Sid: "ReadQueriedObjects",
          Effect: "Allow",
          Action: ["s3:GetObject"],
          Resource: [
            "arn:aws:s3:::sharing-raw-bucket/readings/*",
            "arn:aws:s3:::sharing-logs-bucket/cloudtrail/*",
            "arn:aws:s3:::meters-lake-bucket/quarantine/*",
            "arn:aws:s3:::meters-uploads-bucket/*",
          ],
        },
        { Sid: "ResultsBucket", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: "arn:aws:s3:::sharing-results-bucket" },
        {
          Sid: "QueryResults",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
          Resource: "arn:aws:s3:::sharing-results-bucket/athena/*",
        },
        { Sid: "WriteSummaries", Effect: "Allow", Action: ["s3:PutObject"], Resource: "arn:aws:s3:::sharing-results-bucket/summaries/*" },
        { Sid: "UseSharingKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [keyArn] },
        { Sid: "DecryptMeterData", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [meterKey] },
        {
          Sid: "SendFailedRuns",
          Effect: "Allow",
          Action: ["sqs:SendMessage"],
          Resource: "arn:aws:sqs:eu-west-1:123456789012:sharing-usage-summary-schedule-dlq",
        },
        { Sid: "EncryptFailedRuns", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: [keyArn] },
      ]);
      const fn = one(s, "aws:lambda/function:Function", "sharing-usage-summary-fn").inputs;
      expect((fn.environment as { variables: unknown }).variables).to.deep.equal({
        METRIC_NAMESPACE: `gridrail/${stack}`,
        WORKGROUP: `gridrail-${stack}-data-sharing`,
        DATABASE: `gridrail_${stack}_sharing`,
        RESULTS_BUCKET: "sharing-results-bucket",
      });
    });

    it(`moves raw readings to Glacier after ${stack === "dev" ? 30 : 90} days`, () => {
      const rules = one(s, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "sharing-raw-lifecycle").inputs.rules as unknown[];
      expect(rules[1]).to.deep.equal({
        id: "to-glacier",
        status: "Enabled",
        filter: { prefix: "readings/" },
        transitions: [{ days: stack === "dev" ? 30 : 90, storageClass: "GLACIER" }],
      });
    });

    it("expires the warehouse loader's COPY manifests after 30 days", () => {
      const rules = one(s, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "sharing-raw-lifecycle").inputs.rules as unknown[];
      expect(rules[2]).to.deep.equal({ id: "expire-manifests", status: "Enabled", filter: { prefix: "manifests/" }, expiration: { days: 30 } });
    });

    it("lets the COPY loader run statements on its cluster and read only the managed admin secret", () => {
      const doc = rolePolicy(s, "sharing-warehouse-loader");
      const secret = one(s, "aws:redshift/cluster:Cluster", "sharing-warehouse-cluster").outputs.masterPasswordSecretArn;
      expect(statement(doc, "RunCopy").Resource).to.equal(`arn:aws:redshift:eu-west-1:123456789012:cluster:gridrail-${stack}-warehouse`);
      expect(statement(doc, "AdminSecret")).to.deep.equal({ Sid: "AdminSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secret });
    });

    if (stack === "prod") {
      it("replicates the raw bucket to the replica region with a provider child of the component", () => {
        const provider = one(s, "pulumi:providers:aws", "sharing-dr-provider");
        expect(provider.parentType).to.equal("gridrail:sharing:DataSharing");
        expect(provider.inputs.region).to.equal("eu-central-1");
        const rule = (one(s, "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "sharing-dr-replication").inputs.rules as Record<string, unknown>[])[0];
        expect(rule).to.deep.include({
          status: "Enabled",
          deleteMarkerReplication: { status: "Enabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        });
        expect((rule.destination as { encryptionConfiguration: { replicaKmsKeyId: string } }).encryptionConfiguration.replicaKmsKeyId).to.match(
          /^arn:aws:kms:eu-central-1:/,
        );
        const doc = rolePolicy(s, "sharing-dr");
        expect(statement(doc, "WriteReplica").Resource).to.equal("arn:aws:s3:::sharing-dr-replica-bucket/*");
        expect(statement(doc, "EncryptReplica").Condition).to.deep.equal({ StringEquals: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" } });
      });

      it("archives and expires the replica's objects as the raw bucket's", () => {
        const rules = (name: string) => one(s, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", name).inputs.rules as { id: string }[];
        expect(rules("sharing-dr-replica-lifecycle")).to.deep.equal(rules("sharing-raw-lifecycle"));
        expect(rules("sharing-dr-replica-lifecycle").map((r) => r.id)).to.deep.equal(["baseline", "to-glacier", "expire-manifests"]);
      });
    } else {
      it("does not replicate in dev", () => {
        expect(ofType(s, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")).to.have.length(0);
        expect(ofType(s, "pulumi:providers:aws")).to.have.length(0);
      });
    }
  });
}

describe("the usage summary's write grant", () => {
  it("covers the key the summary writes", () => {
    expect(summaryKey(parseSummaryDay("2026-12-02")).startsWith(RESULTS_PREFIXES.summaries)).to.equal(true);
  });
});
