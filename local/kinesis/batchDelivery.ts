/**
 * What Lambda does with one batch read from a shard, separated from the polling so it can be tested alone:
 * - records older than maximumRecordAgeInSeconds are not delivered: they go to the on-failure destination
 *   (condition RecordAgeExceeded) and the shard moves on;
 * - a thrown error fails the whole batch; with bisectBatchOnFunctionError a batch of two or more is split in
 *   halves, first half first (a split is not a retry), otherwise it is retried;
 * - with ReportBatchItemFailures, `batchItemFailures` checkpoints before the lowest failed sequence number and
 *   only the records from it on are retried; an empty, unknown or malformed itemIdentifier or a malformed
 *   response fails the whole batch (retried as is, not bisected); an empty list, null or no response succeeds;
 * - after maximumRetryAttempts retries (-1: no limit) the (sub)batch goes to the destination (condition
 *   RetryAttemptsExhausted) with the shard, first and last sequence numbers and size, and the shard moves on.
 * Not reproduced: the 6 MB invocation payload limit, tumbling windows, the retry back-off AWS applies.
 */
import { randomUUID } from "crypto";
import { EsmSettings } from "./esmSettings";

export interface KinesisEventRecord {
  readonly kinesis: {
    readonly kinesisSchemaVersion: "1.0";
    readonly partitionKey: string;
    readonly sequenceNumber: string;
    readonly data: string;
    readonly approximateArrivalTimestamp: number;
  };
  readonly eventSource: "aws:kinesis";
  readonly eventVersion: "1.0";
  readonly eventID: string;
  readonly eventName: "aws:kinesis:record";
  readonly invokeIdentityArn: string;
  readonly awsRegion: string;
  readonly eventSourceARN: string;
}

export interface KinesisEvent {
  readonly Records: KinesisEventRecord[];
}

export type KinesisHandler = (event: KinesisEvent) => Promise<unknown>;

/** The JSON Lambda sends to an SQS/SNS on-failure destination for a Kinesis batch it gave up on. */
export interface KinesisFailureRecord {
  readonly requestContext: {
    requestId: string;
    functionArn: string;
    condition: "RetryAttemptsExhausted" | "RecordAgeExceeded";
    approximateInvokeCount: number;
  };
  readonly responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  readonly version: "1.0";
  readonly timestamp: string;
  readonly KinesisBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

export interface DeliveryStats {
  /** Handler calls. */
  invocations: number;
  /** Records the handler processed successfully. */
  delivered: number;
  /** Invocations that threw. */
  functionErrors: number;
  /** Invocations that reported failed items (or a malformed response). */
  partialFailures: number;
  /** Re-invocations of a failed (sub)batch. */
  retries: number;
  bisections: number;
  /** Records handed to the on-failure destination (exhausted retries or too old). */
  sentToDestination: number;
  /** Records given up on while stopping with unlimited retries (left for the next start, as an unprocessed shard). */
  abandoned: number;
}

export function emptyStats(): DeliveryStats {
  return { invocations: 0, delivered: 0, functionErrors: 0, partialFailures: 0, retries: 0, bisections: 0, sentToDestination: 0, abandoned: 0 };
}

export interface BatchContext {
  readonly settings: EsmSettings;
  readonly handler: KinesisHandler;
  readonly shardId: string;
  readonly streamArn: string;
  readonly functionArn: string;
  readonly onFailure?: (record: KinesisFailureRecord) => Promise<void> | void;
  readonly stats: DeliveryStats;
  readonly now: () => number;
  readonly retryDelayMs: number;
  /** True once the mapping is stopping: unlimited retries give up. */
  readonly stopping: () => boolean;
}

type Outcome = { ok: true } | { ok: false; from: number; error: boolean };

function outcomeOf(response: unknown, records: readonly KinesisEventRecord[], reportItems: boolean): Outcome {
  if (!reportItems || response === undefined || response === null) return { ok: true };
  if (typeof response !== "object" || Array.isArray(response)) return { ok: false, from: 0, error: false };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { ok: true };
  if (!Array.isArray(failures)) return { ok: false, from: 0, error: false };
  if (failures.length === 0) return { ok: true };
  let from = records.length;
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const i = typeof id === "string" && id !== "" ? records.findIndex((r) => r.kinesis.sequenceNumber === id) : -1;
    if (i < 0) return { ok: false, from: 0, error: false };
    from = Math.min(from, i);
  }
  return { ok: false, from, error: false };
}

