/**
 * Firehose data-transformation events, built the way Firehose builds them for a Lambda processor: data
 * base64-encoded, record ids that share the invocation's prefix, arrival times in epoch milliseconds.
 */
import type { FirehoseTransformationEvent } from "aws-lambda";

export const DELIVERY_STREAM_ARN = "arn:aws:firehose:eu-west-1:123456789012:deliverystream/sharing-share-delivery";

export interface FirehoseRecordInput {
  /** An object is sent as the IoT rule's Firehose action sends it: JSON plus the "\n" separator; a string as is. */
  readonly data: unknown;
  /** Overrides the base64 text (to send damaged data). */
  readonly base64?: string;
  readonly recordId?: string;
}

/** The n-th record id of an invocation (Firehose's ids are long digit strings). */
export function recordId(n: number): string {
  return `49654321000000000000000000000000000000000000000${String(n).padStart(6, "0")}0000`;
}

function dataBytes(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === "string") return Buffer.from(data, "utf8");
  return Buffer.from(`${JSON.stringify(data)}\n`, "utf8");
}

export function firehoseEvent(records: readonly FirehoseRecordInput[], arrivedAt = Date.UTC(2026, 10, 21, 10, 30)): FirehoseTransformationEvent {
  return {
    invocationId: "5c1a0bd4-7d8e-4a53-9c8b-0b1f6a3e2d11",
    deliveryStreamArn: DELIVERY_STREAM_ARN,
    region: "eu-west-1",
    records: records.map((r, i) => ({
      recordId: r.recordId ?? recordId(i),
      approximateArrivalTimestamp: arrivedAt + i * 10,
      data: r.base64 ?? dataBytes(r.data).toString("base64"),
    })),
  };
}

/** What the sharing IoT rule sends: `SELECT *, '<source>' AS source, topic(2) AS deviceId, timestamp() AS receivedAt`. */
export function shared(
  source: string,
  deviceId: string,
  message: Record<string, unknown>,
  receivedAt = Date.UTC(2026, 10, 21, 10, 30, 1),
): Record<string, unknown> {
  return { ...message, source, deviceId, receivedAt };
}

/** The JSON lines of an `Ok` output record. */
export function decodeLines(data: string): unknown[] {
  const text = Buffer.from(data, "base64").toString("utf8");
  if (!text.endsWith("\n")) throw new Error(`output data is not newline-terminated: ${JSON.stringify(text.slice(-20))}`);
  return text
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line));
}
