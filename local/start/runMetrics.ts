import { BatchReport } from "../../functions/trainAnomaly/batchReport";
import { desiredObject } from "../../devices/trainAgent/anomalyInbox";
import { FaultSpan } from "../sim/faults";

/**
 * Scores a local run against its ground truth: which injected faults the pipeline detected, how fast the
 * train heard of them, and which alerts had no fault behind them. Pure; fed as things happen.
 */
export interface EpisodeChange {
  readonly trainId: string;
  readonly episodeId: string;
  readonly kind: "opened" | "updated" | "cleared";
  /** Reading times (epoch ms) of the alarms in the batch that made this change. */
  readonly alarmTimes: readonly number[];
  /** Reading time the episode started (opened) */
  readonly startedAt?: number;
}

/**
 * How far a fault's alert got: told to the train; written to the train's anomaly shadow but not yet read by it
 * (in flight when the run ended); detected but never written to the shadow; or not detected at all.
 */
export type FaultDelivery = "delivered" | "in flight" | "not written" | "missed";

export interface FaultOutcome {
  readonly trainId: string;
  readonly kind: string;
  readonly startedAt: string;
  readonly offline: boolean;
  readonly episodeId: string | null;
  /** Fault onset (wall clock, first faulty reading generated) to the train's notice, ms. */
  readonly latencyMs: number | null;
  readonly delivery: FaultDelivery;
  /** In flight: how long the episode had been in the train's shadow, unread, when the summary was taken, ms. */
  readonly inShadowMs: number | null;
  /**
   * How long before the fault's onset its episode had opened, ms: the fault's alarms joined an episode already
   * open (the train is told of a changed episode, not a new one); null when the episode opened with the fault.
   */
  readonly openBeforeMs: number | null;
}

export interface MetricsSummary {
  readonly anomaliesInjected: number;
  readonly anomaliesDetected: number;
  readonly falseAlarms: number;
  readonly shadowDeliveries: number;
  /** Faults whose alert was in the train's shadow but not yet read by the train. */
  readonly inFlight: number;
  readonly detectionLatencyMs: { readonly p50: number | null; readonly p99: number | null; readonly count: number };
  readonly faults: readonly FaultOutcome[];
}

interface FaultState {
  readonly span: FaultSpan;
  readonly onsetAt: number;
  readonly onsetWall: number;
  readonly endAt: number;
  readonly offline: boolean;
  episodeId?: string;
  noticeWall?: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The episodes an accepted update of an anomaly shadow wrote (`state.desired.anomalies`, deletions left out). */
export function episodesWritten(accepted: unknown): string[] {
  return Object.entries(desiredObject(accepted)).flatMap(([id, entry]) => (entry === null ? [] : [id]));
}

const firstFrom = (walls: readonly number[] | undefined, from: number) => {
  const after = (walls ?? []).filter((w) => w >= from);
  return after.length ? Math.min(...after) : null;
};

/** An episode id is `<group>-<start ms>`. */
export function episodeStartMs(episodeId: string): number {
  return Number(episodeId.split("-").pop());
}

export class RunMetrics {
  private readonly faults: FaultState[] = [];
  private readonly opened = new Map<string, { trainId: string; startedAt: number }>();
  /** Episodes that got a notice at the train: id → first notice wall time. */
  private readonly notices = new Map<string, number[]>();
  /** Writes of an episode to its train's shadow: `<train>/<episode id>` → wall times. */
  private readonly writes = new Map<string, number[]>();

  /** `graceMs`: how long after a fault's last reading an alert still counts as detecting it (default 30 readings). */
  constructor(
    private readonly intervalMs: number,
    private readonly graceMs: number = 30 * intervalMs,
  ) {}

  faultStarted(span: FaultSpan, onsetAt: number, onsetWall: number, offline: boolean): void {
    this.faults.push({ span, onsetAt, onsetWall, endAt: onsetAt + span.length * this.intervalMs, offline });
  }

  private window(f: FaultState, t: number): boolean {
    return t >= f.onsetAt && t <= f.endAt + this.graceMs;
  }

