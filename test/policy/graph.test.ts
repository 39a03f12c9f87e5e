import { expect } from "chai";
import { evaluate, hasMandatoryViolation } from "../../policy/evaluate";
import { inferEnvironment, referenceKeys, StackGraph } from "../../policy/graph";
import { GraphFileError, parseGraph } from "../../policy/graphFile";
import { RULES } from "../../policy/ruleSet";
import { show, statements, strings, UNKNOWN } from "../../policy/values";
import { res, S3, secureBucket } from "./fixtures";

describe("policy graph", () => {
  describe("referenceKeys", () => {
    const table: [string, string][] = [
      ["arn:aws:s3:::meters-lake-bucket", "meters-lake-bucket"],
      ["arn:aws:s3:::sharing-raw-bucket/", "sharing-raw-bucket"],
      ["arn:aws:kinesis:eu-west-1:123456789012:stream/trains-stream", "trains-stream"],
      ["arn:aws:lambda:eu-west-1:123456789012:function:transform-fn:$LATEST", "transform-fn"],
      ["arn:aws:iam::123456789012:role/service/parser-role", "parser-role"],
      ["arn:aws:sqs:eu-west-1:123456789012:meters-supplier-dlq", "meters-supplier-dlq"],
      ["arn:aws:logs:eu-west-1:123456789012:log-group:/gridrail/dev/lambda/x:*", "/gridrail/dev/lambda/x"],
      ["https://sqs.eu-west-1.amazonaws.com/123456789012/uploads", "uploads"],
      ["s3://sharing-results-bucket/athena/", "sharing-results-bucket"],
    ];
    for (const [value, key] of table) {
      it(`resolves ${value} by ${key}`, () => {
        expect(referenceKeys(value)).to.include(key);
      });
    }
  });

  describe("references", () => {
    const bucket = res(S3.bucket, "raw", {}, { urn: "urn:pulumi:dev::gridrail::aws:s3/bucket:Bucket::raw" });

    it("joins by the engine's property dependencies when the referring value is unknown", () => {
      const sse = res(S3.encryption, "raw-encryption", { bucket: UNKNOWN }, { propertyDependencies: { bucket: [bucket.urn!] } });
      expect(new StackGraph({ resources: [bucket, sse] }).referrers(bucket, [S3.encryption], "bucket")).to.deep.equal([sse]);
    });

    it("finds nothing for an unknown value without dependencies", () => {
      const sse = res(S3.encryption, "raw-encryption", { bucket: UNKNOWN });
      expect(new StackGraph({ resources: [bucket, sse] }).referrers(bucket, [S3.encryption], "bucket")).to.deep.equal([]);
    });

    it("joins by an explicit physical name, an ARN, and ARNs inside JSON strings", () => {
      const named = res(S3.bucket, "lake-bucket", { bucket: "gridrail-dev-lake" });
      const queue = res("aws:sqs/queue:Queue", "dlq");
      const source = res("aws:sqs/queue:Queue", "work", {
        redrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:eu-west-1:1:dlq", maxReceiveCount: 5 }),
      });
      const stream = res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "d", {
        extendedS3Configuration: { bucketArn: "arn:aws:s3:::gridrail-dev-lake" },
      });
      const g = new StackGraph({ resources: [named, queue, source, stream] });
      expect(g.references(stream, "extendedS3Configuration.bucketArn", [S3.bucket])).to.deep.equal([named]);
      expect(g.references(source, "redrivePolicy", ["aws:sqs/queue:Queue"])).to.deep.equal([queue]);
    });

    it("only returns resources of the asked types", () => {
      const logGroup = res("aws:cloudwatch/logGroup:LogGroup", "raw");
      const sse = res(S3.encryption, "raw-encryption", { bucket: "raw" });
      expect(new StackGraph({ resources: [logGroup, sse] }).references(sse, "bucket", [S3.bucket])).to.deep.equal([]);
    });
  });

  describe("inferEnvironment", () => {
    it("reads the environment, else the stack, from an AWS provider's default tags", () => {
      expect(inferEnvironment([res("pulumi:providers:aws", "replica", { defaultTags: JSON.stringify({ tags: { stack: "prod" } }) })])).to.equal("prod");
      expect(inferEnvironment([res("pulumi:providers:aws", "default", { defaultTags: { tags: { environment: "dev", stack: "prod" } } })])).to.equal("dev");
    });
    it("says nothing for other tags or no provider", () => {
      expect(inferEnvironment([res("pulumi:providers:aws", "p", { defaultTags: '{"tags":{"stack":"staging"}}' })])).to.equal(undefined);
      expect(inferEnvironment([res(S3.bucket, "raw")])).to.equal(undefined);
    });
  });

  describe("values", () => {
    it("normalises policy statements: arrays, Sid or position", () => {
      const doc = JSON.stringify({
        Statement: [
          { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
          { Sid: "B", Effect: "Deny", Action: ["a", "b"], Resource: ["x"] },
        ],
      });
      expect(statements(doc)!.map((s) => [s.id, s.effect, s.actions, s.resources])).to.deep.equal([
        ["1", "Allow", ["s3:GetObject"], ["*"]],
        ["B", "Deny", ["a", "b"], ["x"]],
      ]);
      expect(statements("not json")).to.equal(undefined);
      expect(statements(UNKNOWN)).to.equal(undefined);
    });
    it("collects strings through nested JSON strings", () => {
      expect(strings({ a: ["x", { b: '{"c":"y"}' }], n: 1 })).to.deep.equal(["x", "y"]);
    });
    it("shows unset, bare strings and JSON", () => {
      expect([show(undefined), show("NONE"), show(false), show(["a"])]).to.deep.equal(["unset", "NONE", "false", '["a"]']);
    });
  });
});

