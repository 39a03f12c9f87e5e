/**
 * What the run shows while it runs: the live view's feed (readings, meter readings and counters four times a
 * second) and the terminal's progress line every five seconds.
 */
import { LiveEvent } from "../web/liveEvents";

export type RunStats = Readonly<
  Record<
    | "readingsPublished"
    | "readingsScored"
    | "readingsDeadLettered"
    | "anomaliesInjected"
    | "anomaliesDetected"
    | "falseAlarms"
    | "shadowDeliveries"
    | "meterReadings"
    | "supplierFilesAccepted"
    | "supplierFilesRejected",
    number
  >
>;

export type TrainReadingItem = { trainId: string; t: number; values: Record<string, number>; score: number | null };
export type MeterReadingItem = { clientId: string; t: number; kwh: number };

export interface FeedSources {
  readonly stats: () => RunStats;
  /** Filled by the fleets' listeners, emptied by each tick. */
  readonly pendingReadings: TrainReadingItem[];
  readonly pendingMeters: MeterReadingItem[];
  readonly publish: (e: LiveEvent) => void;
  readonly print: (line: string) => void;
  readonly startedAt: number;
}

export function progressLine(s: RunStats, elapsedS: number): string {
  return (
    `[${String(elapsedS).padStart(3)}s] trains: ${s.readingsPublished} published, ${s.readingsScored} scored, ${s.readingsDeadLettered} dead-lettered | ` +
    `anomalies: ${s.anomaliesDetected}/${s.anomaliesInjected} injected detected, ${s.shadowDeliveries} delivered, ${s.falseAlarms} false | ` +
    `meters: ${s.meterReadings} readings | supplier files: ${s.supplierFilesAccepted} ingested, ${s.supplierFilesRejected} rejected`
  );
}

/** Starts both feeds; the returned function stops them. */
export function startFeeds(f: FeedSources): () => void {
  const ticker = setInterval(() => {
    if (f.pendingReadings.length) f.publish({ type: "readings", items: f.pendingReadings.splice(0, f.pendingReadings.length) });
    if (f.pendingMeters.length) f.publish({ type: "meter", items: f.pendingMeters.splice(0, f.pendingMeters.length) });
    f.publish({ type: "stats", values: f.stats() });
  }, 250);
  const progress = setInterval(() => f.print(progressLine(f.stats(), Math.round((Date.now() - f.startedAt) / 1000))), 5000);
  return () => {
    clearInterval(ticker);
    clearInterval(progress);
  };
}
