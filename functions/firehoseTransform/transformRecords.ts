import { TextDecoder } from "util";
import { anomalyRows } from "./anomalyEvent";
import { RecordError } from "./errors";
import { show } from "./fields";
import type { FirehoseTransformationEventRecord, FirehoseTransformationResult, FirehoseTransformationResultRecord } from "aws-lambda";
import { checkEvent } from "./firehoseEvent";
import { meterRows } from "./meterReading";
import { READING_SOURCES, ReadingRow, rowLine } from "../shared/readingsTable";
import { telemetryRows } from "./trainTelemetry";

/**
 * Lambda's synchronous response limit is 6 MB and a Firehose transform answers synchronously. Telemetry grows
 * ~6x (one row per sensor) and base64 adds a third, so a full batch can overflow; we keep a margin below 6 MiB.
 */
export const MAX_RESPONSE_BYTES = 6_000_000;
export const OVERFLOW_REASON =
  "transformed rows would push the response past Firehose's 6 MB Lambda limit; the record is kept unchanged under the error prefix (re-send it)";

export interface RecordFailure {
  readonly recordId: string;
  readonly reason: string;
}

export interface TransformOutcome {
  readonly response: FirehoseTransformationResult;
  /** One per `ProcessingFailed` record: Firehose's error output has no reason field, so the handler logs these. */
  readonly failures: RecordFailure[];
  readonly rows: number;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The readings rows of one record's data; throws a RecordError naming the record, field and value. */
export function recordRows(record: FirehoseTransformationEventRecord): ReadingRow[] {
  const where = `record ${record.recordId}`;
  const fail = (text: string): never => {
    throw new RecordError(`${where}: ${text}`);
  };
  if (typeof record.data !== "string" || !BASE64.test(record.data)) fail("data is not base64");
  let text = "";
  try {
    text = utf8.decode(Buffer.from(record.data, "base64"));
  } catch {
    fail("data is not UTF-8 text");
  }
  // The IoT rule's Firehose action appends its "\n" separator to every message
  text = text.trim();
  if (text === "") fail("data is empty");
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    fail(`data is not JSON: ${show(text)}`);
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) fail(`message must be a JSON object, got ${show(message)}`);
  const fields = message as Record<string, unknown>;
  switch (fields.source) {
    case "meters":
      return meterRows(fields, where);
    case "trains":
      return telemetryRows(fields, where);
    case "anomalies":
      return anomalyRows(fields, where);
    default:
      return fail(`field "source" must be one of ${READING_SOURCES.join(", ")} (the IoT rule adds it), got ${show(fields.source)}`);
  }
}

function entryBytes(entry: FirehoseTransformationResultRecord): number {
  return Buffer.byteLength(JSON.stringify(entry)) + 1;
}

/**
 * Exactly one output per input record, in order: `Ok` with newline-terminated JSON lines, or `ProcessingFailed`
 * with the original data (Firehose writes it under `errors/processing-failed/`). Nothing is `Dropped`: every
 * message carries at least one value, so a record without rows is an error, never silently skipped.
 *
 * The size budget starts from every record in its failed form (the original data, never bigger than the
 * request Lambda accepted) and lets a record become `Ok` only while the total stays under `maxResponseBytes`;
 * records that would overflow fail with OVERFLOW_REASON instead of being dropped.
 */
export function transformEvent(event: unknown, maxResponseBytes = MAX_RESPONSE_BYTES): TransformOutcome {
  const { records } = checkEvent(event);
  const failed = records.map((r): FirehoseTransformationResultRecord => ({
    recordId: r.recordId,
    result: "ProcessingFailed",
    data: typeof r.data === "string" ? r.data : "",
  }));
  let used = Buffer.byteLength('{"records":[]}') + failed.reduce((sum, e) => sum + entryBytes(e), 0);
  const out: FirehoseTransformationResultRecord[] = [];
  const failures: RecordFailure[] = [];
  let rowCount = 0;
  records.forEach((record, i) => {
    let rows: ReadingRow[];
    try {
      rows = recordRows(record);
    } catch (e) {
      if (!(e instanceof RecordError)) throw e;
      out.push(failed[i]);
      failures.push({ recordId: record.recordId, reason: e.message });
      return;
    }
    const ok: FirehoseTransformationResultRecord = {
      recordId: record.recordId,
      result: "Ok",
      data: Buffer.from(rows.map(rowLine).join(""), "utf8").toString("base64"),
    };
    const grown = used - entryBytes(failed[i]) + entryBytes(ok);
    if (grown > maxResponseBytes) {
      out.push(failed[i]);
      failures.push({ recordId: record.recordId, reason: `record ${record.recordId}: ${OVERFLOW_REASON}` });
      return;
    }
    used = grown;
    rowCount += rows.length;
    out.push(ok);
  });
  return { response: { records: out }, failures, rows: rowCount };
}
