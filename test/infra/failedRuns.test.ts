import { expect } from "chai";
import { Synthesis } from "../../infra/synth/recorder";
import { FAILED_RUN_MAX_AGE_SECONDS, FAILED_RUN_RETRIES } from "../../infra/shared/schedule";
import { STACKS, ofType, one, outputOf, rolePolicy, runProgram, statement } from "../helpers/pulumiRecorder";

const T = {
  schedule: "aws:scheduler/schedule:Schedule",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  fn: "aws:lambda/function:Function",
  key: "aws:kms/key:Key",
};

/** Every scheduled function, the key of its component (which encrypts its dead-letter queue). */
const SCHEDULED = [
  { name: "meters-daily", key: "meters-key" },
  { name: "sharing-warehouse-loader", key: "sharing-key" },
  { name: "sharing-usage-summary", key: "sharing-key" },
];

for (const stack of STACKS) {
  describe(`failed scheduled runs (${stack})`, () => {
    let s: Synthesis;
    before(async () => {
      s = await runProgram(stack);
    });

    it("covers every function a schedule invokes, and no other", () => {
      const targeted = new Set(ofType(s, T.schedule).map((r) => (r.inputs.target as { arn: string }).arn));
      const arns = SCHEDULED.map(({ name }) => outputOf(s, T.fn, `${name}-fn`, "arn"));
      expect([...targeted].sort()).to.deep.equal([...arns].sort());
      expect(
        ofType(s, T.invokeConfig)
          .map((r) => r.inputs.functionName)
          .sort(),
      ).to.deep.equal(SCHEDULED.map(({ name }) => `${name}-fn`).sort());
    });

    for (const { name, key } of SCHEDULED) {
      it(`${name}: a run that fails after Lambda's ${FAILED_RUN_RETRIES} retries goes to its schedule's dead-letter queue`, () => {
        const dlq = `arn:aws:sqs:eu-west-1:123456789012:${name}-schedule-dlq`;
        expect(one(s, T.invokeConfig, `${name}-failed-runs`).inputs).to.deep.equal({
          functionName: `${name}-fn`,
          maximumRetryAttempts: 2,
          maximumEventAgeInSeconds: 21600,
          destinationConfig: { onFailure: { destination: dlq } },
        });
        expect([FAILED_RUN_RETRIES, FAILED_RUN_MAX_AGE_SECONDS]).to.deep.equal([2, 6 * 3600]);
        // the function's own policy lets it send: Lambda uses the execution role for destinations
        const policy = rolePolicy(s, name);
        expect([statement(policy, "SendFailedRuns"), statement(policy, "EncryptFailedRuns")]).to.deep.equal([
          { Sid: "SendFailedRuns", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: dlq },
          { Sid: "EncryptFailedRuns", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: [outputOf(s, T.key, key, "arn")] },
        ]);
        expect(one(s, T.rolePolicy, `${name}-policy`).inputs.role).to.equal(`${name}-role`);
      });
    }
  });
}
