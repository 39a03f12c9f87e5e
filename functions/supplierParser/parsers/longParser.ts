import { intervalStart, localDayMinutes } from "../localClock";
import { Day, QUALITY_FLAGS, Reading, dayString, timeOfDay } from "../readingSchema";
import { DuplicateTracker, RowError, checkIntervalLength, checkKeyDate, expectFields, parseDmyTime, parseKwh } from "../validate";
import { LineParser, ParseContext, RowOutcome, reasonOf } from "./lineParser";

/**
 * Why a day of `count` rows of `minutes` each is not whole, or undefined. A day holds `dayMinutes` of
 * local time (1440, or an hour less or more when the clocks change); on a change day an export may also
 * follow the wall clock's 24 hours (a row for each skipped time, refused as a time that did not happen, or
 * none for the repeated hour), so both counts are whole there, and on any other day only the one.
 */
export function dayCountProblem(day: string, count: number, minutes: number, dayMinutes: number, clockName: string): string | undefined {
  const expected = dayMinutes / minutes;
  const wall = 1440 / minutes;
  if (count === expected || count === wall) return undefined;
  if (expected === wall) return `day ${day} has ${count} intervals, expected ${expected}`;
  const change = expected < wall ? "forward" : "back";
  return `day ${day} has ${count} intervals, expected ${expected} (the clocks went ${change} in ${clockName}) or ${wall}`;
}

/**
 * One row per interval: StartDate/EndDate as `d/m/yy h:mm` (end inclusive, 0:00-0:29), ProfileReadValue
 * kWh, QualityFlag. Rows are held per day (at most ~50) so a day with the wrong interval count is rejected
 * whole; a daylight-saving day may be one hour short or long, as the real exports are, on the zone's change days only. Times are wall-clock
 * times on `ctx.clock`.
 */
export function longParser(ctx: ParseContext): LineParser {
  const intervals = new DuplicateTracker("interval");
  let day: string | undefined;
  let heldDay: Day | undefined;
  let held: { line: number; minutes?: number; reading?: Reading; reason?: string }[] = [];

  function flush(): RowOutcome[] {
    // Rows rejected for their value still count towards the day: the supplier did send that interval.
    const counted = held.filter((h) => h.minutes !== undefined);
    let dayReason: string | undefined;
    if (counted.length > 0 && heldDay) {
      dayReason = dayCountProblem(day!, counted.length, counted[0].minutes!, localDayMinutes(ctx.clock, heldDay), ctx.clock.name);
    }
    const out: RowOutcome[] = held.map((h) =>
      h.reading && !dayReason ? { line: h.line, readings: [h.reading] } : { line: h.line, reason: h.reason ?? dayReason! },
    );
    held = [];
    return out;
  }

  return {
    line(f, line) {
      let out: RowOutcome[] = [];
      let minutes: number | undefined;
      try {
        expectFields(f, 11);
        const start = parseDmyTime(f[6]);
        const end = parseDmyTime(f[7]);
        const d = dayString(start.day);
        if (d !== day) {
          out = flush();
          day = d;
          heldDay = start.day;
        }
        const span =
          (Date.UTC(end.day.y, end.day.m - 1, end.day.d) - Date.UTC(start.day.y, start.day.m - 1, start.day.d)) / 60_000 + end.minute - start.minute + 1;
        if (span <= 0) throw new RowError(`EndDate ${JSON.stringify(f[7])} is before StartDate ${JSON.stringify(f[6])}`);
        checkIntervalLength(span);
        intervals.check(`${d} ${timeOfDay(start.minute)}`, line);
        minutes = span;
        checkKeyDate(start.day, ctx.keyDate);
        const kwh = parseKwh(f[8], "ProfileReadValue ", span, ctx.bounds);
        const quality = f[10].trim();
        if (!(QUALITY_FLAGS as readonly string[]).includes(quality) || quality === "V") {
          throw new RowError(`quality ${JSON.stringify(quality)} is not one of A, E, F, N, S`);
        }
        const reading = {
          clientId: ctx.clientId,
          intervalStart: intervalStart(start.day, start.minute, ctx.clock),
          intervalMinutes: span,
          kwh,
          quality,
          channel: "consumption" as const,
        };
        held.push({ line, minutes, reading });
      } catch (e) {
        held.push({ line, minutes, reason: reasonOf(e) });
      }
      return out;
    },
    end: flush,
  };
}
