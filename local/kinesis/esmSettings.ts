/**
 * The settings of a Kinesis → Lambda event source mapping that the local poller honours, and the mapping from
 * the program's own `streamConsumerDefaults` (infra/shared/defaults.ts) so `npm start` runs with the same
 * failure handling as the deployed stack. `parallelizationFactor` is accepted by the infra but the poller
 * always reads a shard with one concurrent batch (the program uses 1).
 */
import type { StreamConsumerSettings } from "../../infra/shared/defaults";

export interface EsmSettings {
  /** Records per invocation, 1..10000. */
  readonly batchSize: number;
  /** How long to gather records before invoking with fewer than batchSize, 0..300. */
  readonly maximumBatchingWindowInSeconds: number;
  /** On a function error, split the batch in two (does not count as a retry). */
  readonly bisectBatchOnFunctionError: boolean;
  /** -1 = until the record expires. */
  readonly maximumRetryAttempts: number;
  /** -1 = no limit. */
  readonly maximumRecordAgeInSeconds: number;
  /** ReportBatchItemFailures in functionResponseTypes. */
  readonly reportBatchItemFailures: boolean;
  readonly startingPosition: "TRIM_HORIZON" | "LATEST";
}

/** Lambda's own defaults for a Kinesis mapping (what you get when the mapping sets nothing). */
export const LAMBDA_KINESIS_DEFAULTS: EsmSettings = {
  batchSize: 100,
  maximumBatchingWindowInSeconds: 0,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeInSeconds: -1,
  reportBatchItemFailures: false,
  startingPosition: "LATEST",
};

/** The poller's settings for a stream consumer the program creates (it always sets ReportBatchItemFailures). */
export function esmSettingsOf(consumer: StreamConsumerSettings, startingPosition = consumer.startingPosition): EsmSettings {
  return validateEsmSettings({
    batchSize: consumer.batchSize,
    maximumBatchingWindowInSeconds: consumer.maximumBatchingWindowInSeconds,
    bisectBatchOnFunctionError: consumer.bisectBatchOnFunctionError,
    maximumRetryAttempts: consumer.maximumRetryAttempts,
    maximumRecordAgeInSeconds: consumer.maximumRecordAgeInSeconds,
    reportBatchItemFailures: true,
    startingPosition,
  });
}

/** Lambda's limits on each setting, with the error naming field and value. */
export function validateEsmSettings(s: EsmSettings): EsmSettings {
  const check = (field: keyof EsmSettings, ok: boolean, rule: string) => {
    if (!ok) throw new Error(`event source mapping ${field} ${JSON.stringify(s[field])} must be ${rule}`);
  };
  const int = (v: number) => Number.isInteger(v);
  check("batchSize", int(s.batchSize) && s.batchSize >= 1 && s.batchSize <= 10000, "a whole number 1-10000");
  check(
    "maximumBatchingWindowInSeconds",
    int(s.maximumBatchingWindowInSeconds) && s.maximumBatchingWindowInSeconds >= 0 && s.maximumBatchingWindowInSeconds <= 300,
    "a whole number 0-300",
  );
  check("maximumRetryAttempts", int(s.maximumRetryAttempts) && s.maximumRetryAttempts >= -1 && s.maximumRetryAttempts <= 10000, "-1 or a whole number 0-10000");
  check(
    "maximumRecordAgeInSeconds",
    int(s.maximumRecordAgeInSeconds) && (s.maximumRecordAgeInSeconds === -1 || (s.maximumRecordAgeInSeconds >= 60 && s.maximumRecordAgeInSeconds <= 604800)),
    "-1 or a whole number 60-604800",
  );
  return s;
}
