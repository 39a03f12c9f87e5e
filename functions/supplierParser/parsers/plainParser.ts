import { DuplicateTracker, RowError, checkKeyDate, expectFields, parseKwh } from "../validate";
import { LocalClock, fixedOffsetClock, utcMsOn } from "../localClock";
import { LineParser, ParseContext, RowOutcome, reasonOf } from "./lineParser";

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

/** Interval lengths a `timestamp,kwh` file may step by, minutes. */
export const PLAIN_STEPS: readonly number[] = [5, 10, 15, 30, 60];
/** Rows read before the file's step is decided. */
export const STEP_ROWS = 12;

/** A row's time in UTC minutes, read as the row is (a zone-less time on `clock`), to tell the file's step; undefined when unreadable. */
function probeMinute(text: string, clock: LocalClock): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  try {
    const on = m[7] === undefined ? clock : fixedOffsetClock(offsetMinutes(m[7]));
    const ms = on.resolve({ y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) }, Number(m[4]) * 60 + Number(m[5]));
    return ms === undefined || !Number.isFinite(ms) ? undefined : ms / 60_000;
  } catch {
    return undefined; // an offset no clock uses: the row itself is refused
  }
}

/**
 * The file's interval: the commonest step between the times of its first rows, when it is one of PLAIN_STEPS;
 * else `fallback` (a file of one row, or of irregular times).
 */
export function plainStep(texts: readonly string[], fallback: number, clock: LocalClock): number {
  const minutes = [...new Set(texts.map((t) => probeMinute(t, clock)).filter((x): x is number => x !== undefined))].sort((a, b) => a - b);
  // the commonest gap (the smaller of a tie): a stray row or a gap among the first rows does not set it
  const counts = new Map<number, number>();
  for (let i = 1; i < minutes.length; i++) counts.set(minutes[i] - minutes[i - 1], (counts.get(minutes[i] - minutes[i - 1]) ?? 0) + 1);
  const step = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
  return step !== undefined && PLAIN_STEPS.includes(step) ? step : fallback;
}

/**
 * `timestamp,kwh`: ISO 8601 timestamps; without a zone they are wall-clock times on the context's clock. The
 * file's interval is the step between its first rows' times (`plainStep`: 5 to 60 minutes, else
 * `plainIntervalMinutes`, 30); each row is an interval starting on that grid (seconds are dropped), and a row
 * off it is refused, so no two rows overlap.
 */
export function plainParser(ctx: ParseContext): LineParser {
  const seen = new DuplicateTracker<number>("timestamp", (minute) => new Date(minute * 60_000).toISOString());
  let step: number | undefined;
  const held: { f: string[]; line: number }[] = [];

  function parse(f: string[], line: number, interval: number): RowOutcome {
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
      // each row is an interval of the file's step: a row between would overlap its neighbours
      const minuteOfDay = Number(m[4]) * 60 + Number(m[5]);
      if (minuteOfDay % interval !== 0) {
        throw new RowError(
          `timestamp ${JSON.stringify(f[0])} does not start a ${interval}-minute interval: the file steps by ${interval} minutes (from its first rows), and its rows start on that grid`,
        );
      }
      const zone = m[7];
      const clock = zone === undefined ? ctx.clock : fixedOffsetClock(offsetMinutes(zone));
      const kwh = parseKwh(f[1], "kwh ", interval, ctx.bounds);
      const first = utcMsOn(clock, day!, minuteOfDay);
      // a wall time of the hour the clocks go back, seen again: the later hour (once)
      const later = seen.firstLine(first / 60_000) === undefined ? undefined : clock.repeated?.(day!, minuteOfDay);
      const ms = later !== undefined && seen.firstLine(later / 60_000) === undefined ? later : first;
      seen.check(ms / 60_000, line, f[0]);
      const start = new Date(ms).toISOString();
      return { line, readings: [{ clientId: ctx.clientId, intervalStart: start, intervalMinutes: interval, kwh, quality: "A", channel: "consumption" }] };
    } catch (e) {
      return { line, reason: reasonOf(e) };
    }
  }

  // the first rows are held until the file's step is known
  function decide(): RowOutcome[] {
    step = plainStep(
      held.map((h) => h.f[0] ?? ""),
      ctx.plainIntervalMinutes,
      ctx.clock,
    );
    return held.splice(0).map((h) => parse(h.f, h.line, step!));
  }

  return {
    line(f, line) {
      if (step !== undefined) return [parse(f, line, step)];
      held.push({ f, line });
      return held.length >= STEP_ROWS ? decide() : [];
    },
    end: () => (step === undefined ? decide() : []),
  };
}
