import type { KinesisStreamBatchResponse } from "aws-lambda";
import { EventError } from "./errors";

/** One Kinesis record as the Lambda received it, its data decoded from base64. */
export interface IncomingRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** `shardId-…:<sequence number>` */
  readonly eventID?: string;
  readonly eventSourceARN?: string;
  /** Epoch ms the record reached Kinesis. */
  readonly arrivedAt?: number;
  /** The data as the event carried it (base64). */
  readonly base64: string;
  /** The decoded bytes; undefined when `base64` is not valid base64. */
  readonly data?: Buffer;
}

/** Node's decoder skips characters outside the alphabet; Kinesis never sends any, so they mean damage. */
function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

/**
 * Reads a Kinesis event (`{ Records: [{ kinesis: { data, sequenceNumber, partitionKey, … }, eventID, … }] }`).
 * A record without a sequence number cannot be acknowledged or retried on its own: the whole batch fails.
 */
export function decodeKinesisEvent(event: unknown): IncomingRecord[] {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) throw new EventError("not a Kinesis event: no Records array");
  return records.map((r: unknown, i: number) => {
    const rec = r as { kinesis?: Record<string, unknown>; eventID?: unknown; eventSourceARN?: unknown } | null;
    const k = rec?.kinesis;
    if (!k || typeof k.sequenceNumber !== "string" || !/^\d{1,128}$/.test(k.sequenceNumber)) {
      throw new EventError(`not a Kinesis event: Records[${i}] has no decimal kinesis.sequenceNumber`);
    }
    const base64 = typeof k.data === "string" ? k.data : "";
    const arrival = k.approximateArrivalTimestamp;
    return {
      sequenceNumber: k.sequenceNumber,
      partitionKey: typeof k.partitionKey === "string" ? k.partitionKey : "",
      eventID: typeof rec.eventID === "string" ? rec.eventID : undefined,
      eventSourceARN: typeof rec.eventSourceARN === "string" ? rec.eventSourceARN : undefined,
      arrivedAt: typeof arrival === "number" ? Math.round(arrival * 1000) : undefined,
      base64,
      data: isBase64(base64) ? Buffer.from(base64, "base64") : undefined,
    };
  });
}

/** Failed sequence numbers in stream order: Lambda resumes from the lowest, so order and duplicates are tidied. */
export function batchResponse(failed: Iterable<string>): KinesisStreamBatchResponse {
  const unique = [...new Set(failed)].sort((a, b) => {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return { batchItemFailures: unique.map((itemIdentifier) => ({ itemIdentifier })) };
}
