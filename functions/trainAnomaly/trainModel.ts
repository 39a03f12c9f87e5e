import { Detector, DetectorResult } from "../../anomaly";
import { EpisodeChange, EpisodeOptions, EpisodeTracker, TrackerState } from "./episodes";
import { RecordError, messageOf } from "./errors";
import { FaultState, SensorFaultTracker } from "./sensorFaults";
import { Telemetry } from "./telemetry";

/**
 * What makes a retried or re-published reading harmless. A train's records share a partition key, so they
 * reach one shard in order and a model only moves forward:
 * - a record at or below the last sequence number learned is a Lambda retry (or a bisected half): skipped;
 * - a new record whose reading time is one of the last RECENT learned is the agent re-publishing a message
 *   whose acknowledgement was lost: skipped. The idempotency key is (train, reading timestamp); a record of
 *   such a time whose values differ from the ones learned is not a re-publication: dead-lettered (conflict);
 * - any other reading at or before the watermark is late (a clock step, a bug): dead-lettered, never learned.
 */
export interface ReadingGuardState {
  /** Timestamp of the newest reading the model learned (null before the first). */
  readonly watermark: number | null;
  /** The last RECENT reading timestamps learned. */
  readonly recent: readonly number[];
  /** Kinesis sequence number of the newest record learned. */
  readonly lastSequenceNumber: string | null;
  /**
   * A digest of the group's values of each of `recent`, in the same order ("" where unknown: a checkpoint saved
   * before digests were kept). Absent in such a checkpoint.
   */
  readonly digests?: readonly string[];
}

/**
 * FNV-1a over the values' bits: tells a re-published reading from a different one at the same time. The views
 * are made per call: Pulumi's function serialization would rebuild module-level views as separate arrays.
 */
export function valuesDigest(values: readonly number[]): string {
  const bits = new Float64Array(values);
  const words = new Uint32Array(bits.buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return (h >>> 0).toString(36);
}

/** Everything besides the detector that a checkpoint must carry for an exact resume. */
export interface ModelSidecar {
  readonly guard: ReadingGuardState;
  readonly episodes: TrackerState;
  /** Sensors of the group reading outside their bounds; absent in a checkpoint saved before they were followed. */
  readonly faults?: FaultState;
}

export type ReadingOutcome =
  { readonly kind: "scored"; readonly result: DetectorResult; readonly changes: readonly EpisodeChange[] } | { readonly kind: "duplicate" };

const RECENT = 64;

/** Kinesis sequence numbers are decimal strings of up to 128 digits: compare by length, then by text. */
export function compareSequenceNumbers(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * One train's model of one sensor group: the detector, the duplicate guard, the episode tracker and the sensor
 * fault tracker. A sensor of the group reading outside its bounds is unread (`DataPoint.unread`: the detector
 * scores the reading with its own estimate of it) and told of as a fault.
 */
export class TrainModel {
  private guard: ReadingGuardState;
  private readonly tracker: EpisodeTracker;
  private readonly faults: SensorFaultTracker;

  constructor(
    readonly trainId: string,
    readonly group: string,
    readonly sensors: readonly string[],
    readonly detector: Detector,
    readonly fingerprint: string,
    episodeOptions: EpisodeOptions,
    sidecar?: ModelSidecar,
  ) {
    this.guard = sidecar?.guard ?? { watermark: null, recent: [], lastSequenceNumber: null };
    this.tracker = new EpisodeTracker(group, sensors, episodeOptions, sidecar?.episodes);
    this.faults = new SensorFaultTracker(group, sensors, episodeOptions.settleAfter, sidecar?.faults);
  }

  get watermark(): number | null {
    return this.guard.watermark;
  }

  /** The highest Kinesis sequence number learned: a record at or below it was processed before. */
  get lastSequenceNumber(): string | null {
    return this.guard.lastSequenceNumber;
  }

  /**
   * Scores and learns a reading unless it was already learned (duplicate). A reading older than the
   * watermark that was never learned is late: a RecordError, the model untouched. `since`: the sequence number
   * at or below which a record is a duplicate, by default the highest learned; a batch taken in time order
   * rather than in sequence order passes the one its model had before the batch.
   */
  process(reading: Telemetry, sequenceNumber: string, since: string | null = this.guard.lastSequenceNumber): ReadingOutcome {
    const { watermark, recent, lastSequenceNumber } = this.guard;
    const digests = this.guard.digests ?? recent.map(() => "");
    const t = reading.timestamp;
    if (since !== null && compareSequenceNumbers(sequenceNumber, since) <= 0) return { kind: "duplicate" };
    const values = this.sensors.map((s) => reading.sensors[s]);
    const digest = valuesDigest(values);
    if (watermark !== null && t <= watermark) {
      const at = recent.lastIndexOf(t);
      if (at >= 0 && (digests[at] === "" || digests[at] === digest)) return { kind: "duplicate" };
      if (at >= 0) {
        throw new RecordError(
          "conflict",
          `record ${sequenceNumber}: reading of ${this.trainId} at ${new Date(t).toISOString()} has other ${this.group} values (${this.sensors.map((s, i) => `${s} ${values[i]}`).join(", ")}) than the one its model learned at that time: readings are told apart by train and time, so it is not learned`,
        );
      }
      throw new RecordError(
        "late",
        `record ${sequenceNumber}: reading of ${this.trainId} at ${new Date(t).toISOString()} is older than the newest one its ${this.group} model learned (${new Date(watermark).toISOString()}) and not one of the last ${RECENT} it learned`,
      );
    }
    const outside = reading.outOfBounds ?? {};
    // the group's sensors outside their bounds are unread; a reading with more than half of them outside was
    // refused before any model saw it (telemetry.ts tooManyOutside)
    const unread = this.sensors.flatMap((s, i) => (Object.hasOwn(outside, s) ? [i] : []));
    let result: DetectorResult;
    try {
      result = this.detector.process({ timestamp: t, values, ...(unread.length > 0 ? { unread } : {}) });
    } catch (e) {
      if ((e as Error).name !== "InputError") throw e;
      throw new RecordError("detector", `record ${sequenceNumber}: the ${this.group} model of ${this.trainId} refused the reading: ${messageOf(e)}`);
    }
    const changes = [...this.faults.observe(t, values, outside), ...this.tracker.observe(t, values, result)];
    const highest = lastSequenceNumber !== null && compareSequenceNumbers(lastSequenceNumber, sequenceNumber) > 0 ? lastSequenceNumber : sequenceNumber;
    this.guard = {
      watermark: t,
      recent: [...recent.slice(-(RECENT - 1)), t],
      lastSequenceNumber: highest,
      digests: [...digests.slice(-(RECENT - 1)), digest],
    };
    return { kind: "scored", result, changes };
  }

  sidecar(): ModelSidecar {
    const faults = this.faults.getState();
    return { guard: this.guard, episodes: this.tracker.getState(), ...(faults.open.length > 0 ? { faults } : {}) };
  }
}
