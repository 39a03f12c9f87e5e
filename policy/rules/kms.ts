/** KMS: customer managed keys rotate. */
import { resourceRule, Rule } from "../rule";
import { isTrue, show } from "../values";
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

export const KMS_RULES: readonly Rule[] = [kmsKeyRotation];
