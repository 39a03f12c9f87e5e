import { DuplicateTracker, RowError, checkKeyDate, expectFields, parseKwh } from "../validate";
import { fixedOffsetClock, secondOccurrence, utcMsOn } from "../localClock";
import { LineParser, ParseContext, reasonOf } from "./lineParser";

/** UTC offsets in use run from -12:00 (Baker Island) to +14:00 (Line Islands). */
const MIN_OFFSET = -12 * 60;
const MAX_OFFSET = 14 * 60;

/** Minutes east of UTC of `Z`, `+hh:mm` or `+hhmm`; a RowError for an offset no clock uses. */
export function offsetMinutes(zone: string): number {
  if (zone === "Z") return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(-2));
  const offset = (zone[0] === "-" ? -1 : 1) * (hours * 60 + minutes);
  if (minutes > 59 || offset < MIN_OFFSET || offset > MAX_OFFSET) {
    throw new RowError(`offset ${JSON.stringify(zone)} is not a UTC offset from -12:00 to +14:00`);
  }
  return offset;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d{1,9})?))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * `timestamp,kwh`: ISO 8601 timestamps; without a zone they are wall-clock times on the context's clock.
 * Each row is an interval of `plainIntervalMinutes` (30) starting on its grid (seconds are dropped); a row off
 * the grid is refused, so a file at finer steps is not read as overlapping half-hours.
 */
export function plainParser(ctx: ParseContext): LineParser {
  const seen = new DuplicateTracker<number>("timestamp", (minute) => new Date(minute * 60_000).toISOString());
  return {
    line(f, line) {
      try {
        expectFields(f, 2);
        const m = ISO.exec(f[0].trim());
        const day = m && { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
        const local = m && Date.UTC(day!.y, day!.m - 1, day!.d, Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
        const t = local !== null && new Date(local);
        if (!m || !t || t.getUTCDate() !== day!.d || t.getUTCMonth() !== day!.m - 1 || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) >= 60) {
          throw new RowError(`timestamp ${JSON.stringify(f[0])} is not ISO 8601`);
        }
        checkKeyDate(day!, ctx.keyDate);
        // each row is an interval of plainIntervalMinutes: a row between (a file at 15- or 5-minute steps) would
        // overlap its neighbours and count their energy twice
        const minuteOfDay = Number(m[4]) * 60 + Number(m[5]);
        if (minuteOfDay % ctx.plainIntervalMinutes !== 0) {
          throw new RowError(
            `timestamp ${JSON.stringify(f[0])} does not start a ${ctx.plainIntervalMinutes}-minute interval: a timestamp,kwh file holds one reading per ${ctx.plainIntervalMinutes} minutes, on the ${ctx.plainIntervalMinutes === 30 ? "half-hour" : "interval"}`,
          );
        }
        const zone = m[7];
        const clock = zone === undefined ? ctx.clock : fixedOffsetClock(offsetMinutes(zone));
        const kwh = parseKwh(f[1], "kwh ", ctx.plainIntervalMinutes, ctx.bounds);
        const first = utcMsOn(clock, day!, minuteOfDay);
        // a wall time of the hour the clocks go back, seen again: the later hour (once)
        const later = seen.firstLine(first / 60_000) === undefined ? undefined : secondOccurrence(clock, day!, minuteOfDay);
        const ms = later !== undefined && seen.firstLine(later / 60_000) === undefined ? later : first;
        seen.check(ms / 60_000, line);
        const start = new Date(ms).toISOString();
        return [
          {
            line,
            readings: [{ clientId: ctx.clientId, intervalStart: start, intervalMinutes: ctx.plainIntervalMinutes, kwh, quality: "A", channel: "consumption" }],
          },
        ];
      } catch (e) {
        return [{ line, reason: reasonOf(e) }];
      }
    },
    end: () => [],
  };
}
