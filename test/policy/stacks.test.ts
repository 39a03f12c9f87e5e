import { expect } from "chai";
import { viewOfSynthesis } from "../../cli/policy";
import { evaluate, PolicyReport } from "../../policy/evaluate";
import { ResourceView, StackView } from "../../policy/graph";
import { RULES } from "../../policy/ruleSet";
import { runProgram } from "../helpers/pulumiRecorder";

/** Both stacks' views, synthesized once (the recorder caches runs across test files). */
const views = new Map<string, StackView>();
async function view(stack: "dev" | "prod"): Promise<StackView> {
  if (!views.has(stack)) views.set(stack, await viewOfSynthesis(await runProgram(stack), stack));
  return views.get(stack)!;
}

function summary(report: PolicyReport): string[] {
  return report.violations.map((v) => `${v.level} ${v.rule} ${v.resource}: ${v.message}`);
}

/** `v` with the resource named `name` changed by `change` (undefined drops it). */
function mutate(v: StackView, name: string, change: (r: ResourceView) => ResourceView | undefined): StackView {
  expect(
    v.resources.some((r) => r.name === name),
    name,
  ).to.equal(true);
  return { ...v, resources: v.resources.flatMap((r) => (r.name === name ? [change(r)].filter((x): x is ResourceView => x !== undefined) : [r])) };
}
const withInputs =
  (patch: Record<string, unknown>) =>
  (r: ResourceView): ResourceView => ({ ...r, inputs: { ...r.inputs, ...patch } });

describe("policy on the gridrail stacks", function () {
  this.timeout(120_000);

  it("passes every rule on dev, prod-only rules skipped", async () => {
    const report = evaluate(RULES, await view("dev"));
    expect(summary(report)).to.deep.equal([]);
    expect(report.skipped.map((s) => s.rule)).to.deep.equal([
      "prod-alarms-have-actions",
      "prod-s3-replication",
      "prod-device-data-replicated",
      "prod-retain-on-delete",
      "prod-deletion-protection",
    ]);
    expect(report.rules).to.equal(RULES.length - 5);
  });

  it("passes every rule on prod", async () => {
    const report = evaluate(RULES, await view("prod"));
    expect(summary(report)).to.deep.equal([]);
    expect(report.skipped).to.deep.equal([]);
    expect(report.rules).to.equal(RULES.length);
  });

  describe("finds a weakened prod resource through the real graph's references", () => {
    const cases: [string, string, (r: ResourceView) => ResourceView | undefined, string[]][] = [
      [
        "meters-lake-encryption",
        "drop a bucket's SSE config",
        () => undefined,
        ["mandatory s3-encryption meters-lake-bucket: bucket meters-lake-bucket has no SSE-KMS encryption configuration"],
      ],
      [
        "meters-supplier-queue",
        "drop a queue's redrive policy",
        withInputs({ redrivePolicy: undefined }),
        [
          // The orphaned DLQ is then an ordinary queue without a DLQ of its own.
          "mandatory sqs-dead-letter-queue meters-supplier-dlq: queue meters-supplier-dlq has no dead-letter queue (redrivePolicy: unset)",
          "mandatory sqs-dead-letter-queue meters-supplier-queue: queue meters-supplier-queue has no dead-letter queue (redrivePolicy: unset)",
        ],
      ],
      [
        "trains-anomaly-esm",
        "stop bisecting",
        withInputs({ bisectBatchOnFunctionError: false }),
        [
          "mandatory stream-mapping-failure-handling trains-anomaly-esm: event source mapping trains-anomaly-esm does not bisect failing batches (bisectBatchOnFunctionError: false)",
        ],
      ],
      [
        "customers-profile-logs",
        "drop a function's log group",
        () => undefined,
        [
          "mandatory lambda-log-retention customers-profile-fn: Lambda function customers-profile-fn logs to /gridrail/prod/lambda/customers-profile, which is not a log group of this stack",
        ],
      ],
      [
        "sharing-warehouse-cluster",
        "detach the parameter group",
        withInputs({ clusterParameterGroupName: undefined }),
        [
          "mandatory redshift-require-ssl sharing-warehouse-cluster: Redshift cluster sharing-warehouse-cluster uses the default parameter group, where require_ssl is false",
          "mandatory redshift-audit-logging sharing-warehouse-cluster: Redshift cluster sharing-warehouse-cluster uses the default parameter group, where enable_user_activity_logging is false",
        ],
      ],
      [
        "trains-checkpoints",
        "stop retaining a table",
        (r) => ({ ...r, retainOnDelete: false }),
        ["mandatory prod-retain-on-delete trains-checkpoints: DynamoDB table trains-checkpoints is not retained on delete (retainOnDelete: false)"],
      ],
      [
        "sharing-dr-replication",
        "drop the shared data's replication",
        () => undefined,
        [
          "mandatory prod-device-data-replicated sharing-raw-bucket: bucket sharing-raw-bucket receives device data from Firehose sharing-share-delivery but is not replicated to another region",
        ],
      ],
      [
        "meters-dr-replication",
        "drop the meter lake's replication",
        () => undefined,
        [
          "mandatory prod-device-data-replicated meters-lake-bucket: bucket meters-lake-bucket receives device data from IoT rule meters-readings-rule but is not replicated to another region",
        ],
      ],
    ];
    for (const [name, what, change, expected] of cases) {
      it(`${what} (${name}): exactly the new violations`, async () => {
        const prod = await view("prod");
        const before = summary(evaluate(RULES, prod));
        expect(summary(evaluate(RULES, mutate(prod, name, change))).filter((s) => !before.includes(s))).to.deep.equal(expected);
      });
    }
  });
});
