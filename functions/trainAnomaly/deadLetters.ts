import { RejectReason } from "./errors";
import { IncomingRecord } from "./kinesisEvent";

/** A record that can never be processed, with why: it goes to the queue, so nothing vanishes. */
export interface DeadLetter {
  readonly reason: RejectReason;
  /** The error's stable name (TelemetryError, RecordError). */
  readonly error: string;
  readonly message: string;
  readonly record: IncomingRecord;
}

/** Where dead letters go (SQS in the Lambda). */
export interface DeadLetterSink {
  /** Sends the letters; returns the sequence numbers of those that could not be sent, and why. */
  send(letters: readonly DeadLetter[]): Promise<{ unsent: string[]; errors: string[] }>;
}

/** Record data kept in a letter: SQS messages hold 256 KB, a batch of ten as much in total. */
export const MAX_LETTER_DATA_BYTES = 16 * 1024;

/** Characters of the error message kept in a letter, for the same reason. */
export const MAX_LETTER_MESSAGE_CHARS = 2000;

/** A message cut to `max` characters, saying how much was left out. */
export function cappedMessage(message: string, max = MAX_LETTER_MESSAGE_CHARS): string {
  return message.length <= max ? message : `${message.slice(0, max)}... (${message.length - max} more characters)`;
}

/**
 * The SQS message body. It shares the queue with the event source mapping's on-failure records, told apart by
 * `source`. The original data is there, base64 as Kinesis gave it, so a fixed record can be replayed.
 */
export function deadLetterBody(letter: DeadLetter, now: number): string {
  const r = letter.record;
  const data = Buffer.from(r.base64, "base64");
  const kept = data.length > MAX_LETTER_DATA_BYTES ? data.subarray(0, MAX_LETTER_DATA_BYTES) : data;
  return JSON.stringify({
    source: "gridrail.trainAnomaly",
    kind: "rejected-record",
    reason: letter.reason,
    error: letter.error,
    message: cappedMessage(letter.message),
    rejectedAt: new Date(now).toISOString(),
    record: {
      sequenceNumber: r.sequenceNumber,
      partitionKey: r.partitionKey,
      eventID: r.eventID,
      eventSourceARN: r.eventSourceARN,
      approximateArrivalTimestamp: r.arrivedAt === undefined ? undefined : r.arrivedAt / 1000,
      dataBytes: data.length,
      truncated: kept.length < data.length,
      data: kept.toString("base64"),
    },
  });
}
