import { Detector, DetectorResult } from "../../anomaly";
import { EpisodeChange, EpisodeOptions, EpisodeTracker, TrackerState } from "./episodes";
import { RecordError, messageOf } from "./errors";
import { Telemetry } from "./telemetry";

/**
 * What makes a retried or re-published reading harmless. A train's records share a partition key, so they
 * reach one shard in order and a model only moves forward:
 * - a record at or below the last sequence number learned is a Lambda retry (or a bisected half): skipped;
 * - a new record whose reading time is one of the last RECENT learned is the agent re-publishing a message
 *   whose acknowledgement was lost: skipped. The idempotency key is (train, reading timestamp);
 * - any other reading at or before the watermark is late (a clock step, a bug): dead-lettered, never learned.
 */
export interface ReadingGuardState {
  /** Timestamp of the newest reading the model learned (null before the first). */
  readonly watermark: number | null;
  /** The last RECENT reading timestamps learned. */
  readonly recent: readonly number[];
  /** Kinesis sequence number of the newest record learned. */
  readonly lastSequenceNumber: string | null;
}

/** Everything besides the detector that a checkpoint must carry for an exact resume. */
export interface ModelSidecar {
  readonly guard: ReadingGuardState;
  readonly episodes: TrackerState;
}

export type ReadingOutcome =
  { readonly kind: "scored"; readonly result: DetectorResult; readonly changes: readonly EpisodeChange[] } | { readonly kind: "duplicate" };

const RECENT = 64;

/** Kinesis sequence numbers are decimal strings of up to 128 digits: compare by length, then by text. */
export function compareSequenceNumbers(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** One train's model of one sensor group: the detector, the duplicate guard and the episode tracker. */
export class TrainModel {
  private guard: ReadingGuardState;
  private readonly tracker: EpisodeTracker;

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
    const t = reading.timestamp;
    if (since !== null && compareSequenceNumbers(sequenceNumber, since) <= 0) return { kind: "duplicate" };
    if (watermark !== null && t <= watermark) {
      if (recent.includes(t)) return { kind: "duplicate" };
      throw new RecordError(
        "late",
        `record ${sequenceNumber}: reading of ${this.trainId} at ${new Date(t).toISOString()} is older than the newest one its ${this.group} model learned (${new Date(watermark).toISOString()}) and not one of the last ${RECENT} it learned`,
      );
    }
    const values = this.sensors.map((s) => reading.sensors[s]);
    let result: DetectorResult;
    try {
      result = this.detector.process({ timestamp: t, values });
    } catch (e) {
      if ((e as Error).name !== "InputError") throw e;
      throw new RecordError("detector", `record ${sequenceNumber}: the ${this.group} model of ${this.trainId} refused the reading: ${messageOf(e)}`);
    }
    const changes = this.tracker.observe(t, values, result);
    const highest = lastSequenceNumber !== null && compareSequenceNumbers(lastSequenceNumber, sequenceNumber) > 0 ? lastSequenceNumber : sequenceNumber;
    this.guard = { watermark: t, recent: [...recent.slice(-(RECENT - 1)), t], lastSequenceNumber: highest };
    return { kind: "scored", result, changes };
  }

  sidecar(): ModelSidecar {
    return { guard: this.guard, episodes: this.tracker.getState() };
  }
}
