/** CloudTrail: the stack records who touched its data, in validated, KMS-encrypted log files. */
import { stackRule, Rule } from "../rule";
import { show } from "../values";
import { T } from "./types";

export const cloudtrailEnabled = stackRule({
  id: "cloudtrail-enabled",
  level: "mandatory",
  description: "The stack has a CloudTrail trail; every trail is logging, validates its log files and encrypts them with KMS.",
  check(graph) {
    const trails = graph.ofType(...T.trail);
    if (trails.length === 0) return [{ message: "the stack has no CloudTrail trail" }];
    return trails.flatMap((trail) => {
      const i = trail.inputs;
      const problems: string[] = [];
      if (i.enableLogging === false) problems.push(`CloudTrail trail ${trail.name} is not logging (enableLogging: false)`);
      if (i.enableLogFileValidation !== true)
        problems.push(`CloudTrail trail ${trail.name} does not validate log files (enableLogFileValidation: ${show(i.enableLogFileValidation)})`);
      if (i.kmsKeyId === undefined) problems.push(`CloudTrail trail ${trail.name} does not encrypt its logs with KMS (kmsKeyId: unset)`);
      return problems.map((message) => ({ resource: trail, message }));
    });
  },
});

export const CLOUDTRAIL_RULES: readonly Rule[] = [cloudtrailEnabled];
