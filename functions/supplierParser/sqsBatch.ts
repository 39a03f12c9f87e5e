import { ObjectStore, processObject } from "./processObject";

/**
 * The SQS batch the parser Lambda receives: each message carries an S3 event notification for one or
 * more uploaded objects. A message succeeds when every object in it was processed; a message whose
 * objects failed (S3 unreachable, say) is reported by id so SQS redelivers only it, and after the queue's
 * maxReceiveCount it lands in the dead-letter queue. A key that can never be processed (not
 * `{YYYYMMDD}/{ClientID}.csv`) is not retried: its reason is written under `quarantine/_invalid-keys/`.
 */
export interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
}

export interface BatchOutcome {
  readonly batchItemFailures: { itemIdentifier: string }[];
  readonly processed: { key: string; accepted: number; rejected: number }[];
  readonly invalidKeys: { key: string; reason: string }[];
}

interface S3EventRecord {
  readonly s3?: { bucket?: { name?: string }; object?: { key?: string } };
}

/** The upload keys of one message; S3 URL-encodes keys in events ('+' for spaces). */
export function objectKeys(body: string): { bucket: string; key: string }[] {
  const event = JSON.parse(body) as { Event?: string; Records?: S3EventRecord[] };
  if (event.Event === "s3:TestEvent") return [];
  if (!Array.isArray(event.Records)) throw new Error("message body is not an S3 event notification (no Records)");
  return event.Records.map((r, i) => {
    const bucket = r.s3?.bucket?.name;
    const key = r.s3?.object?.key;
    if (!bucket || key === undefined) throw new Error(`S3 event record ${i} has no bucket name or object key`);
    return { bucket, key: decodeURIComponent(key.replace(/\+/g, " ")) };
  });
}

export async function processBatch(
  records: readonly SqsRecord[],
  storeFor: (uploadBucket: string) => ObjectStore,
  log: (entry: Record<string, unknown>) => void = () => {},
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { batchItemFailures: [], processed: [], invalidKeys: [] };
  for (const record of records) {
    try {
      for (const { bucket, key } of objectKeys(record.body)) {
        const store = storeFor(bucket);
        try {
          const { result } = await processObject(store, key);
          outcome.processed.push({ key, accepted: result.accepted, rejected: result.rejected });
          log({ level: result.rejected > 0 ? "WARN" : "INFO", message: "supplier file processed", key, layout: result.layout, rows: result.rows, accepted: result.accepted, rejected: result.rejected });
        } catch (e) {
          if ((e as Error).name !== "KeyError") throw e;
          const reason = (e as Error).message;
          await store.put(`quarantine/_invalid-keys/${encodeURIComponent(key)}.json`, `${JSON.stringify({ file: key, reason }, null, 2)}\n`, "application/json");
          outcome.invalidKeys.push({ key, reason });
          log({ level: "WARN", message: "supplier file key refused", key, reason });
        }
      }
    } catch (e) {
      outcome.batchItemFailures.push({ itemIdentifier: record.messageId });
      log({ level: "ERROR", message: "supplier message failed; SQS will redeliver it", messageId: record.messageId, error: (e as Error).message });
    }
  }
  return outcome;
}
