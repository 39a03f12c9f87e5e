import { expect } from "chai";
import { AUTHORIZER_VARIABLES } from "../../functions/authorizer/variables";
import { DAILY_ANALYSIS_VARIABLES } from "../../functions/dailyAnalysis/variables";
import { FIREHOSE_TRANSFORM_VARIABLES } from "../../functions/firehoseTransform/variables";
import { PROFILE_API_VARIABLES } from "../../functions/profileApi/variables";
import { REPORT_URL_VARIABLES } from "../../functions/reportUrl/variables";
import { VariableNames } from "../../functions/shared/environment";
import { SUPPLIER_PARSER_VARIABLES } from "../../functions/supplierParser/variables";
import { TRAIN_ANOMALY_VARIABLES } from "../../functions/trainAnomaly/variables";
import { ofType, one, runProgram, STACKS } from "../helpers/pulumiRecorder";
import { PROVISIONING_HOOK_VARIABLES } from "../../functions/provisioningHook/variables";
import { REDSHIFT_LOADER_VARIABLES } from "../../functions/redshiftLoader/variables";
import { USAGE_SUMMARY_VARIABLES } from "../../functions/usageSummary/variables";

/** Each deployed function and the names its code reads (exported by the function itself). */
const DECLARED: Record<string, VariableNames> = {
  "customers-authorizer-fn": AUTHORIZER_VARIABLES,
  "customers-profile-fn": PROFILE_API_VARIABLES,
  "customers-report-url-fn": REPORT_URL_VARIABLES,
  "meters-daily-fn": DAILY_ANALYSIS_VARIABLES,
  "meters-provisioning-hook-fn": PROVISIONING_HOOK_VARIABLES,
  "trains-provisioning-hook-fn": PROVISIONING_HOOK_VARIABLES,
  "sharing-share-transform-fn": FIREHOSE_TRANSFORM_VARIABLES,
  "sharing-usage-summary-fn": USAGE_SUMMARY_VARIABLES,
  "sharing-warehouse-loader-fn": REDSHIFT_LOADER_VARIABLES,
  "meters-supplier-parser-fn": SUPPLIER_PARSER_VARIABLES,
  "trains-anomaly-fn": TRAIN_ANOMALY_VARIABLES,
};

describe("each function's environment is the one its code declares", () => {
  for (const stack of STACKS) {
    it(`${stack}: every required name is set, and nothing the code does not read`, async () => {
      const s = await runProgram(stack);
      // every function the program deploys declares what it reads
      expect(
        ofType(s, "aws:lambda/function:Function")
          .map((f) => f.name)
          .sort(),
      ).to.deep.equal(Object.keys(DECLARED).sort());
      for (const [name, declared] of Object.entries(DECLARED)) {
        const environment = one(s, "aws:lambda/function:Function", name).inputs.environment as { variables?: Record<string, unknown> } | undefined;
        const set = Object.keys(environment?.variables ?? {});
        expect(set, name).to.include.members([...declared.required]);
        expect([...declared.required, ...declared.optional], name).to.include.members(set);
      }
    });
  }
});
