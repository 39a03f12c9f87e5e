import { DayProfile, ProfileCounts, round, Slot, SLOTS } from "./halfHourProfile";
import { ReportDay } from "./reportDay";
import { UnusualResult } from "./unusualSlots";

/**
 * The JSON report a customer downloads (`reports/{ClientID}/{YYYYMMDD}.json`); the HTML page is drawn from
 * it. Times are ISO 8601 UTC. `REPORT_VERSION` changes when a field changes meaning.
 */
export const REPORT_VERSION = 1;
export const RECENT_DAYS = 14;

export interface RejectedLine {
  readonly object: string;
  readonly line: number;
  readonly reason: string;
}

export interface ClientReport {
  readonly version: number;
  readonly clientId: string;
  readonly date: string;
  readonly generatedAt: string;
  readonly totalKwh: number;
  /** Half-hours with any data, of 48. */
  readonly halfHoursCovered: number;
  readonly missingHalfHours: readonly string[];
  readonly peak: { readonly start: string; readonly kwh: number } | null;
  readonly halfHourly: readonly {
    readonly start: string;
    readonly kwh: number | null;
    readonly source: Slot["source"];
    readonly score: number | null;
    readonly unusual: boolean;
  }[];
  readonly comparison: {
    /** Earlier reports of full days (48 half-hours) among the previous RECENT_DAYS days: the ones compared with. */
    readonly days: number;
    /** Earlier reports left out of the comparison as they miss half-hours. */
    readonly partialDays: number;
    /** The full days' mean total. */
    readonly averageKwh: number | null;
    /** This day against the average; null when this day misses half-hours. */
    readonly changePercent: number | null;
    /** The total of the same weekday a week before, when that was a full day. */
    readonly sameWeekdayLastWeekKwh: number | null;
    /**
     * The meter's current household's first day when the day is in it: no earlier day is compared with (nor
     * given to the detector), as it was another household's. Null when no household's first day limits them.
     */
    readonly since: string | null;
  };
  readonly unusual: readonly { readonly start: string; readonly kwh: number; readonly expectedKwh: number; readonly score: number }[];
  readonly detector: { readonly name: "rcf"; readonly historyHalfHours: number; readonly ready: boolean };
  /**
   * `laterObjects`: for each lake partition after the day's own (ISO day), the objects whose readings of the day
   * count (the next day's holds the day's last half-hour; later ones, readings that arrived late);
   * `latePartitions`: the partitions after the next day's among them; `ownObjects`: the objects of the day's own
   * partition read (the next day's run revises the report when more have landed there since).
   */
  readonly sources: ProfileCounts & {
    readonly rejectedLines: number;
    readonly ownObjects: number;
    readonly laterObjects: Readonly<Record<string, readonly string[]>>;
    readonly latePartitions: readonly string[];
  };
  /** The first rejected lines (all are counted in sources.rejectedLines). */
  readonly rejected: readonly RejectedLine[];
}

export const MAX_REJECTED_LISTED = 100;

export interface PastDay {
  readonly date: string;
  readonly totalKwh: number;
  /** Half-hours with a reading (48 is a full day); a report without the count is taken as full. */
  readonly halfHoursCovered: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function buildReport(a: {
  clientId: string;
  day: ReportDay;
  profile: DayProfile;
  unusual: UnusualResult;
  pastDays: readonly PastDay[];
  /** The household's first day when it limits the comparison (households.ts `comparedSince`); default none. */
  comparedSince?: string | null;
  rejected: readonly RejectedLine[];
  laterObjects?: Readonly<Record<string, readonly string[]>>;
  /** The partitions after the next day's among `laterObjects` (lateReadings.ts `latePartitionsOf`). */
  latePartitions?: readonly string[];
  /** The objects of the day's own lake partition read. */
  ownObjects?: number;
  now: Date;
}): ClientReport {
  const { profile, unusual, day } = a;
  const slots = profile.slots;
  const covered = slots.filter((s) => s.kwh !== null);
  const total = round(covered.reduce((sum, s) => sum + (s.kwh as number), 0));
  const peakSlot = covered.reduce<Slot | null>((best, s) => (best === null || (s.kwh as number) > (best.kwh as number) ? s : best), null);
  // only full days are compared with: a day with missing half-hours would pull the average down
  const earlier = a.pastDays.filter((p) => p.date < day.iso);
  const past = earlier.filter((p) => p.halfHoursCovered >= SLOTS);
  const average = past.length ? round(past.reduce((s, p) => s + p.totalKwh, 0) / past.length) : null;
  const weekAgo = new Date(day.startMs - 7 * 86_400_000).toISOString().slice(0, 10);
  return {
    version: REPORT_VERSION,
    clientId: a.clientId,
    date: day.iso,
    generatedAt: a.now.toISOString(),
    totalKwh: total,
    halfHoursCovered: covered.length,
    missingHalfHours: slots.filter((s) => s.kwh === null).map((s) => iso(s.startMs)),
    peak: peakSlot ? { start: iso(peakSlot.startMs), kwh: peakSlot.kwh as number } : null,
    halfHourly: slots.map((s, i) => ({
      start: iso(s.startMs),
      kwh: s.kwh,
      source: s.source,
      score: unusual.scores[i]?.score ?? null,
      unusual: unusual.scores[i]?.anomaly ?? false,
    })),
    comparison: {
      days: past.length,
      partialDays: earlier.length - past.length,
      averageKwh: average,
      changePercent: average !== null && average > 0 && covered.length === SLOTS ? Math.round(((total - average) / average) * 1000) / 10 : null,
      sameWeekdayLastWeekKwh: past.find((p) => p.date === weekAgo)?.totalKwh ?? null,
      since: a.comparedSince ?? null,
    },
    unusual: unusual.unusual.map((u) => ({ start: iso(u.startMs), kwh: u.kwh, expectedKwh: u.expectedKwh, score: u.score })),
    detector: { name: "rcf", historyHalfHours: unusual.historyPoints, ready: unusual.ready },
    sources: {
      ...profile.counts,
      rejectedLines: a.rejected.length,
      ownObjects: a.ownObjects ?? 0,
      laterObjects: a.laterObjects ?? {},
      latePartitions: [...(a.latePartitions ?? [])],
    },
    rejected: a.rejected.slice(0, MAX_REJECTED_LISTED),
  };
}

/** The half-hour slots of an earlier report, for the detector's history (tolerates older/partial reports). */
export function slotsOfReport(report: unknown): Slot[] {
  const r = report as Partial<ClientReport> | null;
  if (!r || !Array.isArray(r.halfHourly)) return [];
  return r.halfHourly
    .filter((h) => typeof h?.start === "string" && (h.kwh === null || typeof h.kwh === "number"))
    .map((h) => ({ startMs: Date.parse(h.start), kwh: h.kwh, source: h.source ?? null, coveredMinutes: h.kwh === null ? 0 : 30 }))
    .filter((s) => !Number.isNaN(s.startMs));
}
