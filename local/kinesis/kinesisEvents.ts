/**
 * Kinesis events for Lambda, built the way AWS builds them: data base64-encoded, 56-digit sequence numbers that
 * grow along the shard, `eventID` = `<shard id>:<sequence number>`, arrival time in seconds with milliseconds.
 */
import { KinesisEvent, KinesisEventRecord } from "./batchDelivery";

export type { KinesisEvent, KinesisEventRecord };

export interface KinesisRecordInput {
  /** An object is sent as JSON, a string as is (UTF-8), a Buffer byte for byte. */
  readonly data: unknown;
  readonly partitionKey: string;
  /** Overrides the generated sequence number. */
  readonly sequenceNumber?: string;
  /** Overrides the base64 text (to send damaged data). */
  readonly base64?: string;
}

export const STREAM_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/trains-stream";
export const SHARD_ID = "shardId-000000000000";
/** The first sequence number the factories hand out (a real one's shape: 56 digits). */
export const FIRST_SEQUENCE = 49590338271490256608559692538361571095921575989136588898n;

/** The n-th sequence number of the shard (n from 0). */
export function sequenceNumber(n: number): string {
  return (FIRST_SEQUENCE + BigInt(n) * 1000n).toString();
}

function dataBytes(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === "string") return Buffer.from(data, "utf8");
  return Buffer.from(JSON.stringify(data), "utf8");
}

/** Default arrival of a fixture event's first record. */
export const ARRIVED = Date.UTC(2020, 1, 3);

/**
 * A Kinesis event of `records`; sequence numbers continue from `firstIndex` (use it for the next batch of the
 * same shard). Arrival times are 10 ms apart from `arrivedAt` (epoch ms); the default, two days after the
 * simulated trains' first reading (2020-02-01), is after every fixture reading and well within the week a
 * reading may wait in a train's outbox.
 */
export function kinesisEvent(records: readonly KinesisRecordInput[], firstIndex = 0, arrivedAt = ARRIVED): KinesisEvent {
  return {
    Records: records.map((r, i) => {
      const seq = r.sequenceNumber ?? sequenceNumber(firstIndex + i);
      return {
        kinesis: {
          kinesisSchemaVersion: "1.0",
          partitionKey: r.partitionKey,
          sequenceNumber: seq,
          data: r.base64 ?? dataBytes(r.data).toString("base64"),
          approximateArrivalTimestamp: (arrivedAt + i * 10) / 1000,
        },
        eventSource: "aws:kinesis",
        eventVersion: "1.0",
        eventID: `${SHARD_ID}:${seq}`,
        eventName: "aws:kinesis:record",
        invokeIdentityArn: "arn:aws:iam::123456789012:role/trains-anomaly-role",
        awsRegion: "eu-west-1",
        eventSourceARN: STREAM_ARN,
      };
    }),
  };
}

/** What the IoT rule puts on the stream for a train's message: `SELECT *, topic(2) AS trainId, timestamp() AS receivedAt`. */
export function ruleOutput(message: Record<string, unknown>, thingName: string, receivedAt: number): Record<string, unknown> {
  return { ...message, trainId: thingName, receivedAt };
}
