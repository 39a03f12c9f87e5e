import { RECENT_DAYS } from "./clientReport";
import { MeterReading } from "./meterRecord";
import { addDays, DAY_MS, dayFromMs, parseDay, ReportDay } from "./reportDay";

/**
 * Readings that reach the lake late (a meter back from an outage sends what it stored, or the lake's delivery
 * lags) land in the partition of the day they arrived. A report records, for every partition after its day's
 * own, the lake objects whose readings of the day it counted (`sources.laterObjects`). The run of a later
 * partition's day finds readings of earlier days in objects their report did not count, and revises that
 * report, which from then on reads that partition too, so a re-run of the earlier day keeps them. A reading
 * more than `LATE_DAYS` days late stays counted in the `outsideDay` of the day it arrived, and is logged: the
 * reports after its day have compared with it already, and the lake archives its partition to Glacier at 30 days.
 */
export const LATE_DAYS = RECENT_DAYS;

/** The readings of one lake object. */
export interface LakeObject {
  readonly key: string;
  readonly readings: readonly MeterReading[];
}

/** Partition (ISO day) → keys of the objects whose readings of the report's day it counted. */
export type LaterObjects = Readonly<Record<string, readonly string[]>>;

/** What the run knows of an earlier report of the client: the later partitions' objects it counted. */
export interface EarlierReport {
  readonly laterObjects: LaterObjects;
  /** The objects of its day's own partition it read; unknown for reports made before they were counted. */
  readonly ownObjects?: number;
}

export interface Revision {
  readonly day: ReportDay;
  /** The partitions beyond the next day's to read for it, the arrival day's included (ISO days, sorted). */
  readonly latePartitions: readonly string[];
  /** For a supplier file written then (epoch ms): no revision when the stored report was made after it. */
  readonly unlessMadeAfterMs?: number;
  /** The stored report was made with other households than the meter has now (households.ts): its comparisons are recomputed. */
  readonly household?: true;
}

export interface LateReadings {
  readonly revisions: readonly Revision[];
  /** Readings of days more than LATE_DAYS before the partition's: not revised. */
  readonly tooLate: number;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** An earlier report's `sources.laterObjects` as stored (anything else in it ignored); none for older reports. */
export function earlierReportOf(report: unknown): EarlierReport | undefined {
  if (typeof report !== "object" || report === null) return undefined;
  const stored = (report as { sources?: { laterObjects?: unknown } }).sources?.laterObjects;
  const laterObjects: Record<string, string[]> = {};
  if (typeof stored === "object" && stored !== null && !Array.isArray(stored)) {
    for (const [day, keys] of Object.entries(stored)) {
      if (ISO_DAY.test(day) && Array.isArray(keys)) laterObjects[day] = keys.filter((k): k is string => typeof k === "string");
    }
  }
  const own = (report as { sources?: { ownObjects?: unknown } }).sources?.ownObjects;
  return Number.isSafeInteger(own) && (own as number) >= 0 ? { laterObjects, ownObjects: own as number } : { laterObjects };
}

/** The partitions after the next day's that a report of `day` reads, as valid days within LATE_DAYS, sorted. */
export function latePartitionDays(day: ReportDay, partitions: readonly string[]): ReportDay[] {
  return [...new Set(partitions)]
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

/** The late partitions (ISO days) a report with these later objects reads. */
export const latePartitionsOf = (day: ReportDay, laterObjects: LaterObjects): string[] => latePartitionDays(day, Object.keys(laterObjects)).map((d) => d.iso);

/**
 * Whether the day before `partition` gets a revision for objects that landed in its own partition after its
 * report listed it (the lake's delivery retrying past the run): that partition holds more objects now
 * (`previousObjects`, listed by this run) than the report read. A day with no report is left to a re-run by
 * hand: its run failed for the client (ClientsFailed told someone, and the same objects would fail the
 * revision too), or saw nothing of it. So is a report made before it counted its objects.
 */
function landedAfterItsRun(previous: ReportDay, previousObjects: number, earlier: ReadonlyMap<string, EarlierReport>): boolean {
  const read = earlier.get(previous.iso)?.ownObjects;
  return read !== undefined && previousObjects > read;
}

/**
 * Which earlier days' reports the objects of `partition` (the day they arrived) revise: a day with a reading
 * in an object its report did not count, or with no report at all; and with `previousObjects` (the count of
 * objects in the day before's own partition, listed now), that day when objects landed there after its run.
 */
export function lateReadings(
  partition: ReportDay,
  objects: readonly LakeObject[],
  earlier: ReadonlyMap<string, EarlierReport>,
  previousObjects = 0,
): LateReadings {
  const due = new Map<string, ReportDay>();
  const previous = addDays(partition, -1);
  if (landedAfterItsRun(previous, previousObjects, earlier)) due.set(previous.iso, previous);
  let tooLate = 0;
  for (const { key, readings } of objects) {
    for (const r of readings) {
      if (r.startMs >= partition.startMs) continue;
      const day = dayFromMs(Math.floor(r.startMs / DAY_MS) * DAY_MS);
      if (partition.startMs - day.startMs > LATE_DAYS * DAY_MS) {
        tooLate++;
        continue;
      }
      const counted = earlier.get(day.iso)?.laterObjects[partition.iso]?.includes(key) ?? false;
      if (!counted) due.set(day.iso, day);
    }
  }
  const revisions = [...due.values()]
    .sort((a, b) => a.startMs - b.startMs)
    .map((day) => {
      const known = Object.keys(earlier.get(day.iso)?.laterObjects ?? {});
      return { day, latePartitions: latePartitionDays(day, [...known, partition.iso]).map((d) => d.iso) };
    });
  return { revisions, tooLate };
}
