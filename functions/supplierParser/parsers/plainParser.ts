import { DuplicateTracker, RowError, checkKeyDate, expectFields, parseKwh } from "../validate";
import { fixedOffsetClock, intervalStart } from "../localClock";
import { LineParser, ParseContext, reasonOf } from "./lineParser";

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d{1,9})?))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * `timestamp,kwh`: ISO 8601 timestamps; without a zone they are wall-clock times on the context's clock.
 * Intervals start on whole minutes (seconds are dropped).
 */
export function plainParser(ctx: ParseContext): LineParser {
  const seen = new DuplicateTracker("timestamp");
  return {
    line(f, line) {
      try {
        expectFields(f, 2);
        const m = ISO.exec(f[0].trim());
        const day = m && { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
        const local = m && Date.UTC(day!.y, day!.m - 1, day!.d, Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
        const t = local !== null && new Date(local);
        if (!m || !t || t.getUTCDate() !== day!.d || t.getUTCMonth() !== day!.m - 1 || Number(m[4]) > 23 || Number(m[5]) > 59) {
          throw new RowError(`timestamp ${JSON.stringify(f[0])} is not ISO 8601`);
        }
        checkKeyDate(day!, ctx.keyDate);
        const zone = m[7];
        const clock = zone === undefined ? ctx.clock : fixedOffsetClock(zone === "Z" ? 0 : (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2))));
        const kwh = parseKwh(f[1], "kwh ");
        const start = intervalStart(day!, Number(m[4]) * 60 + Number(m[5]), clock);
        seen.check(start, line);
        return [{ line, readings: [{ clientId: ctx.clientId, intervalStart: start, intervalMinutes: ctx.plainIntervalMinutes, kwh, quality: "A" }] }];
      } catch (e) {
        return [{ line, reason: reasonOf(e) }];
      }
    },
    end: () => [],
  };
}
