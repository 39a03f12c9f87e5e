/**
 * Secure defaults shared by every component. Builders apply these; a component may override a field, and an
 * override that weakens security is logged as a warning by `overrideDefaults`.
 */
import * as pulumi from "@pulumi/pulumi";

export const bucketDefaults = {
  /** Objects stay recoverable after overwrite/delete. */
  versioning: true,
  /** Days a non-current version is kept. */
  noncurrentVersionExpirationDays: 90,
  /** Days before incomplete multipart uploads are aborted (they are billed but invisible). */
  abortIncompleteMultipartUploadDays: 7,
  /** S3 Bucket Keys cut KMS request costs by ~99% for SSE-KMS buckets. */
  bucketKeyEnabled: true,
} as const;

export const kmsDefaults = {
  enableKeyRotation: true,
  rotationPeriodInDays: 365,
  deletionWindowInDays: 30,
} as const;

export const lambdaDefaults = {
  runtime: "nodejs22.x",
  architectures: ["arm64"],
  memorySize: 256,
  timeout: 30,
  tracingMode: "Active",
  logFormat: "JSON",
} as const;

export const queueDefaults = {
  /** Retention of the dead-letter queues: the maximum, so failures can be inspected after a holiday. */
  dlqMessageRetentionSeconds: 1209600,
  messageRetentionSeconds: 345600,
  maxReceiveCount: 5,
} as const;

export interface StreamConsumerSettings {
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly maximumRetryAttempts: number;
  readonly maximumRecordAgeInSeconds: number;
  readonly parallelizationFactor: number;
  readonly startingPosition: "LATEST" | "TRIM_HORIZON";
}

/** Kinesis → Lambda failure handling (see streamConsumer.ts for why each value). */
export const streamConsumerDefaults: StreamConsumerSettings = {
  batchSize: 100,
  maximumBatchingWindowInSeconds: 1,
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 3,
  maximumRecordAgeInSeconds: 3600,
  parallelizationFactor: 1,
  startingPosition: "LATEST",
};

export const alarmDefaults = {
  periodSeconds: 60,
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
  treatMissingData: "notBreaching",
} as const;

export const observabilityDefaults = {
  /**
   * Base of the functions' EMF outcome metrics' namespace (functions/shared/observability.ts METRIC_NAMESPACE);
   * a stack's functions publish under `stackMetricNamespace`.
   */
  metricNamespace: "gridrail",
  /** Period of the outcome alarms: one breaching period alarms. */
  outcomeAlarmPeriodSeconds: 300,
  /** Supplier rows rejected per hour above which someone should look at the supplier's files. */
  rejectedRowsPerHour: 500,
  /** Authorizer denials per 5 minutes above which someone is guessing tokens or a client is broken. */
  deniedRequestsPer5Minutes: 100,
  /** Customer API requests the stage's throttle refuses (429) per 5 minutes above which the limits or a client need a look. */
  throttledRequestsPer5Minutes: 20,
  /**
   * Age of a Firehose stream's oldest undelivered record above which delivery is failing: AWS advises alarming
   * above the buffering limit (15 minutes at most); the streams buffer 300 s, and even a stream with dynamic
   * partitioning (a record may wait 1.5 intervals there) stays below it.
   */
  deliveryFreshnessSeconds: 900,
} as const;

/** Fields whose override weakens security; overriding them is allowed but warned about. */
const SECURITY_FIELDS = new Set(["versioning", "enableKeyRotation", "bisectBatchOnFunctionError", "tracingMode", "bucketKeyEnabled"]);

/** Merges overrides into defaults, warning (once per field) when a security-relevant default is changed. */
export function overrideDefaults<T extends object>(defaults: T, overrides: Partial<T> | undefined, who: string): T {
  if (!overrides) return defaults;
  for (const [k, v] of Object.entries(overrides)) {
    if (v !== undefined && SECURITY_FIELDS.has(k) && (defaults as Record<string, unknown>)[k] !== v) {
      void pulumi.log.warn(`${who}: overriding security default ${k}=${String((defaults as Record<string, unknown>)[k])} with ${String(v)}`);
    }
  }
  return { ...defaults, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
}

export const provisioningDefaults = {
  /** Provisioning comes in rollout bursts; IoT Core retries nothing, so a few concurrent hooks are plenty. */
  hookReservedConcurrency: 5,
  hookMemorySize: 256,
  hookTimeoutSeconds: 5,
  /** IoT Core's pre-provisioning hook payload version (the only one). */
  hookPayloadVersion: "2020-04-01",
} as const;

/**
 * The namespace a stack's functions publish their outcome metrics under (`gridrail/<stack>`, set as each
 * function's METRIC_NAMESPACE), and its alarms and dashboards read: two stacks in one account stay apart.
 */
export function stackMetricNamespace(stack: string, base: string = observabilityDefaults.metricNamespace): string {
  return `${base}/${stack}`;
}
