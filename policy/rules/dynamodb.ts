/** DynamoDB: point-in-time recovery and a KMS key. */
import { resourceRule, Rule } from "../rule";
import { get, isAwsManagedKey, show } from "../values";
import { T } from "./types";

export const dynamodbPitr = resourceRule({
  id: "dynamodb-pitr",
  level: "mandatory",
  description: "Every DynamoDB table has point-in-time recovery.",
  types: T.table,
  check(table) {
    const enabled = get(table.inputs, "pointInTimeRecovery.enabled");
    return enabled === true ? [] : [`DynamoDB table ${table.name} has no point-in-time recovery (pointInTimeRecovery.enabled: ${show(enabled)})`];
  },
});

export const dynamodbEncryption = resourceRule({
  id: "dynamodb-encryption",
  level: "mandatory",
  description: "Every DynamoDB table is encrypted with a KMS key, not only the AWS owned default key.",
  types: T.table,
  check(table) {
    const enabled = get(table.inputs, "serverSideEncryption.enabled");
    if (enabled !== true) return [`DynamoDB table ${table.name} is not encrypted with KMS (serverSideEncryption.enabled: ${show(enabled)})`];
    const key = get(table.inputs, "serverSideEncryption.kmsKeyArn");
    return key === undefined || isAwsManagedKey(key)
      ? [`DynamoDB table ${table.name} uses the AWS managed key (serverSideEncryption.kmsKeyArn: ${show(key)}), not a key of the stack`]
      : [];
  },
});

export const DYNAMODB_RULES: readonly Rule[] = [dynamodbPitr, dynamodbEncryption];
