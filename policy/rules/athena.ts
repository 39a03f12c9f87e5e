/** Athena: the workgroup's settings win over the client's, and query results are KMS-encrypted. */
import { resourceRule, Rule } from "../rule";
import { get, show } from "../values";
import { T } from "./types";

export const athenaWorkgroup = resourceRule({
  id: "athena-workgroup-enforced-encrypted",
  level: "mandatory",
  description: "Every Athena workgroup enforces its configuration and encrypts query results with KMS (SSE_KMS or CSE_KMS).",
  types: T.athenaWorkgroup,
  check(wg) {
    const problems: string[] = [];
    // enforceWorkgroupConfiguration defaults to true; only an explicit false lets clients override.
    const enforced = get(wg.inputs, "configuration.enforceWorkgroupConfiguration");
    if (enforced === false) problems.push(`Athena workgroup ${wg.name} lets clients override its settings (enforceWorkgroupConfiguration: false)`);
    const option = get(wg.inputs, "configuration.resultConfiguration.encryptionConfiguration.encryptionOption");
    if (option !== "SSE_KMS" && option !== "CSE_KMS")
      problems.push(`Athena workgroup ${wg.name} does not encrypt query results with KMS (encryptionOption: ${show(option)})`);
    return problems;
  },
});

export const ATHENA_RULES: readonly Rule[] = [athenaWorkgroup];
