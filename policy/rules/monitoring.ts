/** CloudWatch Logs and SNS: what the stack logs and the alerts it sends are encrypted with its own KMS keys. */
import { resourceRule, Rule } from "../rule";
import { stackKeyProblem } from "../values";
import { T } from "./types";

export const logsEncryption = resourceRule({
  id: "logs-encryption",
  level: "mandatory",
  description: "Every CloudWatch log group is encrypted with a KMS key of the stack (kmsKeyId); logs carry device ids, paths and errors.",
  types: T.logGroup,
  check(group) {
    return stackKeyProblem(`log group ${group.name}`, "kmsKeyId", group.inputs.kmsKeyId);
  },
});

export const snsEncryption = resourceRule({
  id: "sns-encryption",
  level: "mandatory",
  description: "Every SNS topic is encrypted with a KMS key of the stack (not the AWS managed alias/aws/sns, whose policy CloudWatch alarms cannot use).",
  types: T.snsTopic,
  check(topic) {
    return stackKeyProblem(`SNS topic ${topic.name}`, "kmsMasterKeyId", topic.inputs.kmsMasterKeyId);
  },
});

export const MONITORING_RULES: readonly Rule[] = [logsEncryption, snsEncryption];
