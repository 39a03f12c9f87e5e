/** KMS: customer managed keys rotate, and their policies grant no one outside the account. */
import { resourceRule, Rule } from "../rule";
import { accountOf, awsPrincipals, isAnyone, isTrue, show, statements } from "../values";
import { T } from "./types";

export const kmsKeyRotation = resourceRule({
  id: "kms-key-rotation",
  level: "mandatory",
  description: "Every symmetric KMS key has automatic rotation on (asymmetric and HMAC keys cannot rotate).",
  types: T.kmsKey,
  check(key) {
    const spec = key.inputs.customerMasterKeySpec ?? key.inputs.keySpec;
    if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") return [];
    return isTrue(key.inputs.enableKeyRotation) ? [] : [`KMS key ${key.name} does not rotate (enableKeyRotation: ${show(key.inputs.enableKeyRotation)})`];
  },
});

export const kmsKeyPolicyScoped = resourceRule({
  id: "kms-key-policy-scoped",
  level: "mandatory",
  description:
    "A key policy allows no one at large (principal `*` without a condition) and no AWS principal of an account other than the one it gives kms:* (its own).",
  types: T.kmsKey,
  check(key) {
    const all = statements(key.inputs.policy) ?? [];
    const allows = all.filter((s) => s.effect === "Allow");
    const aws = (s: (typeof all)[number]) => awsPrincipals(s.principal);
    const own = new Set(allows.filter((s) => s.actions.includes("kms:*")).flatMap((s) => aws(s).map(accountOf)));
    const out: string[] = [];
    for (const s of allows) {
      if (isAnyone(s.principal) && Object.keys(s.condition).length === 0)
        out.push(`KMS key ${key.name} policy statement ${s.id} allows ${s.actions.join(", ")} to anyone, with no condition`);
      for (const p of aws(s)) {
        const account = accountOf(p);
        if (account !== undefined && own.size > 0 && !own.has(account))
          out.push(`KMS key ${key.name} policy statement ${s.id} allows ${s.actions.join(", ")} to ${p}, outside the key's account`);
      }
    }
    return out;
  },
});

export const KMS_RULES: readonly Rule[] = [kmsKeyRotation, kmsKeyPolicyScoped];
