import { FAULT_KINDS, FaultSpan } from "./faults";
import { seeded } from "./trainSource";

/**
 * The seeded script of a run: which train gets which fault when, and which train drops off the network
 * (during its fault, so its alert has to wait for the reconnect). Pure: the same options give the same plan.
 */
export interface OfflineSpan {
  readonly trainId: string;
  /** Live reading index at which the train goes offline, and at which it is back. */
  readonly from: number;
  readonly to: number;
}

export interface FleetPlan {
  readonly trainIds: readonly string[];
  /** Readings each train publishes live (after its model's history). */
  readonly liveReadings: number;
  readonly faults: readonly FaultSpan[];
  readonly offline: readonly OfflineSpan[];
}

export interface PlanOptions {
  readonly trains: number;
  readonly seed: number;
  readonly liveReadings: number;
  /** Readings a fault lasts. Default 60. */
  readonly faultLength?: number;
}

/** Reading time between a simulated train's readings (MetroPT-3 logs every 10 s). */
export const READING_INTERVAL_MS = 10_000;

/** Live readings a second per train, by default (the trains' 10 s readings at 200x). */
export const LIVE_RATE = 20;

/** Live readings per train in a run of `durationS` seconds (at least 60, so every fault fits). */
export function liveReadingsOf(durationS: number, rate = LIVE_RATE): number {
  return Math.max(60, Math.floor(durationS * rate));
}

export const trainIdOf = (i: number) => `train-${String(i + 1).padStart(4, "0")}`;

export function planFleet(o: PlanOptions): FleetPlan {
  const random = seeded(o.seed * 7919 + 17);
  const length = o.faultLength ?? 60;
  const trainIds = Array.from({ length: o.trains }, (_, i) => trainIdOf(i));
  // faults start in the middle half of the run: after the models settle, with time left to clear and report
  const earliest = Math.floor(o.liveReadings * 0.25);
  const latest = Math.max(earliest, Math.floor(o.liveReadings * 0.75) - length);
  const faults: FaultSpan[] = trainIds.map((trainId, i) => ({
    trainId,
    kind: FAULT_KINDS[(i + o.seed) % FAULT_KINDS.length],
    start: earliest + Math.floor(random() * (latest - earliest + 1)),
    length,
  }));
  // one train in four (at least one when there are two or more) is offline from just before its fault
  // until well after it
  const offline: OfflineSpan[] = [];
  const count = o.trains >= 2 ? Math.max(1, Math.floor(o.trains / 4)) : 0;
  for (let k = 0; k < count; k++) {
    const f = faults[(1 + k * 4) % o.trains];
    offline.push({ trainId: f.trainId, from: Math.max(0, f.start - 10), to: Math.min(o.liveReadings - 1, f.start + f.length + 40) });
  }
  return { trainIds, liveReadings: o.liveReadings, faults, offline };
}

/** Whether `trainId` is offline at live reading `index` (the plan's offline spans, `to` exclusive). */
export function offlineAt(plan: FleetPlan, trainId: string, index: number): boolean {
  return plan.offline.some((s) => s.trainId === trainId && s.from <= index && s.to > index);
}

const DAY_MS = 86_400_000;

/**
 * Reading time of a run's first live reading: midnight UTC of the run's day, or the midnight before it when a
 * timeline of `spanMs` from there would pass the wall clock (`now`), since the cloud refuses readings dated
 * ahead of their arrival. Either way the readings fall at the same times of day.
 */
export function trainTimelineStart(dayStartMs: number, now: number, spanMs: number): number {
  return dayStartMs + spanMs <= now ? dayStartMs : dayStartMs - DAY_MS;
}
