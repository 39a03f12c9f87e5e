/** Firehose: encrypted at rest and in the destination, delivery errors logged, undeliverable and pre-transform records kept. */
import { ResourceView } from "../graph";
import { resourceRule, Rule } from "../rule";
import { asArray, get, show } from "../values";
import { T } from "./types";

/** The destination block a stream uses: `extended_s3` → `extendedS3Configuration`, `http_endpoint` → `httpEndpointConfiguration`. */
function destinationKey(stream: ResourceView): string {
  const destination = String(stream.inputs.destination ?? "");
  return `${destination.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Configuration`;
}

function destination(stream: ResourceView): Record<string, unknown> {
  return (stream.inputs[destinationKey(stream)] ?? {}) as Record<string, unknown>;
}

export const firehoseEncryption = resourceRule({
  id: "firehose-encryption",
  level: "mandatory",
  description: "Every direct-put Firehose stream has server-side encryption on with a customer managed key, and S3 destinations write with a KMS key.",
  types: T.firehose,
  check(stream) {
    const problems: string[] = [];
    // A stream fed by Kinesis inherits the source stream's encryption; SSE applies to direct put only.
    const enabled = get(stream.inputs, "serverSideEncryption.enabled");
    if (stream.inputs.kinesisSourceConfiguration === undefined && enabled !== true) {
      problems.push(`Firehose ${stream.name} has no server-side encryption (serverSideEncryption.enabled: ${show(enabled)})`);
    } else if (stream.inputs.kinesisSourceConfiguration === undefined && get(stream.inputs, "serverSideEncryption.keyType") !== "CUSTOMER_MANAGED_CMK") {
      const keyType = get(stream.inputs, "serverSideEncryption.keyType");
      problems.push(`Firehose ${stream.name} encrypts with an AWS owned key (serverSideEncryption.keyType: ${show(keyType)}), not CUSTOMER_MANAGED_CMK`);
    }
    if (stream.inputs.destination === "extended_s3" && destination(stream).kmsKeyArn === undefined) {
      problems.push(`Firehose ${stream.name} writes to S3 without a KMS key (extendedS3Configuration.kmsKeyArn: unset)`);
    }
    return problems;
  },
});

export const firehoseLogging = resourceRule({
  id: "firehose-logging",
  level: "mandatory",
  description: "Every Firehose stream logs delivery errors to CloudWatch Logs.",
  types: T.firehose,
  check(stream) {
    const key = destinationKey(stream);
    const options = get(destination(stream), "cloudwatchLoggingOptions");
    if (get(options, "enabled") === true && get(options, "logGroupName") !== undefined) return [];
    return [`Firehose ${stream.name} does not log delivery errors (${key}.cloudwatchLoggingOptions.enabled: ${show(get(options, "enabled"))})`];
  },
});

export const firehoseBackup = resourceRule({
  id: "firehose-backup",
  level: "mandatory",
  description:
    "Every Firehose stream to S3 keeps records it cannot deliver under an errorOutputPrefix, and backs up the source records when a Lambda rewrites them.",
  types: T.firehose,
  check(stream) {
    if (stream.inputs.destination !== "extended_s3") return [];
    const config = destination(stream);
    const problems: string[] = [];
    if (config.errorOutputPrefix === undefined || config.errorOutputPrefix === "") {
      problems.push(`Firehose ${stream.name} has no errorOutputPrefix for records it cannot deliver`);
    }
    const transforms =
      get(config, "processingConfiguration.enabled") === true &&
      asArray(get(config, "processingConfiguration.processors")).some((p) => get(p, "type") === "Lambda");
    if (transforms && config.s3BackupMode !== "Enabled") {
      problems.push(
        `Firehose ${stream.name} transforms records with Lambda but does not back up the source records (s3BackupMode: ${show(config.s3BackupMode)})`,
      );
    }
    return problems;
  },
});

export const FIREHOSE_RULES: readonly Rule[] = [firehoseEncryption, firehoseLogging, firehoseBackup];
