import { LakeObject } from "./lateReadings";
import { MeterReading } from "./meterRecord";
import { DAY_MS, ReportDay } from "./reportDay";

/**
 * What the run's day carries over to a client's revisions of earlier days. The run's day's partition is the next
 * day's, or a late one, of every day a revision reads, and a revision reads it again, for its day's readings
 * only. Lake objects do not change (one a message, `{timestamp}-{uuid}.json`), so of each object the day's report
 * read the run keeps the readings of days before its own: a revision takes them instead of reading the object.
 * In a day's partition they are few (the day before's last half-hour, a meter's backlog), not the partition's
 * objects; the run keeps at most MAX_CARRIED_READINGS in all, and beyond it a client's revisions read them again.
 */
export const MAX_CARRIED_READINGS = 100_000;

/** Object key → its readings of days before the run's (objects with none left out). */
export type ReadingsBefore = ReadonlyMap<string, readonly MeterReading[]>;

/** Of each object, its readings that start before `day`, in order; objects with none are left out. */
export function readingsBefore(day: ReportDay, objects: readonly LakeObject[]): Map<string, readonly MeterReading[]> {
  const out = new Map<string, readonly MeterReading[]>();
  for (const { key, readings } of objects) {
    const before = readings.filter((r) => r.startMs < day.startMs);
    if (before.length > 0) out.set(key, before);
  }
  return out;
}

/** A client's carried readings, for its revisions: the objects the run's day read (`keys`) and their readings before it. */
export interface CarriedReadings {
  readonly day: ReportDay;
  readonly keys: ReadonlySet<string>;
  readonly before: ReadingsBefore;
}

/**
 * What a revision of `of` takes for an object instead of reading it: its readings of days before the run's (those
 * of `of` among them; a revision counts no other of a later partition's). Undefined when the run's day did not
 * read the object, or `of` is not wholly before the run's day: the object is read.
 */
export function carriedReadingsOf(carried: CarriedReadings | undefined, key: string, of: ReportDay): readonly MeterReading[] | undefined {
  if (!carried || of.startMs + DAY_MS > carried.day.startMs || !carried.keys.has(key)) return undefined;
  return carried.before.get(key) ?? [];
}

const NONE: ReadingsBefore = new Map();

/**
 * The run's clients' readings before its day, kept between its phases within a budget of readings in all: on a
 * normal day some 500 bytes a client (its map and the day before's last half-hour), some 10 MB at most.
 */
export class CarriedStore {
  private readonly byClient = new Map<string, ReadingsBefore>();
  private count = 0;

  constructor(private readonly budget = MAX_CARRIED_READINGS) {}

  /** Keeps a client's readings unless the budget is spent (then its revisions read them again); whether kept. */
  keep(clientId: string, before: ReadingsBefore): boolean {
    let n = 0;
    for (const readings of before.values()) n += readings.length;
    if (this.count + n > this.budget) return false;
    this.count += n;
    this.byClient.set(clientId, before.size > 0 ? before : NONE);
    return true;
  }

  /** A client's kept readings, given up by the store (its revisions are the only ones to take them). */
  take(clientId: string): ReadingsBefore | undefined {
    const before = this.byClient.get(clientId);
    this.byClient.delete(clientId);
    return before;
  }

  /** Readings kept now, for tests. */
  get readings(): number {
    return this.count;
  }
}