  episode(change: EpisodeChange): void {
    if (change.kind === "opened" && change.startedAt !== undefined) {
      this.opened.set(change.episodeId, { trainId: change.trainId, startedAt: change.startedAt });
    }
    if (change.kind === "cleared") return;
    for (const f of this.faults) {
      if (f.episodeId || f.span.trainId !== change.trainId) continue;
      const times = change.kind === "opened" && change.startedAt !== undefined ? [change.startedAt, ...change.alarmTimes] : change.alarmTimes;
      if (times.some((t) => this.window(f, t))) f.episodeId = change.episodeId;
    }
  }

  /** Every episode change of a scored batch, with the alarms of the batch's train (episode ids end in their start ms). */
  batch(report: BatchReport): void {
    const alarmTimes = new Map<string, number[]>();
    for (const a of report.anomalies) alarmTimes.set(a.trainId, [...(alarmTimes.get(a.trainId) ?? []), a.timestamp]);
    for (const e of report.episodes) {
      this.episode({ trainId: e.trainId, episodeId: e.id, kind: e.kind, alarmTimes: alarmTimes.get(e.trainId) ?? [], startedAt: episodeStartMs(e.id) });
    }
  }

  notice(trainId: string, episodeId: string, wallMs: number): void {
    const list = this.notices.get(episodeId) ?? [];
    list.push(wallMs);
    this.notices.set(episodeId, list);
  }

  /** The train's anomaly shadow accepted an update holding these episodes. */
  shadowWritten(trainId: string, episodeIds: readonly string[], wallMs: number): void {
    for (const id of episodeIds) this.writes.set(`${trainId}/${id}`, [...(this.writes.get(`${trainId}/${id}`) ?? []), wallMs]);
  }

  /** `nowWall`: when the run is judged (a fault in flight has been in its shadow since its write). */
  summary(nowWall: number = Date.now()): MetricsSummary {
    const outcomes: FaultOutcome[] = this.faults.map((f) => {
      const notice = f.episodeId ? firstFrom(this.notices.get(f.episodeId), f.onsetWall) : null;
      const written = f.episodeId ? firstFrom(this.writes.get(`${f.span.trainId}/${f.episodeId}`), f.onsetWall) : null;
      const delivery: FaultDelivery = !f.episodeId ? "missed" : notice !== null ? "delivered" : written !== null ? "in flight" : "not written";
      const openedAt = f.episodeId ? episodeStartMs(f.episodeId) : NaN;
      return {
        trainId: f.span.trainId,
        kind: f.span.kind,
        startedAt: new Date(f.onsetAt).toISOString(),
        offline: f.offline,
        episodeId: f.episodeId ?? null,
        latencyMs: notice === null ? null : notice - f.onsetWall,
        delivery,
        inShadowMs: delivery === "in flight" && written !== null ? nowWall - written : null,
        openBeforeMs: openedAt < f.onsetAt ? f.onsetAt - openedAt : null,
      };
    });
    const matched = new Set(this.faults.map((f) => f.episodeId).filter(Boolean));
    let falseAlarms = 0;
    for (const [id, e] of this.opened) {
      if (matched.has(id)) continue;
      if (this.faults.some((f) => f.span.trainId === e.trainId && this.window(f, e.startedAt))) continue;
      falseAlarms++;
    }
    const online = outcomes
      .filter((o) => !o.offline && o.latencyMs !== null)
      .map((o) => o.latencyMs as number)
      .sort((a, b) => a - b);
    return {
      anomaliesInjected: this.faults.length,
      anomaliesDetected: outcomes.filter((o) => o.episodeId !== null).length,
      falseAlarms,
      shadowDeliveries: outcomes.filter((o) => o.delivery === "delivered").length,
      inFlight: outcomes.filter((o) => o.delivery === "in flight").length,
      detectionLatencyMs: { p50: percentile(online, 50), p99: percentile(online, 99), count: online.length },
      faults: outcomes,
    };
  }
}
