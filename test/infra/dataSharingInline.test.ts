import { expect } from "chai";
import { handler as redshiftLoaderHandler } from "../../functions/redshiftLoader/handler";
import { handler as usageSummaryHandler } from "../../functions/usageSummary/handler";
import { warehouseVpcArgs } from "../../infra/dataSharing/network";
import { synthStack } from "../../infra/synth/synthStack";
import { captureOutput } from "../helpers/captureOutput";
import { Synthesis } from "../../infra/synth/recorder";
import { STACKS, ofType, one, outputOf, rolePolicy, runProgram } from "../helpers/pulumiRecorder";

const VPC = { dev: "10.60.0.0/16", prod: "10.61.0.0/16" } as const;

for (const stack of STACKS) {
  describe(`DataSharing inline functions and awsx VPC (${stack})`, () => {
    let s: Synthesis;
    let keyArn: string;
    before(async () => {
      s = await runProgram(stack);
      keyArn = outputOf(s, "aws:kms/key:Key", "sharing-key", "arn");
    });

    for (const [name, description] of [
      ["sharing-usage-summary", "Daily usage summary (meters, supplier files, customers, trains) from Athena"],
      ["sharing-warehouse-loader", "COPYs the last hour of shared readings into Redshift via the Data API"],
    ]) {
      it(`deploys ${name} as an inline CallbackFunction with its own role, tracing, JSON logs and reserved concurrency`, async () => {
        const fn = one(s, "aws:lambda/function:Function", `${name}-fn`).inputs;
        const assets = await (fn.code as { assets: Promise<Record<string, unknown>> }).assets;
        expect(Object.keys(assets)).to.include("__index.js");
        expect(Object.keys(assets).filter((p) => p.includes("@aws-sdk") || p.includes("@pulumi") || p.includes("duckdb"))).to.deep.equal([]);
        const { code: _code, environment: _environment, ...settings } = fn;
        expect(settings).to.deep.equal({
          description,
          handler: "__index.handler",
          runtime: "nodejs22.x",
          architectures: ["arm64"],
          memorySize: 256,
          timeout: 300,
          reservedConcurrentExecutions: 2,
          role: `arn:aws:iam::123456789012:role/${name}-role`,
          kmsKeyArn: keyArn,
          tracingConfig: { mode: "Active" },
          loggingConfig: { logFormat: "JSON", logGroup: `/gridrail/${stack}/lambda/${name}` },
        });
      });
    }

    it("grants the inline loader exactly what the bundled one had: its statements, the secret, readings/ and manifests/", () => {
      const secret = one(s, "aws:redshift/cluster:Cluster", "sharing-warehouse-cluster").outputs.masterPasswordSecretArn;
      expect(rolePolicy(s, "sharing-warehouse-loader").Statement).to.deep.equal([
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `arn:aws:logs:eu-west-1:123456789012:log-group:/gridrail/${stack}/lambda/sharing-warehouse-loader:*`,
        },
        { Sid: "WriteTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
        { Sid: "DecryptEnvironment", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [keyArn] },
        {
          Sid: "RunCopy",
          Effect: "Allow",
          Action: ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"],
          Resource: `arn:aws:redshift:eu-west-1:123456789012:cluster:gridrail-${stack}-warehouse`,
        },
        { Sid: "FollowStatements", Effect: "Allow", Action: ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult"], Resource: "*" },
        { Sid: "AdminSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secret },
        { Sid: "DecryptSecret", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [keyArn] },
        {
          Sid: "ListReadings",
          Effect: "Allow",
          Action: ["s3:ListBucket"],
          Resource: "arn:aws:s3:::sharing-raw-bucket",
          Condition: { StringLike: { "s3:prefix": ["readings/*"] } },
        },
        { Sid: "WriteManifests", Effect: "Allow", Action: ["s3:PutObject"], Resource: "arn:aws:s3:::sharing-raw-bucket/manifests/*" },
        { Sid: "EncryptManifests", Effect: "Allow", Action: ["kms:GenerateDataKey"], Resource: [keyArn] },
        {
          Sid: "SendFailedRuns",
          Effect: "Allow",
          Action: ["sqs:SendMessage"],
          Resource: "arn:aws:sqs:eu-west-1:123456789012:sharing-warehouse-loader-schedule-dlq",
        },
        { Sid: "EncryptFailedRuns", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: [keyArn] },
      ]);
    });

    it("keeps the summary's and the loader's schedules", () => {
      const schedule = (name: string) => one(s, "aws:scheduler/schedule:Schedule", `${name}-schedule`).inputs;
      expect(schedule("sharing-usage-summary").scheduleExpression).to.equal("cron(0 2 * * ? *)");
      expect(schedule("sharing-warehouse-loader").scheduleExpression).to.equal("cron(5 * * * ? *)");
      const target = (name: string) => schedule(name).target as { arn: string; input: string };
      expect(target("sharing-usage-summary").arn).to.equal(outputOf(s, "aws:lambda/function:Function", "sharing-usage-summary-fn", "arn"));
      expect(JSON.parse(target("sharing-warehouse-loader").input)).to.deep.equal({ scheduledTime: "<aws.scheduler.scheduled-time>", window: "previous-hour" });
    });

    it("builds the warehouse VPC with awsx: two isolated subnets at fixed CIDRs, NAT strategy None, nothing public", () => {
      const vpc = one(s, "awsx:ec2:Vpc", "sharing-net-vpc");
      expect(vpc.parentType).to.equal("gridrail:sharing:DataSharing");
      const quarter = stack === "dev" ? ["10.60.0.0/18", "10.60.64.0/18"] : ["10.61.0.0/18", "10.61.64.0/18"];
      expect(vpc.inputs).to.deep.equal({
        cidrBlock: VPC[stack],
        enableDnsSupport: true,
        enableDnsHostnames: true,
        numberOfAvailabilityZones: 2,
        subnetStrategy: "Auto",
        subnetSpecs: [{ type: "Isolated", name: "isolated", cidrBlocks: quarter }],
        natGateways: { strategy: "None" },
      });
      expect(ofType(s, "aws:ec2/vpc:Vpc")).to.deep.equal([]);
      expect(ofType(s, "aws:ec2/natGateway:NatGateway")).to.deep.equal([]);
      expect(ofType(s, "aws:ec2/internetGateway:InternetGateway")).to.deep.equal([]);
    });

    it("puts Redshift in the awsx VPC's isolated subnets and the S3 gateway endpoint on its route tables", () => {
      const vpc = one(s, "awsx:ec2:Vpc", "sharing-net-vpc").outputs;
      expect(one(s, "aws:redshift/subnetGroup:SubnetGroup", "sharing-warehouse-subnets").inputs.subnetIds).to.deep.equal(vpc.isolatedSubnetIds);
      const endpoint = one(s, "aws:ec2/vpcEndpoint:VpcEndpoint", "sharing-net-s3-endpoint").inputs;
      expect(endpoint).to.deep.include({
        vpcId: vpc.vpcId,
        serviceName: "com.amazonaws.eu-west-1.s3",
        vpcEndpointType: "Gateway",
        routeTableIds: (vpc.routeTables as { id: string }[]).map((t) => t.id),
      });
      expect(endpoint.routeTableIds).to.have.length(2);
      expect(one(s, "aws:ec2/securityGroup:SecurityGroup", "sharing-net-redshift-sg").inputs.vpcId).to.equal(vpc.vpcId);
      expect(one(s, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "sharing-net-default-sg").inputs).to.deep.equal({
        vpcId: vpc.vpcId,
        ingress: [],
        egress: [],
      });
    });
  });
}

describe("the warehouse VPC's awsx arguments", () => {
  it("take the first two quarters of the VPC as isolated subnets", () => {
    expect(warehouseVpcArgs("10.0.0.0/20").subnetSpecs).to.deep.equal([{ type: "Isolated", name: "isolated", cidrBlocks: ["10.0.0.0/22", "10.0.4.0/22"] }]);
  });

  it("refuse a VPC too small to split", () => {
    expect(() => warehouseVpcArgs("10.0.0.0/27")).to.throw('"10.0.0.0/27" is too small to split into /29 subnets');
  });
});

describe("the inline data-sharing functions after an in-process run", function () {
  this.timeout(120_000);

  it("still serialize: what a run in the deploying process built is not captured into the archive", async () => {
    const names = ["WORKGROUP", "DATABASE", "RESULTS_BUCKET", "CLUSTER_ID", "SECRET_ARN", "RAW_BUCKET", "COPY_ROLE_ARN"];
    const saved = names.map((n) => [n, process.env[n]] as const);
    for (const n of names) delete process.env[n];
    // each builds its logger and clients' holder, then refuses the missing environment
    const summary = await captureOutput(() => usageSummaryHandler({ date: "2026-02-21" }));
    const load = await captureOutput(() => redshiftLoaderHandler({}));
    for (const [n, v] of saved) if (v !== undefined) process.env[n] = v;
    expect([summary.error?.message, load.error?.message]).to.deep.equal([
      "environment variables WORKGROUP, DATABASE, RESULTS_BUCKET must be set",
      "environment variables CLUSTER_ID, DATABASE, SECRET_ARN, RAW_BUCKET, COPY_ROLE_ARN must be set",
    ]);

    const s = await synthStack("dev", { "gridrail:logRetentionDays": "14" });

    for (const name of ["sharing-usage-summary-fn", "sharing-warehouse-loader-fn"]) {
      const assets = await (one(s, "aws:lambda/function:Function", name).inputs.code as { assets: Promise<Record<string, { text?: Promise<string> }>> }).assets;
      expect(await assets["__index.js"].text, name).to.match(/^exports\.handler = /);
    }
  });
});
