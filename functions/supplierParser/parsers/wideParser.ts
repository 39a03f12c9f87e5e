import { Channel, Day, Reading, dayString, timeOfDay } from "../readingSchema";
import { DuplicateTracker, RowError, checkIntervalCount, checkKeyDate, parseDmy, parseKwh } from "../validate";
import { LineParser, ParseContext, reasonOf } from "./lineParser";
import { LocalClock } from "../localClock";

// Maps, not object literals: a cell reading "constructor" must not find Object's
const ESTIMATED = new Map([
  ["No", "A"],
  ["Yes", "E"],
]);
const CON_GEN = new Map<string, Channel>([
  ["Consumption", "consumption"],
  ["Generation", "generation"],
]);

/**
 * One row per day and channel: NMI, meter, CON/GEN (Consumption or Generation), DATE (d/m/yy), ESTIMATED?, then one column per interval, in
 * wall-clock time on `ctx.clock`. On the day clocks go forward the exports keep the columns of the skipped
 * hour, with 0: those are not readings (an interval that did not happen); a non-zero value there rejects the row.
 */
export function wideParser(ctx: ParseContext, header: readonly string[]): LineParser {
  const n = header.length - 5;
  const intervalMinutes = 1440 / n;
  const days = { consumption: new DuplicateTracker("consumption day"), generation: new DuplicateTracker("generation day") };
  return {
    line(f, line) {
      try {
        if (!Number.isInteger(intervalMinutes)) throw new RowError(`header has ${n} interval columns, which does not divide a day`);
        checkIntervalCount(f.length - 5, n);
        const channel = CON_GEN.get(f[2].trim());
        if (!channel) throw new RowError(`CON/GEN ${JSON.stringify(f[2])} is not Consumption or Generation`);
        const day = parseDmy(f[3]);
        checkKeyDate(day, ctx.keyDate);
        const quality = ESTIMATED.get(f[4].trim());
        if (!quality) throw new RowError(`ESTIMATED? ${JSON.stringify(f[4])} is not Yes or No`);
        const values = f.slice(5).map((v, i) => parseKwh(v, `interval ${i + 1}: `, intervalMinutes, ctx.bounds));
        days[channel].check(dayString(day), line);
        const readings: Reading[] = [];
        for (let i = 0; i < values.length; i++) {
          const t = ctx.clock.resolve(day, i * intervalMinutes);
          if (t === undefined) {
            if (values[i] !== 0)
              throw new RowError(`interval ${i + 1} has ${values[i]} kWh, but that time did not happen in ${ctx.clock.name} (the clocks went forward)`);
            continue;
          }
          readings.push({ clientId: ctx.clientId, intervalStart: new Date(t).toISOString(), intervalMinutes, kwh: values[i], quality, channel });
        }
        const note = secondPassNote(ctx.clock, day, intervalMinutes, values.length);
        return [note ? { line, readings, note } : { line, readings }];
      } catch (e) {
        return [{ line, reason: reasonOf(e) }];
      }
    },
    end: () => [],
  };
}

/**
 * On the day clocks go back, an hour of wall-clock time happens twice, but a wide row has one column for each of
 * its intervals: they are read as the first pass, and the second pass has no reading. Says so, with the UTC
 * span left without one; undefined on any other day.
 */
export function secondPassNote(clock: LocalClock, day: Day, intervalMinutes: number, columns: number): string | undefined {
  // a day no longer than its wall clock from 00:00 to 23:59 repeats nothing: most rows stop here
  const start = clock.resolve(day, 0);
  const end = clock.resolve(day, 1439);
  if (!clock.repeated || (start !== undefined && end !== undefined && end - start <= 1439 * 60_000)) return undefined;
  let first: number | undefined;
  let last: number | undefined;
  for (let i = 0; i < columns; i++) {
    if (clock.repeated(day, i * intervalMinutes) === undefined) continue;
    first ??= i;
    last = i;
  }
  if (first === undefined || last === undefined) return undefined;
  const from = clock.repeated!(day, first * intervalMinutes)!;
  const to = clock.repeated!(day, last * intervalMinutes)! + intervalMinutes * 60_000;
  return (
    `${dayString(day)}: ${timeOfDay(first * intervalMinutes)}-${timeOfDay((last + 1) * intervalMinutes)} happened twice in ${clock.name} (the clocks went back), ` +
    `but the row has one column for each of its intervals: read as the first pass; the second, ${new Date(from).toISOString()} to ${new Date(to).toISOString()}, has no reading`
  );
}
