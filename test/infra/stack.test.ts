import { expect } from "chai";
import { Synthesis } from "../../infra/synth/recorder";
import { SECRET_MASK, sanitize, toInventory } from "../../infra/synth/inventory";
import { STACKS, document, ofType, one, runProgram } from "../helpers/pulumiRecorder";

const COMPONENTS = ["gridrail:meter:MeterIngestion", "gridrail:train:TrainTelemetry", "gridrail:sharing:DataSharing", "gridrail:customer:CustomerApi"];
const RETENTION = { dev: 7, prod: 365 } as const;

for (const stack of STACKS) {
  describe(`the ${stack} stack as a whole`, () => {
    let s: Synthesis;
    before(async () => {
      s = await runProgram(stack);
    });

    it("creates the four components at the top and every other resource inside a component", () => {
      const top = s.resources
        .filter((r) => r.parentType === null)
        .map((r) => r.type)
        .sort();
      expect(top).to.deep.equal(stack === "prod" ? [...COMPONENTS, "gridrail:shared:Alerting"].sort() : [...COMPONENTS].sort());
      const orphans = s.resources.filter((r) => r.custom && r.parentType === null);
      expect(orphans.map((r) => r.name)).to.deep.equal([]);
    });

    it("never attaches a managed policy (no CallbackFunction default role, no *FullAccess)", () => {
      expect(ofType(s, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).to.have.length(0);
      expect(ofType(s, "aws:iam/role:Role").filter((r) => r.inputs.managedPolicyArns !== undefined)).to.have.length(0);
    });

    it("gives every role exactly one inline policy without wildcard actions", () => {
      const roles = ofType(s, "aws:iam/role:Role").map((r) => r.outputs.name);
      const policies = ofType(s, "aws:iam/rolePolicy:RolePolicy");
      expect(policies.map((p) => p.inputs.role).sort()).to.deep.equal([...roles].sort());
      for (const p of policies) {
        for (const st of document(p).Statement) {
          const actions = ([] as string[]).concat(st.Action as string | string[]);
          expect(
            actions.filter((a) => a === "*" || a.endsWith(":*")),
            `${p.name} ${st.Sid}`,
          ).to.deep.equal([]);
        }
      }
    });

    it("runs every Lambda with its own role, active tracing, a supported runtime and its own log group", () => {
      const fns = ofType(s, "aws:lambda/function:Function");
      expect(fns).to.have.length(11);
      const logGroups = new Map(ofType(s, "aws:cloudwatch/logGroup:LogGroup").map((g) => [g.inputs.name, g]));
      const roleArns = new Set(ofType(s, "aws:iam/role:Role").map((r) => r.outputs.arn));
      for (const fn of fns) {
        expect(roleArns.has(fn.inputs.role as string), `${fn.name} role`).to.equal(true);
        expect(fn.inputs.tracingConfig, fn.name).to.deep.equal({ mode: "Active" });
        expect(["nodejs20.x", "nodejs22.x"], fn.name).to.include(fn.inputs.runtime);
        const logGroup = logGroups.get((fn.inputs.loggingConfig as { logGroup: string }).logGroup);
        expect(logGroup?.inputs.retentionInDays, `${fn.name} log retention`).to.equal(RETENTION[stack]);
      }
      expect(new Set(fns.map((f) => f.inputs.role)).size).to.equal(fns.length);
    });

    it(`keeps every log group we create for ${RETENTION[stack]} days, encrypted with a customer key`, () => {
      for (const g of ofType(s, "aws:cloudwatch/logGroup:LogGroup")) {
        expect(g.inputs.retentionInDays, g.name).to.equal(RETENTION[stack]);
        expect(g.inputs.kmsKeyId, g.name).to.match(/^arn:aws:kms:[a-z0-9-]+:123456789012:key\//);
      }
    });

    it("rotates every KMS key yearly", () => {
      const keys = ofType(s, "aws:kms/key:Key");
      expect(keys.length).to.be.greaterThan(3);
      for (const k of keys) {
        expect([k.inputs.enableKeyRotation, k.inputs.rotationPeriodInDays], k.name).to.deep.equal([true, 365]);
        expect(k.inputs.deletionWindowInDays, k.name).to.equal(stack === "prod" ? 30 : 7);
      }
    });

    it("applies the bucket baseline to every bucket", () => {
      for (const b of ofType(s, "aws:s3/bucket:Bucket")) {
        const prefix = b.name.replace(/-bucket$/, "");
        expect(b.inputs.forceDestroy, b.name).to.equal(stack === "dev");
        expect(one(s, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${prefix}-public-access`).inputs).to.deep.include({
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        });
        expect(one(s, "aws:s3/bucketVersioning:BucketVersioning", `${prefix}-versioning`).inputs.versioningConfiguration).to.deep.equal({ status: "Enabled" });
        expect(one(s, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", `${prefix}-ownership`).inputs.rule).to.deep.equal({
          objectOwnership: "BucketOwnerEnforced",
        });
        const sse = (
          one(s, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `${prefix}-encryption`).inputs.rules as Record<
            string,
            unknown
          >[]
        )[0];
        const isLogBucket = /access-logs$|-logs$/.test(prefix);
        if (isLogBucket) {
          expect(sse, b.name).to.deep.equal({ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } });
        } else {
          expect(sse.applyServerSideEncryptionByDefault, b.name).to.deep.include({ sseAlgorithm: "aws:kms" });
          expect(sse.bucketKeyEnabled, b.name).to.equal(true);
          const logging = one(s, "aws:s3/bucketLogging:BucketLogging", `${prefix}-access-logging`);
          expect(logging.inputs.targetPrefix).to.equal(`access/${prefix}/`);
        }
        const policy = document(one(s, "aws:s3/bucketPolicy:BucketPolicy", `${prefix}-policy`));
        expect(policy.Statement[0]).to.deep.equal({
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [b.outputs.arn, `${b.outputs.arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": false } },
        });
        const lifecycle = one(s, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", `${prefix}-lifecycle`);
        expect((lifecycle.inputs.rules as Record<string, unknown>[])[0]).to.deep.include({
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          noncurrentVersionExpiration: { noncurrentDays: 90 },
        });
      }
    });

    it(`${stack === "prod" ? "retains" : "does not retain"} stateful resources when they leave the program`, () => {
      const stateful = [
        "aws:s3/bucket:Bucket",
        "aws:kms/key:Key",
        "aws:dynamodb/table:Table",
        "aws:kinesis/stream:Stream",
        "aws:redshift/cluster:Cluster",
        "aws:cognito/userPool:UserPool",
      ];
      const resources = s.resources.filter((r) => stateful.includes(r.type));
      expect(resources.length).to.be.greaterThan(15);
      for (const r of resources) expect(r.retainOnDelete, r.name).to.equal(stack === "prod");
      expect(ofType(s, "aws:lambda/function:Function").filter((r) => r.retainOnDelete)).to.have.length(0);
    });

    it("routes every alarm to the SNS topic in prod and nowhere in dev", () => {
      const alarms = ofType(s, "aws:cloudwatch/metricAlarm:MetricAlarm");
      const expected = stack === "prod" ? [one(s, "aws:sns/topic:Topic", "alerts-topic").outputs.arn] : [];
      for (const a of alarms) expect(a.inputs.alarmActions, a.name).to.deep.equal(expected);
    });

    it("writes the inventory contract: type, name, parent type or null, inputs", async () => {
      const inventory = await toInventory(s);
      expect(inventory).to.have.length(s.resources.length);
      for (const entry of inventory) expect(Object.keys(entry)).to.deep.equal(["type", "name", "parent", "inputs"]);
      const stream = inventory.find((e) => e.type === "aws:kinesis/stream:Stream");
      expect(stream).to.deep.include({ name: "trains-stream", parent: "gridrail:train:TrainTelemetry" });
      expect(JSON.stringify(inventory)).to.not.match(/Password"\s*:\s*"[^[]/);
    });
  });
}

describe("inventory sanitizing", () => {
  it("masks secret values wherever they are nested", async () => {
    const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" };
    expect(await sanitize({ a: secret, b: [1, { c: secret }], d: "plain" })).to.deep.equal({ a: SECRET_MASK, b: [1, { c: SECRET_MASK }], d: "plain" });
  });
});
