import { expect } from "chai";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, unknownCheckingProxy } from "@pulumi/policy";
import { viewOfSynthesis } from "../../cli/policy";
import { evaluate } from "../../policy/evaluate";
import { ResourceView } from "../../policy/graph";
import { plain, toPolicies } from "../../policy/pack";
import { RULES } from "../../policy/ruleSet";
import { UNKNOWN } from "../../policy/values";
import { runProgram } from "../helpers/pulumiRecorder";
import { res, S3, secureBucket } from "./fixtures";

// The sentinel a real preview puts where a string is not known yet.
const UNKNOWN_STRING = (require("@pulumi/policy/proxy") as { unknownStringValue: string }).unknownStringValue;

const POLICIES = toPolicies(RULES);
const byName = (name: string) => POLICIES.find((p) => p.name === name)!;

class NotApplicable extends Error {}

interface Reported {
  readonly message: string;
  readonly urn?: string;
}

/** Calls a stack policy the way @pulumi/policy does: proxied props, resolved property dependencies. */
function runStackPolicy(policy: StackValidationPolicy, resources: readonly ResourceView[], config: object = {}): Reported[] | string {
  const byUrn = new Map<string, PolicyResource>();
  const policyResources = resources.map((r, i) => {
    const urn = r.urn ?? `urn:pulumi:test::gridrail::${r.type}::${r.name}#${i}`;
    const pr = { type: r.type, name: r.name, urn, props: unknownCheckingProxy(r.inputs), propertyDependencies: {} } as unknown as PolicyResource;
    byUrn.set(urn, pr);
    return [r, pr] as const;
  });
  for (const [r, pr] of policyResources) {
    pr.propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, urns]) => [k, urns.map((u) => byUrn.get(u)!)]));
  }
  const reported: Reported[] = [];
  try {
    policy.validateStack(
      {
        resources: policyResources.map(([, pr]) => pr),
        getConfig: <T>() => config as T,
        stackTags: new Map(),
        notApplicable: (reason?: string) => {
          throw new NotApplicable(reason);
        },
      },
      (message, urn) => reported.push({ message, urn }),
    );
  } catch (e) {
    if (e instanceof NotApplicable) return `not applicable: ${e.message}`;
    throw e;
  }
  return reported;
}

function runResourcePolicy(policy: ResourceValidationPolicy, r: ResourceView): string[] {
  const reported: string[] = [];
  const validate = policy.validateResource as Exclude<ResourceValidationPolicy["validateResource"], unknown[] | undefined>;
  void validate({ type: r.type, name: r.name, urn: `urn:${r.name}`, props: unknownCheckingProxy(r.inputs) } as never, (message) => reported.push(message));
  return reported;
}

describe("policy pack adapter", () => {
  it("turns each rule into one policy named by its id at its level; single-resource rules validate resources", () => {
    expect(POLICIES.map((p) => [p.name, p.enforcementLevel])).to.deep.equal(RULES.map((r) => [r.id, r.level]));
    for (const [i, rule] of RULES.entries()) {
      const kind = rule.resource && !rule.prodOnly ? "validateResource" : "validateStack";
      expect(kind in POLICIES[i], rule.id).to.equal(true);
      expect(POLICIES[i].configSchema !== undefined, rule.id).to.equal(rule.prodOnly);
    }
  });

  it("unwraps @pulumi/policy's proxy and reads unknown values as UNKNOWN", () => {
    expect(plain(unknownCheckingProxy({ a: [UNKNOWN_STRING, { b: 1 }], c: UNKNOWN_STRING }))).to.deep.equal({ a: [UNKNOWN, { b: 1 }], c: UNKNOWN });
  });

  it("reports a resource rule's exact messages from validateResource", () => {
    const stream = res("aws:kinesis/stream:Stream", "telemetry", { encryptionType: "NONE" });
    expect(runResourcePolicy(byName("kinesis-encryption") as ResourceValidationPolicy, stream)).to.deep.equal([
      "Kinesis stream telemetry is not encrypted (encryptionType: NONE)",
    ]);
    expect(runResourcePolicy(byName("kinesis-encryption") as ResourceValidationPolicy, res("aws:sqs/queue:Queue", "q"))).to.deep.equal([]);
  });

  it("joins a new bucket and its SSE config through property dependencies while the bucket's id is unknown", () => {
    const [bucket, ...companions] = secureBucket("raw");
    const withUrn = { ...bucket, urn: "urn:pulumi:dev::gridrail::aws:s3/bucket:Bucket::raw" };
    const unknownRef = companions.map((c) => ({ ...c, inputs: { ...c.inputs, bucket: UNKNOWN_STRING }, propertyDependencies: { bucket: [withUrn.urn] } }));
    expect(runStackPolicy(byName("s3-encryption") as StackValidationPolicy, [withUrn, ...unknownRef])).to.deep.equal([]);
    const unjoined = companions.map((c) => ({ ...c, inputs: { ...c.inputs, bucket: UNKNOWN_STRING } }));
    expect(runStackPolicy(byName("s3-encryption") as StackValidationPolicy, [withUrn, ...unjoined])).to.deep.equal([
      { message: "bucket raw has no SSE-KMS encryption configuration", urn: withUrn.urn },
    ]);
  });

  it("does not judge a bucket policy that is unknown during preview", () => {
    const graph = secureBucket("raw").map((r) => (r.type === S3.policy ? { ...r, inputs: { ...r.inputs, policy: UNKNOWN_STRING } } : r));
    expect(runStackPolicy(byName("s3-tls-only") as StackValidationPolicy, graph)).to.deep.equal([]);
  });

  it("marks prod-only policies not applicable outside prod; the environment config wins over provider tags", () => {
    const prodProvider = res("pulumi:providers:aws", "default", { defaultTags: '{"tags":{"stack":"prod"}}' });
    const policy = byName("prod-s3-replication") as StackValidationPolicy;
    expect(runStackPolicy(policy, [prodProvider])).to.deep.equal([{ message: "the prod stack replicates no bucket to another region", urn: undefined }]);
    expect(runStackPolicy(policy, [prodProvider], { environment: "dev" })).to.equal("not applicable: prod-only, environment is dev");
  });

  it("reports on the prod synth exactly what the offline runner reports", async function () {
    this.timeout(120_000);
    const synthesis = await runProgram("prod");
    const view = await viewOfSynthesis(synthesis, "prod");
    // A real preview carries URNs and no retainOnDelete, and says prod through the provider's default tags.
    const resources = view.resources.map((r, i) => ({ ...r, urn: synthesis.resources[i].urn, retainOnDelete: undefined }));
    const offline = evaluate(RULES, { environment: "prod", resources });
    const viaPack = POLICIES.flatMap((p) => {
      const rule = RULES.find((r) => r.id === p.name)!;
      if ("validateStack" in p) {
        const out = runStackPolicy(p, resources);
        return typeof out === "string" ? [] : out.map((v) => `${rule.id} ${v.message}`);
      }
      return resources.flatMap((r) => runResourcePolicy(p as ResourceValidationPolicy, r).map((m) => `${rule.id} ${m}`));
    });
    expect(viaPack).to.deep.equal(offline.violations.map((v) => `${v.rule} ${v.message}`));
    expect(offline.skipped.map((s) => s.rule)).to.deep.equal(["prod-retain-on-delete"]);
  });
});
