import { expect } from "chai";
import {
  assumeRolePolicy,
  corporateAccessStatement,
  keyPolicy,
  logDeliveryStatements,
  policyDocument,
  tlsOnlyStatements,
} from "../../infra/shared/policyDocuments";
import { meterDevicePolicy, trainDevicePolicy } from "../../infra/shared/iotPolicies";
import { archiveExcludes, awsSdkExcludes } from "../../infra/shared/codePaths";
import { dailyProjection } from "../../infra/dataSharing/catalogDefinitions";
import { trainDashboardBody } from "../../infra/trainTelemetry/dashboard";

const scope = { partition: "aws", region: "eu-west-1", accountId: "123456789012" };
const BUCKET = "arn:aws:s3:::raw";

describe("policy-document builders", () => {
  it("denies non-TLS and pre-1.2 TLS requests to a bucket and its objects", () => {
    expect(tlsOnlyStatements(BUCKET)).to.deep.equal([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [BUCKET, `${BUCKET}/*`],
        Condition: { Bool: { "aws:SecureTransport": false } },
      },
      {
        Sid: "DenyOutdatedTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [BUCKET, `${BUCKET}/*`],
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      },
    ]);
  });

  it("denies access from outside the corporate CIDRs unless via the endpoint, a service session or a service role", () => {
    expect(
      corporateAccessStatement({
        bucketArn: BUCKET,
        cidrs: ["203.0.113.0/24"],
        vpcEndpointId: "vpce-1",
        servicePrincipalArns: ["arn:aws:iam::123456789012:role/firehose"],
      }),
    ).to.deep.equal({
      Sid: "DenyOutsideCorporateNetwork",
      Effect: "Deny",
      Principal: "*",
      NotAction: ["s3:ListBucket", "s3:GetBucket*", "s3:PutBucket*", "s3:DeleteBucket*", "s3:*Configuration"],
      Resource: [BUCKET, `${BUCKET}/*`],
      Condition: {
        NotIpAddressIfExists: { "aws:SourceIp": ["203.0.113.0/24"] },
        StringNotEqualsIfExists: { "aws:SourceVpce": "vpce-1" },
        BoolIfExists: { "aws:ViaAWSService": false },
        ArnNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::123456789012:role/firehose"] },
      },
    });
  });

  it("refuses a corporate statement without CIDRs (it would deny everyone)", () => {
    expect(() => corporateAccessStatement({ bucketArn: BUCKET, cidrs: [], vpcEndpointId: "v", servicePrincipalArns: [] })).to.throw(
      "corporateAccessStatement needs at least one CIDR",
    );
  });

  it("guards service trust policies with aws:SourceAccount, but not Lambda's", () => {
    expect(assumeRolePolicy("iot.amazonaws.com", "123456789012")).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "iot.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ],
    });
    expect(assumeRolePolicy("lambda.amazonaws.com").Statement[0]).to.not.have.property("Condition");
    // Firehose's guide binds its role by the external id it passes: the account id
    expect(assumeRolePolicy("firehose.amazonaws.com", "123456789012").Statement[0].Condition).to.deep.equal({
      StringEquals: { "sts:ExternalId": "123456789012" },
    });
  });

  it("refuses an empty policy document", () => {
    expect(() => policyDocument([])).to.throw("a policy document needs at least one statement");
  });

  it("lets only the account administer a key and named services use it for this account", () => {
    const doc = keyPolicy({ ...scope, services: ["s3", "logs"] });
    expect(doc.Statement.map((s) => s.Sid)).to.deep.equal(["AccountAdministersThroughIam", "AllowCloudWatchLogs", "AllowS3"]);
    expect(doc.Statement[0].Principal).to.deep.equal({ AWS: "arn:aws:iam::123456789012:root" });
    expect(doc.Statement[1]).to.deep.include({
      Principal: { Service: "logs.eu-west-1.amazonaws.com" },
      Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:*" } },
    });
    expect(doc.Statement[2]).to.deep.equal({
      Sid: "AllowS3",
      Effect: "Allow",
      Principal: { Service: "s3.amazonaws.com" },
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: "*",
    });
  });

  it("lets CloudTrail describe the key and encrypt for the account's trails; alarms encrypt for the alert topic", () => {
    const doc = keyPolicy({ ...scope, services: ["cloudtrail", "cloudwatch"] });
    expect(doc.Statement.slice(1)).to.deep.equal([
      {
        Sid: "AllowCloudTrail",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["kms:GenerateDataKey*"],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceAccount": "123456789012" },
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*" },
        },
      },
      // no encryption context on DescribeKey: a condition on one would refuse the trail its key
      {
        Sid: "AllowCloudTrailDescribe",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["kms:DescribeKey"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
      {
        Sid: "AllowCloudwatch",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
      },
    ]);
  });

  it("lets S3 logging and one named trail write into the log bucket, nothing else", () => {
    const statements = logDeliveryStatements({
      bucketArn: "arn:aws:s3:::logs",
      accountId: "123456789012",
      trailArn: "arn:aws:cloudtrail:eu-west-1:123456789012:trail/t",
    });
    expect(statements.map((s) => [s.Sid, s.Resource])).to.deep.equal([
      ["AllowS3ServerAccessLogs", "arn:aws:s3:::logs/access/*"],
      ["AllowCloudTrailAclCheck", "arn:aws:s3:::logs"],
      ["AllowCloudTrailWrite", "arn:aws:s3:::logs/cloudtrail/AWSLogs/123456789012/*"],
    ]);
    expect(statements[2].Condition).to.deep.equal({
      StringEquals: { "aws:SourceArn": "arn:aws:cloudtrail:eu-west-1:123456789012:trail/t", "s3:x-amz-acl": "bucket-owner-full-control" },
    });
  });
});