describe("policy evaluation", () => {
  const graph = [...secureBucket("raw", ["encryption", "lifecycle"])];

  it("reports each violation with rule, level, resource and message, and counts rules and resources", () => {
    const report = evaluate(RULES, { environment: "dev", resources: graph });
    const mine = report.violations.filter((v) => v.rule.startsWith("s3-"));
    expect(mine).to.deep.equal([
      { rule: "s3-encryption", level: "mandatory", type: S3.bucket, resource: "raw", message: "bucket raw has no SSE-KMS encryption configuration" },
      { rule: "s3-lifecycle", level: "advisory", type: S3.bucket, resource: "raw", message: "bucket raw has no lifecycle configuration" },
    ]);
    expect(report.resources).to.equal(graph.length);
    expect(report.rules).to.equal(RULES.length - RULES.filter((r) => r.prodOnly).length);
    expect(hasMandatoryViolation(report)).to.equal(true);
  });

  it("skips prod-only rules outside prod, saying why", () => {
    const dev = evaluate(RULES, { environment: "dev", resources: graph });
    const unknown = evaluate(RULES, { resources: graph });
    expect(dev.skipped.map((s) => s.rule)).to.deep.equal(RULES.filter((r) => r.prodOnly).map((r) => r.id));
    expect(dev.skipped[0].reason).to.equal("prod-only, environment is dev");
    expect(unknown.skipped[0].reason).to.equal("prod-only, and the graph does not say which environment it is (pass --environment)");
  });

  it("skips the retain rule when no resource says whether it is retained", () => {
    const report = evaluate(RULES, { environment: "prod", resources: graph });
    expect(report.skipped).to.deep.equal([
      { rule: "prod-retain-on-delete", reason: "the resources carry no retainOnDelete option (a graph file or a real preview does not record it)" },
    ]);
  });

  it("passes with advisory violations only", () => {
    const report = evaluate(RULES, {
      environment: "dev",
      resources: secureBucket("raw", ["lifecycle"]).concat(
        res("aws:cloudtrail/trail:Trail", "t", { s3BucketName: "logs", enableLogFileValidation: true, kmsKeyId: "k" }),
      ),
    });
    expect(report.violations.map((v) => v.level)).to.deep.equal(["advisory"]);
    expect(hasMandatoryViolation(report)).to.equal(false);
  });
});

describe("policy graph files", () => {
  it("reads the synth's --json entries, an optional retainOnDelete and the environment", () => {
    const text = JSON.stringify([
      { type: S3.bucket, name: "raw", parent: "gridrail:sharing:DataSharing", inputs: { forceDestroy: false }, retainOnDelete: true },
    ]);
    expect(parseGraph(text, "prod")).to.deep.equal({
      environment: "prod",
      resources: [{ type: S3.bucket, name: "raw", inputs: { forceDestroy: false }, retainOnDelete: true }],
    });
  });

  const bad: [string, string][] = [
    ["{", "not JSON: "],
    ["{}", "expected a JSON array of { type, name, parent, inputs } (the synth's --json output)"],
    ["[1]", "entry 0 is not an object"],
    ['[{"name":"x","inputs":{}}]', 'entry 0 has no "type" string'],
    ['[{"type":"t","inputs":{}}]', 'entry 0 (t) has no "name" string'],
    ['[{"type":"t","name":"x"}]', 'entry 0 (t x) has no "inputs" object'],
    ['[{"type":"t","name":"x","inputs":{},"retainOnDelete":"yes"}]', 'entry 0 (t x) has a non-boolean "retainOnDelete"'],
  ];
  for (const [text, message] of bad) {
    it(`rejects ${text} with "${message}"`, () => {
      expect(() => parseGraph(text)).to.throw(GraphFileError, message);
    });
  }
});