const iso = (seconds: number) => new Date(Math.round(seconds * 1000)).toISOString();

async function toDestination(
  ctx: BatchContext,
  records: readonly KinesisEventRecord[],
  condition: KinesisFailureRecord["requestContext"]["condition"],
  invokeCount: number,
  functionError: boolean,
): Promise<void> {
  ctx.stats.sentToDestination += records.length;
  if (!ctx.onFailure) return;
  const first = records[0].kinesis;
  const last = records[records.length - 1].kinesis;
  await ctx.onFailure({
    requestContext: { requestId: randomUUID(), functionArn: ctx.functionArn, condition, approximateInvokeCount: invokeCount },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", ...(functionError ? { functionError: "Unhandled" } : {}) },
    version: "1.0",
    timestamp: new Date(ctx.now()).toISOString(),
    KinesisBatchInfo: {
      shardId: ctx.shardId,
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecord: iso(first.approximateArrivalTimestamp),
      approximateArrivalOfLastRecord: iso(last.approximateArrivalTimestamp),
      batchSize: records.length,
      streamArn: ctx.streamArn,
    },
  });
}

/**
 * Delivers one batch with Lambda's retry, bisect, partial-failure and destination semantics; resolves true when
 * the shard may move on, false when it gave up on unlimited retries because the mapping is stopping.
 */
export async function deliverBatch(ctx: BatchContext, batch: readonly KinesisEventRecord[]): Promise<boolean> {
  const { settings, stats } = ctx;
  const work: { records: readonly KinesisEventRecord[]; retries: number }[] = [{ records: batch, retries: 0 }];
  while (work.length > 0) {
    const item = work.shift()!;
    let records = item.records;
    if (settings.maximumRecordAgeInSeconds >= 0) {
      const limit = ctx.now() / 1000 - settings.maximumRecordAgeInSeconds;
      const old = records.filter((r) => r.kinesis.approximateArrivalTimestamp < limit);
      if (old.length > 0) {
        await toDestination(ctx, old, "RecordAgeExceeded", item.retries, false);
        records = records.filter((r) => r.kinesis.approximateArrivalTimestamp >= limit);
      }
      if (records.length === 0) continue;
    }
    stats.invocations++;
    let outcome: Outcome;
    try {
      outcome = outcomeOf(await ctx.handler({ Records: records.map((r) => ({ ...r, kinesis: { ...r.kinesis } })) }), records, settings.reportBatchItemFailures);
    } catch {
      stats.functionErrors++;
      outcome = { ok: false, from: 0, error: true };
    }
    if (outcome.ok) {
      stats.delivered += records.length;
      continue;
    }
    if (!outcome.error) stats.partialFailures++;
    stats.delivered += outcome.from;
    const failed = records.slice(outcome.from);
    if (outcome.error && settings.bisectBatchOnFunctionError && failed.length > 1) {
      const half = Math.ceil(failed.length / 2);
      stats.bisections++;
      work.unshift({ records: failed.slice(0, half), retries: item.retries }, { records: failed.slice(half), retries: item.retries });
      continue;
    }
    const unlimited = settings.maximumRetryAttempts < 0;
    if (unlimited && ctx.stopping()) {
      stats.abandoned += failed.length + work.reduce((n, w) => n + w.records.length, 0);
      return false;
    }
    if (unlimited || item.retries < settings.maximumRetryAttempts) {
      stats.retries++;
      if (ctx.retryDelayMs > 0) await new Promise((r) => setTimeout(r, ctx.retryDelayMs));
      work.unshift({ records: failed, retries: item.retries + 1 });
      continue;
    }
    await toDestination(ctx, failed, "RetryAttemptsExhausted", item.retries + 1, outcome.error);
  }
  return true;
}