describe("IoT device policies", () => {
  it("lets a meter connect as its own thing and publish only to its own readings topic", () => {
    expect(meterDevicePolicy(scope)).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ConnectAsOwnThing",
          Effect: "Allow",
          Action: "iot:Connect",
          Resource: "arn:aws:iot:eu-west-1:123456789012:client/${iot:Connection.Thing.ThingName}",
          Condition: { Bool: { "iot:Connection.Thing.IsAttached": true } },
        },
        {
          Sid: "PublishOwnReadings",
          Effect: "Allow",
          Action: "iot:Publish",
          Resource: "arn:aws:iot:eu-west-1:123456789012:topic/meters/${iot:ClientId}/readings",
        },
      ],
    });
  });

  it("lets a train publish its telemetry, read its alert shadow and write only its acknowledgement shadow", () => {
    const arn = "arn:aws:iot:eu-west-1:123456789012";
    const thing = "${iot:Connection.Thing.ThingName}";
    const alerts = `$aws/things/${thing}/shadow/name/anomaly`;
    const acks = `$aws/things/${thing}/shadow/name/anomaly-ack`;
    expect(trainDevicePolicy(scope, { alerts: "anomaly", acknowledgements: "anomaly-ack" }).Statement.slice(1)).to.deep.equal([
      { Sid: "PublishOwnTelemetry", Effect: "Allow", Action: "iot:Publish", Resource: `${arn}:topic/trains/${thing}/telemetry` },
      {
        Sid: "RequestOwnShadows",
        Effect: "Allow",
        Action: "iot:Publish",
        Resource: [`${arn}:topic/${alerts}/get`, `${arn}:topic/${acks}/get`, `${arn}:topic/${acks}/update`],
      },
      { Sid: "SubscribeOwnShadows", Effect: "Allow", Action: "iot:Subscribe", Resource: [`${arn}:topicfilter/${alerts}/*`, `${arn}:topicfilter/${acks}/*`] },
      { Sid: "ReceiveOwnShadows", Effect: "Allow", Action: "iot:Receive", Resource: [`${arn}:topic/${alerts}/*`, `${arn}:topic/${acks}/*`] },
      {
        Sid: "ReadOwnShadowsOverHttp",
        Effect: "Allow",
        Action: "iot:GetThingShadow",
        Resource: [`${arn}:thing/${thing}/anomaly`, `${arn}:thing/${thing}/anomaly-ack`],
      },
      { Sid: "AcknowledgeOverHttp", Effect: "Allow", Action: "iot:UpdateThingShadow", Resource: `${arn}:thing/${thing}/anomaly-ack` },
    ]);
  });
});

