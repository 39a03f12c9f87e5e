import { ClockError } from "./errors";

/** How far a reading's own time may be from the time its record reached the cloud. */
export interface ClockLimits {
  /** Seconds a reading may be dated after its arrival: clocks drift, and NTP corrects them in steps. */
  readonly maxClockAheadSeconds: number;
  /** Seconds a reading may be dated before its arrival: a train buffers while offline and sends on reconnect. */
  readonly maxReadingAgeSeconds: number;
}

/** The cloud's own time for a record: Kinesis' arrival, else IoT Core's receipt (the rule's `receivedAt`). */
export interface Arrival {
  readonly at: number;
  readonly source: "Kinesis" | "IoT Core";
}

export function arrivalOf(kinesisArrival: number | undefined, receivedAt: number | undefined): Arrival | undefined {
  if (kinesisArrival !== undefined) return { at: kinesisArrival, source: "Kinesis" };
  if (receivedAt !== undefined) return { at: receivedAt, source: "IoT Core" };
  return undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Throws a ClockError when `timestamp` is more than the allowed skew after `arrival`, or older than the
 * allowed age. Without an arrival (an offline replay) there is nothing to compare with: the reading passes.
 */
export function checkReadingTime(timestamp: number, arrival: Arrival | undefined, limits: ClockLimits, where: string): void {
  if (arrival === undefined) return;
  const ahead = timestamp - arrival.at;
  const arrived = `the record reached ${arrival.source} at ${iso(arrival.at)}`;
  if (ahead > limits.maxClockAheadSeconds * 1000) {
    throw new ClockError(
      `${where}: field "timestamp" is ${iso(timestamp)}, ${Math.round(ahead / 1000)} s after ${arrived}; at most ${limits.maxClockAheadSeconds} s ahead is accepted (the train's clock is wrong)`,
    );
  }
  if (-ahead > limits.maxReadingAgeSeconds * 1000) {
    throw new ClockError(
      `${where}: field "timestamp" is ${iso(timestamp)}, ${Math.round(-ahead / 1000)} s before ${arrived}; readings at most ${limits.maxReadingAgeSeconds} s old are accepted`,
    );
  }
}
