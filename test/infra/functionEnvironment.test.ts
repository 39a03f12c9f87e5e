import { expect } from "chai";
import { DAILY_ANALYSIS_VARIABLES } from "../../functions/dailyAnalysis/variables";
import { VariableNames } from "../../functions/shared/environment";
import { SUPPLIER_PARSER_VARIABLES } from "../../functions/supplierParser/variables";
import { TRAIN_ANOMALY_VARIABLES } from "../../functions/trainAnomaly/variables";
import { one, runProgram, STACKS } from "../helpers/pulumiRecorder";

/** Each deployed function and the names its code reads (exported by the function itself). */
const DECLARED: Record<string, VariableNames> = {
  "meters-daily-fn": DAILY_ANALYSIS_VARIABLES,
  "meters-supplier-parser-fn": SUPPLIER_PARSER_VARIABLES,
  "trains-anomaly-fn": TRAIN_ANOMALY_VARIABLES,
};

describe("each function's environment is the one its code declares", () => {
  for (const stack of STACKS) {
    it(`${stack}: every required name is set, and nothing the code does not read`, async () => {
      const s = await runProgram(stack);
      for (const [name, declared] of Object.entries(DECLARED)) {
        const environment = one(s, "aws:lambda/function:Function", name).inputs.environment as { variables?: Record<string, unknown> } | undefined;
        const set = Object.keys(environment?.variables ?? {});
        expect(set, name).to.include.members([...declared.required]);
        expect([...declared.required, ...declared.optional], name).to.include.members(set);
      }
    });
  }
});