describe("train Lambda archive exclusions", () => {
  it("excludes the expected SDK clients and every @aws-sdk dependency, exactly by name", () => {
    expect(awsSdkExcludes({ dependencies: { "@aws-sdk/client-s3": "^3", "@pulumi/aws": "^7", "@aws-sdk/client-sqs": "^3" } })).to.deep.equal([
      "@aws-sdk/client-cloudwatch",
      "@aws-sdk/client-dynamodb",
      "@aws-sdk/client-iot-data-plane",
      "@aws-sdk/client-s3",
      "@aws-sdk/client-sqs",
      "@aws-sdk/lib-dynamodb",
    ]);
  });

  it("excludes every production dependency the Lambda does not load and the tracer's type-only packages, keeping Powertools", () => {
    const deps = {
      "@aws-lambda-powertools/logger": "^2",
      "@aws-lambda-powertools/metrics": "^2",
      "@aws-lambda-powertools/tracer": "^2",
      "@aws-sdk/client-sqs": "^3",
      "@pulumi/aws": "^7",
      mqtt: "^5",
    };
    expect(archiveExcludes({ dependencies: deps })).to.deep.equal([
      "@aws-sdk/client-cloudwatch",
      "@aws-sdk/client-dynamodb",
      "@aws-sdk/client-iot-data-plane",
      "@aws-sdk/client-sqs",
      "@aws-sdk/lib-dynamodb",
      "@aws-sdk/types",
      "@pulumi/aws",
      "@types/cls-hooked",
      "@types/node",
      "mqtt",
      "undici-types",
    ]);
  });
});

describe("catalog definitions", () => {
  it("projects daily partitions from the S3 prefix", () => {
    expect(dailyProjection("s3://raw/readings/")).to.deep.equal({
      "projection.enabled": "true",
      "projection.dt.type": "date",
      "projection.dt.format": "yyyy/MM/dd",
      "projection.dt.range": "2024/01/01,NOW",
      "projection.dt.interval": "1",
      "projection.dt.interval.unit": "DAYS",
      "storage.location.template": "s3://raw/readings/${dt}/",
    });
    expect(() => dailyProjection("raw/readings")).to.throw('projection location must be an s3:// prefix ending in / (got "raw/readings")');
  });
});

describe("train dashboard", () => {
  it("shows anomalies, scores, lag, errors, the DLQ, the latest anomalies and sensor faults", () => {
    const body = trainDashboardBody({
      region: "eu-west-1",
      streamName: "s",
      functionName: "f",
      dlqName: "q",
      logGroupName: "/l",
      metricNamespace: "Gridrail/TrainAnomaly",
    });
    const titles = body.widgets.map((w) => (w.properties as { title: string }).title);
    expect(titles).to.deep.equal([
      "Anomalies per train",
      "Highest anomaly score per train",
      "Telemetry records in",
      "Consumer lag (iterator age, ms)",
      "Consumer errors and throttles",
      "Batches given up on (DLQ depth)",
      "Latest anomalies",
      "Latest sensor faults (a sensor outside its bounds, estimated meanwhile)",
    ]);
    expect((body.widgets[0].properties as { metrics: unknown }).metrics).to.deep.equal([
      [{ expression: "SEARCH('{\"Gridrail/TrainAnomaly\",TrainId} MetricName=\"AnomalyCount\"', 'Sum', 60)", id: "anomalies" }],
    ]);
    expect((body.widgets[6].properties as { query: string }).query).to.match(/^SOURCE '\/l' \| /);
    expect((body.widgets[7].properties as { query: string }).query).to.equal(
      "SOURCE '/l' | fields @timestamp, trainId, episode, text | filter message like /^sensor fault / | sort @timestamp desc | limit 50",
    );
  });
});
