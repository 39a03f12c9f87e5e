import type { SQSRecord } from "aws-lambda";
import { invalidKeyReport, invalidKeyReportKey } from "./invalidKeyReport";
import { isObjectGone } from "./objectStore";
import { ObjectStore, processObject } from "./processObject";
import { DEFAULT_SETTINGS, ParserSettings } from "./settings";

/**
 * The SQS batch the parser Lambda receives: each message carries an S3 event notification for one or
 * more uploaded objects. A message succeeds when every object in it was handled; a message whose
 * objects failed (S3 unreachable, say) is reported by id so SQS redelivers only it, and after the queue's
 * maxReceiveCount it lands in the dead-letter queue. An object that can never be parsed is not retried: a
 * key that is not `{YYYYMMDD}/{ClientID}.csv` (any case) or not URL-decodable, a removed object, or one gone
 * by the time it is read gets a report under `quarantine/_invalid-keys/`; a file over the size limit gets
 * its quarantine report saying so.
 */
/** What the parser reads of an SQS record. */
export type SqsRecord = Pick<SQSRecord, "messageId" | "body">;

export interface BatchOutcome {
  readonly batchItemFailures: { itemIdentifier: string }[];
  /** `unreported`: consumption readings of days no daily report reads the file for (ingest.ts). */
  readonly processed: { key: string; accepted: number; rejected: number; unreported: number; refused?: string }[];
  readonly invalidKeys: { key: string; reason: string }[];
}

/** One object of an S3 event: its key URL-decoded, or why it could not be. */
export interface EventObject {
  readonly bucket: string;
  /** The decoded key; the key as sent when it could not be decoded. */
  readonly key: string;
  readonly eventName?: string;
  readonly size?: number;
  /** The uploaded object's entity tag: which upload of the key the event is for. */
  readonly eTag?: string;
  /** Set when the object cannot be parsed whatever happens (bad escape, removal). */
  readonly unusable?: string;
  /** Set when the event record names no bucket or key: nothing to read, and nowhere to report it but the message. */
  readonly malformed?: string;
}

interface S3EventRecord {
  readonly eventName?: string;
  readonly s3?: { bucket?: { name?: string }; object?: { key?: string; size?: number; eTag?: string } };
}

/** The objects of one message; S3 URL-encodes keys in events ('+' for spaces). */
export function objectKeys(body: string): EventObject[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`message body is not an S3 event notification (not JSON: ${JSON.stringify(body.slice(0, 80))})`);
  }
  if (typeof parsed !== "object" || parsed === null) throw new Error(`message body is not an S3 event notification (${JSON.stringify(parsed)})`);
  const event = parsed as { Event?: string; Records?: S3EventRecord[] };
  if (event.Event === "s3:TestEvent") return [];
  if (!Array.isArray(event.Records)) throw new Error("message body is not an S3 event notification (no Records)");
  return event.Records.map((record: S3EventRecord | null, i) => {
    const r = record ?? {};
    const bucket = r.s3?.bucket?.name;
    const raw = r.s3?.object?.key;
    if (!bucket || typeof raw !== "string")
      return { bucket: bucket ?? "", key: String(raw ?? ""), malformed: `S3 event record ${i} has no bucket name or object key` };
    const size = typeof r.s3?.object?.size === "number" ? r.s3.object.size : undefined;
    const eTag = typeof r.s3?.object?.eTag === "string" && r.s3.object.eTag !== "" ? r.s3.object.eTag : undefined;
    const base = {
      bucket,
      ...(r.eventName === undefined ? {} : { eventName: r.eventName }),
      ...(size === undefined ? {} : { size }),
      ...(eTag === undefined ? {} : { eTag }),
    };
    let key: string;
    try {
      key = decodeURIComponent(raw.replace(/\+/g, " "));
    } catch {
      return { ...base, key: raw, unusable: `key ${JSON.stringify(raw)} is not URL-encoded (a malformed % escape)` };
    }
    if (r.eventName?.startsWith("ObjectRemoved")) return { ...base, key, unusable: `the object was removed (${r.eventName}): there is nothing to parse` };
    return { ...base, key };
  });
}

/** Why an object will never be parsed, or undefined when the error may pass (and the message is retried). */
function unusableReason(e: unknown, bucket: string, key: string): string | undefined {
  if (e instanceof Error && e.name === "KeyError") return e.message;
  if (isObjectGone(e)) return `s3://${bucket}/${key} no longer exists (${(e as Error).name}): it was deleted before it was read`;
  return undefined;
}

export async function processBatch(
  records: readonly SqsRecord[],
  storeFor: (uploadBucket: string) => ObjectStore,
  log: (entry: Record<string, unknown>) => void = () => {},
  settings: ParserSettings = DEFAULT_SETTINGS,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { batchItemFailures: [], processed: [], invalidKeys: [] };
  for (const record of records) {
    try {
      const objects = objectKeys(record.body);
      // a record naming no object does not hold up the others; the message is failed after them, so it
      // reaches the dead-letter queue (its good objects are parsed again on each delivery, to the same output)
      const malformed = objects.filter((o) => o.malformed !== undefined).map((o) => o.malformed as string);
      for (const obj of objects.filter((o) => o.malformed === undefined)) {
        const store = storeFor(obj.bucket);
        let reason = obj.unusable;
        if (reason === undefined) {
          try {
            const { result, refused, keptEarlier, superseded, supersededBy } = await processObject(store, obj.key, {
              size: obj.size,
              eTag: obj.eTag,
              ...settings,
            });
            if (superseded) {
              log(
                supersededBy === undefined || supersededBy === obj.key
                  ? { message: "supplier file replaced while it was parsed: its newer upload's event writes the output", key: obj.key, eTag: obj.eTag }
                  : {
                      message: "supplier file superseded by a newer upload under another spelling: its event writes the output",
                      key: obj.key,
                      newer: supersededBy,
                    },
              );
              continue;
            }
            outcome.processed.push({
              key: obj.key,
              accepted: result.accepted,
              rejected: result.rejected,
              unreported: result.unreported?.readings ?? 0,
              ...(refused ? { refused } : {}),
            });
            log({
              level: refused || result.rejected > 0 || result.unreported ? "WARN" : "INFO",
              message: refused ? "supplier file refused" : "supplier file processed",
              key: obj.key,
              layout: result.layout,
              rows: result.rows,
              accepted: result.accepted,
              rejected: result.rejected,
              ...(refused ? { reason: refused } : {}),
              ...(keptEarlier ? { earlierReadings: "kept" } : {}),
              ...(result.unreported ? { unreported: result.unreported } : {}),
              ...(result.notes ? { notes: result.notes.length } : {}),
            });
            continue;
          } catch (e) {
            reason = unusableReason(e, obj.bucket, obj.key);
            if (reason === undefined) throw e;
          }
        }
        const extra = obj.eventName === undefined ? {} : { eventName: obj.eventName };
        await store.put(invalidKeyReportKey(obj.key), invalidKeyReport(obj.key, reason, extra), "application/json");
        outcome.invalidKeys.push({ key: obj.key, reason });
        log({ level: "WARN", message: "supplier file key refused", key: obj.key, reason });
      }
      if (malformed.length > 0) throw new Error(malformed.join("; "));
    } catch (e) {
      outcome.batchItemFailures.push({ itemIdentifier: record.messageId });
      log({ level: "ERROR", message: "supplier message failed; SQS will redeliver it", messageId: record.messageId, error: (e as Error).message });
    }
  }
  return outcome;
}
