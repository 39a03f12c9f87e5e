/**
 * What the local stack tells the live web view, and the snapshot a browser receives first when it connects.
 * Times are epoch milliseconds. The orchestrator (`npm start`) publishes these; the page draws them.
 */
export interface HelloEvent {
  readonly type: "hello";
  readonly startedAt: number;
  /** Planned run length in seconds, or null when the run lasts until stopped. */
  readonly durationS: number | null;
  readonly trains: readonly string[];
  readonly meters: readonly string[];
  /** Sensor names to plot, e.g. Reservoirs, Motor_current, Oil_temperature. */
  readonly sensors: readonly string[];
}

export interface TrainReading {
  readonly trainId: string;
  /** Reading time (the train's clock). */
  readonly t: number;
  /** The plotted sensors only. */
  readonly values: Readonly<Record<string, number>>;
  /** Anomaly score 0..1, null while the forest warms up. */
  readonly score: number | null;
}

export interface ReadingsEvent {
  readonly type: "readings";
  readonly items: readonly TrainReading[];
}

export type AlertState = "open" | "updated" | "cleared";

export interface AlertEvent {
  readonly type: "alert";
  readonly trainId: string;
  readonly episodeId: string;
  readonly state: AlertState;
  readonly t: number;
  readonly message: string;
  readonly sensors: readonly string[];
}

/** The train confirmed it read the anomaly from its shadow (offlineDelivery: it read it after reconnecting). */
export interface DeliveredEvent {
  readonly type: "delivered";
  readonly trainId: string;
  readonly episodeId: string;
  readonly latencyMs: number | null;
  readonly offlineDelivery: boolean;
}

export interface TrainEvent {
  readonly type: "train";
  readonly trainId: string;
  readonly online: boolean;
  readonly t: number;
}

/** An injected fault: the ground truth the detector should find. */
export interface FaultEvent {
  readonly type: "fault";
  readonly trainId: string;
  readonly kind: string;
  readonly startedAt: number;
  readonly endsAt: number;
}

export interface MeterReading {
  readonly clientId: string;
  readonly t: number;
  readonly kwh: number;
}

export interface MeterEvent {
  readonly type: "meter";
  readonly items: readonly MeterReading[];
}

/** Counters for the header: readingsPublished, readingsScored, anomaliesDetected, shadowDeliveries, ... */
export interface StatsEvent {
  readonly type: "stats";
  readonly values: Readonly<Record<string, number>>;
}

/** The run's final report JSON. */
export interface EndEvent {
  readonly type: "end";
  readonly report: unknown;
}

export type LiveEvent = HelloEvent | ReadingsEvent | AlertEvent | DeliveredEvent | TrainEvent | FaultEvent | MeterEvent | StatsEvent | EndEvent;

export interface AlertRecord {
  readonly episodeId: string;
  /** Latest state. */
  state: AlertState;
  /** Time of the first event of the episode (usually "open"). */
  readonly openedAt: number;
  /** Time of the latest event. */
  lastAt: number;
  clearedAt: number | null;
  /** Latest message. */
  message: string;
  sensors: readonly string[];
  /** Null until the train confirms it read the anomaly from its shadow. */
  delivery: { readonly latencyMs: number | null; readonly offlineDelivery: boolean } | null;
}

export interface TrainSnapshot {
  readonly trainId: string;
  /** Null until a train event says otherwise. */
  online: boolean | null;
  onlineChangedAt: number | null;
  /** The latest readings, oldest first. */
  readonly readings: { readonly t: number; readonly values: Readonly<Record<string, number>>; readonly score: number | null }[];
  readonly alerts: AlertRecord[];
  readonly faults: { readonly kind: string; readonly startedAt: number; readonly endsAt: number }[];
}

export interface MeterSnapshot {
  readonly clientId: string;
  /** The latest readings, oldest first. */
  readonly readings: { readonly t: number; readonly kwh: number }[];
  /** Over every reading received, not only the kept ones. */
  totalKwh: number;
  count: number;
}

export interface Snapshot {
  readonly type: "snapshot";
  readonly hello: HelloEvent | null;
  readonly trains: readonly TrainSnapshot[];
  readonly meters: readonly MeterSnapshot[];
  readonly stats: Readonly<Record<string, number>>;
  /** True once the end event arrived. */
  readonly finished: boolean;
  readonly report: unknown;
}
