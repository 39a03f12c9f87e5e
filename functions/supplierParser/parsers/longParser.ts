import { intervalStart, localDayMinutes } from "../localClock";
import { Channel, Day, QUALITY_FLAGS, Reading, dayString, timeOfDay } from "../readingSchema";
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

/** The starts of a day's intervals no counted row has, e.g. ` (missing 04:00)`; "" when none is missing. At most 3 named. */
export function missingStartsNote(rows: readonly { startMinute?: number }[], minutes: number): string {
  const present = new Set(rows.map((r) => r.startMinute));
  const missing: string[] = [];
  for (let m = 0; m < 1440; m += minutes) if (!present.has(m)) missing.push(timeOfDay(m));
  if (missing.length === 0) return "";
  return ` (missing ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ` and ${missing.length - 3} more` : ""})`;
}

/**
 * The direction of a row's register: the suffix after `#` in RegisterCode (`29641#E1`), read as NEM12's NMI
 * suffix is: `E…` import (consumption), `B…` export (generation); a code without `#` is consumption.
 */
export function registerChannel(code: string): Channel {
  const hash = code.lastIndexOf("#");
  if (hash < 0) return "consumption";
  const suffix = code.slice(hash + 1).trim();
  if (/^E/i.test(suffix)) return "consumption";
  if (/^B/i.test(suffix)) return "generation";
  throw new RowError(`RegisterCode ${JSON.stringify(code)}: suffix ${JSON.stringify(suffix)} is neither E (import) nor B (export)`);
}

/** Days of a channel held open at once: rows of a day may come apart by this many other days and still count together. */
export const OPEN_DAYS = 4;

interface Held {
  readonly line: number;
  readonly minutes?: number;
  /** The row's start, minutes after local midnight (set with `minutes`). */
  readonly startMinute?: number;
  readonly reading?: Reading;
  readonly reason?: string;
}

/**
 * One row per interval: StartDate/EndDate as `d/m/yy h:mm` (end inclusive, 0:00-0:29), ProfileReadValue
 * kWh, QualityFlag. Rows are held per day and channel (OPEN_DAYS days a channel, ~50 rows each) so a day with the wrong interval count is rejected
 * whole; a daylight-saving day may be one hour short or long, as the real exports are, on the zone's change days only. Times are wall-clock
 * times on `ctx.clock`. RegisterCode's suffix gives the channel (`registerChannel`); a day is held per channel, so
 * a register's export rows next to its import rows are a day each.
 */
export function longParser(ctx: ParseContext): LineParser {
  const intervals = new DuplicateTracker("interval");
  // the days being read, oldest first: a day is settled when OPEN_DAYS later ones of its channel have begun, or at the end
  // each day's interval length, from its first row that had one
  const open = new Map<string, { day: Day; channel: Channel; rows: Held[]; minutes?: number }>();

  function settle(name: string): RowOutcome[] {
    const { day, rows } = open.get(name)!;
    open.delete(name);
    // Rows rejected for their value still count towards the day: the supplier did send that interval.
    const counted = rows.filter((h) => h.minutes !== undefined);
    const dayMinutes = localDayMinutes(ctx.clock, day);
    const problem = counted.length > 0 ? dayCountProblem(name, counted.length, counted[0].minutes!, dayMinutes, ctx.clock.name) : undefined;
    const dayReason = problem && dayMinutes === 1440 ? problem + missingStartsNote(counted, counted[0].minutes!) : problem;
    return rows.map((h) => (h.reading && !dayReason ? { line: h.line, readings: [h.reading] } : { line: h.line, reason: h.reason ?? dayReason! }));
  }

  return {
    line(f, line) {
      let minutes: number | undefined;
      let startMinute: number | undefined;
      let group: string | undefined;
      const out: RowOutcome[] = [];
      try {
        expectFields(f, 11);
        const start = parseDmyTime(f[6]);
        const end = parseDmyTime(f[7]);
        const channel = registerChannel(f[4]);
        group = `${dayString(start.day)}${channel === "generation" ? " (generation)" : ""}`;
        if (!open.has(group)) {
          open.set(group, { day: start.day, channel, rows: [] });
          // OPEN_DAYS a channel: the oldest day of this channel is settled when one more begins
          const ofChannel = [...open].filter(([, g]) => g.channel === channel);
          if (ofChannel.length > OPEN_DAYS) out.push(...settle(ofChannel[0][0]));
        }
        const span =
          (Date.UTC(end.day.y, end.day.m - 1, end.day.d) - Date.UTC(start.day.y, start.day.m - 1, start.day.d)) / 60_000 + end.minute - start.minute + 1;
        if (span <= 0) throw new RowError(`EndDate ${JSON.stringify(f[7])} is before StartDate ${JSON.stringify(f[6])}`);
        checkIntervalLength(span);
        // rows of one length starting on its grid cannot overlap: a row that breaks either is refused, and its day,
        // an interval short, with it
        const dayMinutes = open.get(group)!.minutes;
        if (dayMinutes !== undefined && span !== dayMinutes) {
          throw new RowError(`interval ${f[6].trim()} to ${f[7].trim()} is ${span} minutes, the day's first is ${dayMinutes}: rows of a day are of one length`);
        }
        if (start.minute % span !== 0) {
          throw new RowError(`StartDate ${JSON.stringify(f[6])} does not start a ${span}-minute interval: rows start on the ${span}-minute grid from midnight`);
        }
        open.get(group)!.minutes = span;
        // the hour the clocks go back happens twice, and so do its rows: the second row is the later hour
        const slot = `${group} ${timeOfDay(start.minute)}`;
        const later = intervals.firstLine(slot) === undefined ? undefined : ctx.clock.repeated?.(start.day, start.minute);
        intervals.check(later === undefined ? slot : `${slot} (repeated)`, line);
        minutes = span;
        startMinute = start.minute;
        checkKeyDate(start.day, ctx.keyDate);
        const kwh = parseKwh(f[8], "ProfileReadValue ", span, ctx.bounds);
        const quality = f[10].trim();
        if (!(QUALITY_FLAGS as readonly string[]).includes(quality) || quality === "V") {
          throw new RowError(`quality ${JSON.stringify(quality)} is not one of A, E, F, N, S`);
        }
        const reading = {
          clientId: ctx.clientId,
          intervalStart: later === undefined ? intervalStart(start.day, start.minute, ctx.clock) : new Date(later).toISOString(),
          intervalMinutes: span,
          kwh,
          quality,
          channel,
        };
        open.get(group)!.rows.push({ line, minutes, startMinute, reading });
      } catch (e) {
        // held with its day (it counts towards the day's intervals), or, a row without a day, with the latest day
        const holder = group !== undefined && open.has(group) ? open.get(group) : [...open.values()].pop();
        if (holder) holder.rows.push({ line, minutes, startMinute, reason: reasonOf(e) });
        else out.push({ line, reason: reasonOf(e) });
      }
      return out;
    },
    end: () => [...open.keys()].flatMap(settle).sort((a, b) => a.line - b.line),
  };
}
