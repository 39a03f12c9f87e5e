import { RejectReason } from "./errors";

/** An anomalous reading, for the log line the dashboard's "Latest anomalies" table reads. */
export interface AnomalyNote {
  readonly trainId: string;
  readonly group: string;
  readonly timestamp: number;
  readonly score: number;
  readonly grade: number;
  readonly sensors: readonly string[];
}

export interface EpisodeNote {
  readonly trainId: string;
  readonly kind: "opened" | "updated" | "cleared";
  readonly id: string;
  readonly message: string;
  /** A sensor outside its bounds (sensorFaults.ts), not an anomaly. */
  readonly fault?: boolean;
}

/** What one batch did: the handler turns it into logs and metrics; tests and the bench read it directly. */
export interface BatchReport {
  readonly records: number;
  /** Records scored by at least one model. */
  scored: number;
  /** Of `scored`, records a model scored with its estimate of a sensor outside its bounds (DataPoint.unread). */
  partial: number;
  /** Records every model had already learned (retries, re-published messages). */
  duplicates: number;
  /** Records sent (or to be sent) to the dead-letter queue, by reason. */
  readonly rejected: Record<RejectReason, number>;
  /**
   * Each dead letter sent: which record, whose and why. `trainId` is the record's partition key, which the IoT
   * rule sets to the train's own topic segment (the device policy lets a train publish only there).
   */
  readonly rejections: { readonly sequenceNumber: string; readonly trainId: string; readonly reason: RejectReason; readonly message: string }[];
  /** Records reported as batch item failures (retried by Lambda). */
  failed: number;
  trains: number;
  /** Models restored from a checkpoint, created afresh, or restarted because the settings changed. */
  restored: number;
  created: number;
  resets: number;
  /** Cached models another environment had saved past since (reloaded from their checkpoint before scoring). */
  staleModels: number;
  restoreMs: number;
  scoreMs: number;
  /** Bytes of each checkpoint written. */
  readonly checkpointBytes: number[];
  checkpointConflicts: number;
  shadowUpdates: number;
  shadowConflicts: number;
  /** Shadow entries left out to keep a shadow within its bounds (shadowPublisher.ts), with their train. */
  readonly evicted: { readonly trainId: string; readonly id: string; readonly status: string; readonly message: string; readonly wasInShadow: boolean }[];
  readonly anomalies: AnomalyNote[];
  readonly episodes: EpisodeNote[];
  /** Highest score per train in this batch (trains whose models were ready). */
  readonly maxScore: Record<string, number>;
  /** Problems that made records fail, one line each. */
  readonly errors: string[];
  durationMs: number;
  /** Age of the oldest record when the batch finished (now - its arrival in Kinesis). */
  maxRecordAgeMs: number;
}

export function emptyReport(records: number): BatchReport {
  return {
    records,
    scored: 0,
    partial: 0,
    duplicates: 0,
    rejected: { decode: 0, schema: 0, clock: 0, late: 0, conflict: 0, detector: 0 },
    rejections: [],
    failed: 0,
    trains: 0,
    restored: 0,
    created: 0,
    resets: 0,
    staleModels: 0,
    restoreMs: 0,
    scoreMs: 0,
    checkpointBytes: [],
    checkpointConflicts: 0,
    shadowUpdates: 0,
    shadowConflicts: 0,
    evicted: [],
    anomalies: [],
    episodes: [],
    maxScore: {},
    errors: [],
    durationMs: 0,
    maxRecordAgeMs: 0,
  };
}
