/**
 * Kinesis streams and the Lambda mappings that consume them. A stream mapping that fails a batch retries it
 * until the records expire, blocking the shard: bisect, bounded retries and age, a failure destination and
 * partial batch responses keep one poison record from stalling a train's telemetry.
 */
import { ResourceView } from "../graph";
import { resourceRule, Rule } from "../rule";
import { asArray, get, isAwsManagedKey, isUnknown, show } from "../values";
import { T } from "./types";

export const kinesisEncryption = resourceRule({
  id: "kinesis-encryption",
  level: "mandatory",
  description: "Every Kinesis stream is encrypted with a KMS key of the stack (not the AWS managed alias/aws/kinesis).",
  types: T.kinesisStream,
  check(stream) {
    const { encryptionType, kmsKeyId } = stream.inputs;
    if (encryptionType !== "KMS") return [`Kinesis stream ${stream.name} is not encrypted (encryptionType: ${show(encryptionType)})`];
    if (kmsKeyId === undefined) return [`Kinesis stream ${stream.name} has encryptionType KMS but no kmsKeyId`];
    return isAwsManagedKey(kmsKeyId) ? [`Kinesis stream ${stream.name} uses the AWS managed key ${show(kmsKeyId)}, not a key of the stack`] : [];
  },
});

/** Most retries a stream mapping may make before handing a batch to its failure destination. */
export const MAX_STREAM_RETRIES = 10;

function sourceArn(mapping: ResourceView): string {
  return typeof mapping.inputs.eventSourceArn === "string" ? mapping.inputs.eventSourceArn : "";
}

/** Kinesis or DynamoDB streams; when the ARN is not known yet, `startingPosition` (streams only) tells. */
function readsStream(mapping: ResourceView): boolean {
  const arn = sourceArn(mapping);
  if (isUnknown(arn) || arn === "") return mapping.inputs.startingPosition !== undefined;
  return /^arn:[^:]+:kinesis:/.test(arn) || /^arn:[^:]+:dynamodb:.*\/stream\//.test(arn);
}

function reportsItemFailures(mapping: ResourceView): boolean {
  return asArray(mapping.inputs.functionResponseTypes).includes("ReportBatchItemFailures");
}

export const streamMappingFailureHandling = resourceRule({
  id: "stream-mapping-failure-handling",
  level: "mandatory",
  description: `Every Kinesis/DynamoDB stream → Lambda mapping bisects failing batches, retries at most ${MAX_STREAM_RETRIES} times, bounds record age, has an on-failure destination and reports batch item failures.`,
  types: T.eventSourceMapping,
  check(mapping) {
    if (!readsStream(mapping)) return [];
    const i = mapping.inputs;
    const m = `event source mapping ${mapping.name}`;
    const problems: string[] = [];
    if (i.bisectBatchOnFunctionError !== true)
      problems.push(`${m} does not bisect failing batches (bisectBatchOnFunctionError: ${show(i.bisectBatchOnFunctionError)})`);
    const retries = i.maximumRetryAttempts;
    if (typeof retries !== "number" || retries < 0 || retries > MAX_STREAM_RETRIES) {
      problems.push(`${m} retries without a bound of ${MAX_STREAM_RETRIES} (maximumRetryAttempts: ${show(retries)})`);
    }
    const age = i.maximumRecordAgeInSeconds;
    if (typeof age !== "number" || age < 0) problems.push(`${m} retries records of any age (maximumRecordAgeInSeconds: ${show(age)})`);
    const destination = get(i, "destinationConfig.onFailure.destinationArn");
    if (destination === undefined || destination === "")
      problems.push(`${m} has no on-failure destination (destinationConfig.onFailure.destinationArn: unset)`);
    if (!reportsItemFailures(mapping)) problems.push(`${m} does not report batch item failures (functionResponseTypes: ${show(i.functionResponseTypes)})`);
    return problems;
  },
});

export const queueMappingPartialBatch = resourceRule({
  id: "queue-mapping-partial-batch",
  level: "advisory",
  description: "Every SQS → Lambda mapping reports batch item failures, so one bad message does not redeliver the whole batch.",
  types: T.eventSourceMapping,
  check(mapping) {
    if (!/^arn:[^:]+:sqs:/.test(sourceArn(mapping)) || reportsItemFailures(mapping)) return [];
    return [`event source mapping ${mapping.name} does not report batch item failures (functionResponseTypes: ${show(mapping.inputs.functionResponseTypes)})`];
  },
});

export const KINESIS_RULES: readonly Rule[] = [kinesisEncryption, streamMappingFailureHandling, queueMappingPartialBatch];
