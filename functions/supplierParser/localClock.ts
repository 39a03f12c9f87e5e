import { Day, dayString, timeOfDay } from "./readingSchema";
import { RowError } from "./validate";

/**
 * Turns a file's local dates and times into UTC. NEM12 files are in NEM market time (AEST, UTC+10 all
 * year, by the NEM12 specification); retailers' wall-clock exports (the wide and long layouts, plain
 * timestamps without a zone) follow the clocks of a time zone, daylight saving included: the real
 * exports skip the hour the clocks jump on the October change (meter04 has 46 rows that day, meter03 zeros
 * in the 02:00-03:00 columns).
 */
export interface LocalClock {
  /** Describes the clock in messages, e.g. `Australia/Melbourne` or `UTC+10:00`. */
  readonly name: string;
  /** UTC epoch ms of minute `minute` of local `day`; undefined when that local time did not happen (the hour skipped as clocks go forward). */
  resolve(day: Day, minute: number): number | undefined;
  /**
   * UTC epoch ms of the second time minute `minute` of local `day` happened (the hour repeated as clocks go back);
   * undefined when it happened once. A file's second row of such a time is that later instant; of any other
   * time, a duplicate.
   */
  repeated?(day: Day, minute: number): number | undefined;
}

/** UTC epoch ms of minute `minute` of local `day` on `clock`; a RowError when that local time did not happen. */
export function utcMsOn(clock: LocalClock, day: Day, minute: number): number {
  const t = clock.resolve(day, minute);
  if (t === undefined) throw new RowError(`local time ${dayString(day)} ${timeOfDay(minute)} did not happen in ${clock.name} (the clocks went forward)`);
  return t;
}

/** ISO UTC start of minute `minute` of local `day` on `clock` (a RowError when it did not happen). */
export function intervalStart(day: Day, minute: number, clock: LocalClock): string {
  return new Date(utcMsOn(clock, day, minute)).toISOString();
}

/**
 * Minutes from local midnight of `day` to the next local midnight on `clock`: 1440, or an hour less or more
 * on a daylight-saving change. Where the clocks go forward at midnight (America/Santiago, America/Havana), the
 * day begins at its first time that happened (1:00).
 */
export function localDayMinutes(clock: LocalClock, day: Day): number {
  const next = new Date(Date.UTC(day.y, day.m - 1, day.d + 1));
  const start = dayBegins(clock, day);
  const end = dayBegins(clock, { y: next.getUTCFullYear(), m: next.getUTCMonth() + 1, d: next.getUTCDate() });
  return start === undefined || end === undefined ? 1440 : Math.round((end - start) / MINUTE_MS);
}

/** The instant local `day` begins: its midnight, or where midnight was skipped, its first quarter hour that happened (within 3 hours). */
function dayBegins(clock: LocalClock, day: Day): number | undefined {
  for (let minute = 0; minute <= 180; minute += 15) {
    const t = clock.resolve(day, minute);
    if (t !== undefined) return t;
  }
  return undefined;
}

const MINUTE_MS = 60_000;
const QUARTER_MS = 15 * MINUTE_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;

function wallMs(day: Day, minute: number): number {
  return Date.UTC(day.y, day.m - 1, day.d) + minute * MINUTE_MS;
}

export function fixedOffsetClock(offsetMinutes: number): LocalClock {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return {
    name: `UTC${sign}${timeOfDay(abs)}`,
    resolve: (day, minute) => wallMs(day, minute) - offsetMinutes * MINUTE_MS,
  };
}

/** NEM market time: AEST, UTC+10:00 all year. */
export const NEM_TIME = fixedOffsetClock(600);

/** A clock that follows an IANA time zone; throws a RangeError naming the zone when the runtime does not know it. */
export function zoneClock(timeZone: string): LocalClock {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
  } catch {
    throw new RangeError(`time zone ${JSON.stringify(timeZone)} is not an IANA time zone this runtime knows (e.g. Australia/Melbourne)`);
  }
  // clocks change on a quarter hour (UTC) in every zone: cache the offsets per quarter hour
  const offsets = new Map<number, number>();
  const offsetAt = (utc: number): number => {
    const quarter = Math.floor(utc / QUARTER_MS);
    let offset = offsets.get(quarter);
    if (offset === undefined) {
      const p: Record<string, number> = {};
      for (const part of format.formatToParts(quarter * QUARTER_MS)) if (part.type !== "literal") p[part.type] = Number(part.value);
      offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - quarter * QUARTER_MS;
      offsets.set(quarter, offset);
    }
    return offset;
  };
  // a wall time maps back to itself through one of the offsets in force a day either side of it; when both
  // do (the hour repeated as clocks go back) the first occurrence is taken, when neither it never happened
  const candidates = (day: Day, minute: number): number[] => {
    const wall = wallMs(day, minute);
    return [offsetAt(wall - DAY_MS), offsetAt(wall + DAY_MS)].map((o) => wall - o).filter((t) => t + offsetAt(t) === wall);
  };
  return {
    name: timeZone,
    resolve(day, minute) {
      const found = candidates(day, minute);
      return found.length === 0 ? undefined : Math.min(...found);
    },
    repeated(day, minute) {
      const found = candidates(day, minute);
      return found.length === 2 && found[0] !== found[1] ? Math.max(...found) : undefined;
    },
  };
}
