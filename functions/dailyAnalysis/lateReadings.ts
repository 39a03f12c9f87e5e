import { RECENT_DAYS } from "./clientReport";
import { MeterReading } from "./meterRecord";
import { DAY_MS, dayFromMs, parseDay, ReportDay } from "./reportDay";

/**
 * Readings that reach the lake days late (a meter back from an outage sends what it stored) land in the
 * partition of the day they arrived. The run of that partition's day finds them and revises the report of
 * the day they belong to, which from then on also reads that partition (`sources.latePartitions`), so a
 * re-run of the earlier day keeps them. A reading more than `LATE_DAYS` days late stays counted in the
 * `outsideDay` of the day it arrived, and is logged: its day's history has moved on (the reports after it
 * compare with the 14 days before them), and the lake archives its day's partition to Glacier at 30 days.
 */
export const LATE_DAYS = RECENT_DAYS;

/**
 * How long after IoT Core receives a reading it may land in the lake: the meter-lake Firehose buffers up to
 * 300 s (`bufferingIntervalSeconds`), doubled for its delivery. A reading of the day before received later than
 * this before the day's report listed its partition may have been missed, and revises it.
 */
export const LAKE_DELIVERY_LAG_MS = 600_000;

/** What the run knows of an earlier report of the client: when it was made and which later partitions it read. */
export interface EarlierReport {
  readonly generatedAtMs: number;
  /** When the report's run listed the next day's partition (older reports: undefined, and generatedAtMs serves). */
  readonly nextDayListedAtMs?: number;
  /** ISO days of the partitions after the next day's whose readings the report counts. */
  readonly latePartitions: readonly string[];
}

export interface Revision {
  readonly day: ReportDay;
  /** The partitions beyond the next day's to read for it, the arrival day included (ISO days, sorted). */
  readonly latePartitions: readonly string[];
}

export interface LateReadings {
  readonly revisions: readonly Revision[];
  /** Readings of days more than LATE_DAYS before the partition's: not revised. */
  readonly tooLate: number;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** An earlier report's facts as stored, or undefined when it holds no usable `generatedAt`. */
export function earlierReportOf(report: unknown): EarlierReport | undefined {
  const r = (typeof report === "object" && report !== null ? report : {}) as {
    generatedAt?: unknown;
    sources?: { latePartitions?: unknown; nextDayListedAt?: unknown };
  };
  const generatedAtMs = typeof r.generatedAt === "string" ? Date.parse(r.generatedAt) : NaN;
  if (!Number.isFinite(generatedAtMs)) return undefined;
  const late = r.sources?.latePartitions;
  const listed = typeof r.sources?.nextDayListedAt === "string" ? Date.parse(r.sources.nextDayListedAt) : NaN;
  return {
    generatedAtMs,
    ...(Number.isFinite(listed) ? { nextDayListedAtMs: listed } : {}),
    latePartitions: Array.isArray(late) ? late.filter((d): d is string => typeof d === "string" && ISO_DAY.test(d)) : [],
  };
}

/**
 * Which earlier days' reports the readings of `partition` (the day they arrived) revise. A reading of the day
 * before counts unless it was received LAKE_DELIVERY_LAG_MS before that day's report listed this partition (it
 * was in the listing); a reading of an older day, when its report does not read this partition yet. A day
 * without a report gets one.
 */
export function lateReadings(partition: ReportDay, readings: readonly MeterReading[], earlier: ReadonlyMap<string, EarlierReport>): LateReadings {
  const due = new Map<string, ReportDay>();
  let tooLate = 0;
  for (const r of readings) {
    if (r.startMs >= partition.startMs) continue;
    const day = dayFromMs(Math.floor(r.startMs / DAY_MS) * DAY_MS);
    const daysLate = Math.round((partition.startMs - day.startMs) / DAY_MS);
    if (daysLate > LATE_DAYS) {
      tooLate++;
      continue;
    }
    const report = earlier.get(day.iso);
    const counted =
      report !== undefined &&
      (daysLate === 1
        ? r.receivedMs !== undefined && r.receivedMs <= (report.nextDayListedAtMs ?? report.generatedAtMs) - LAKE_DELIVERY_LAG_MS
        : report.latePartitions.includes(partition.iso));
    if (!counted) due.set(day.iso, day);
  }
  const revisions = [...due.values()]
    .sort((a, b) => a.startMs - b.startMs)
    .map((day) => {
      const known = latePartitionDays(day, earlier.get(day.iso)?.latePartitions ?? []).map((d) => d.iso);
      const late = partition.startMs - day.startMs > DAY_MS ? [...known, partition.iso] : known;
      return { day, latePartitions: [...new Set(late)].sort() };
    });
  return { revisions, tooLate };
}

/** The partitions a client-day's report reads beyond its own and the next day's: valid ISO days up to LATE_DAYS after it. */
export function latePartitionDays(day: ReportDay, latePartitions: readonly string[]): ReportDay[] {
  return [...new Set(latePartitions)]
    .flatMap((d) => {
      try {
        return [parseDay(d)];
      } catch {
        return [];
      }
    })
    .filter((p) => p.startMs > day.startMs + DAY_MS && p.startMs <= day.startMs + LATE_DAYS * DAY_MS)
    .sort((a, b) => a.startMs - b.startMs);
}
