import { Day, QUALITY_FLAGS, Reading, dayString } from "../readingSchema";
import { DuplicateTracker, RowError, checkIntervalCount, checkIntervalLength, checkKeyDate, parseKwh, parseYmd } from "../validate";
import { NEM_TIME, intervalStart } from "../localClock";
import { LineParser, ParseContext, RowOutcome, reasonOf } from "./lineParser";

type Pending =
  | { line: number; reason: string }
  | { line: number; day: Day; values: number[]; quality: string; perInterval: (string | undefined)[] };

/**
 * AEMO NEM12: 200 = meter (field 8 uom, field 9 interval minutes), 300 = one day of interval values then
 * the quality method; 400 = per-interval quality when the 300 says V. A 300 is held until the next
 * non-400 record because its 400s decide its qualities.
 */
export function nem12Parser(ctx: ParseContext): LineParser {
  let intervalMinutes: number | undefined;
  let unitError: string | undefined;
  let pending: Pending | undefined;
  const days = new DuplicateTracker("day");

  function flush(): RowOutcome[] {
    const p = pending;
    pending = undefined;
    if (!p) return [];
    if ("reason" in p) return [p];
    if (p.quality === "V" && p.perInterval.some((q) => q === undefined)) {
      return [{ line: p.line, reason: "quality V without 400 records covering every interval" }];
    }
    const readings: Reading[] = p.values.map((kwh, i) => ({
      clientId: ctx.clientId,
      intervalStart: intervalStart(p.day, i * intervalMinutes!, NEM_TIME),
      intervalMinutes: intervalMinutes!,
      kwh,
      quality: p.quality === "V" ? p.perInterval[i]! : p.quality,
    }));
    return [{ line: p.line, readings }];
  }

  function day300(f: string[], line: number): Pending {
    if (intervalMinutes === undefined) throw new RowError("300 record before any 200 record");
    if (unitError) throw new RowError(unitError);
    const n = 1440 / intervalMinutes;
    // The quality method is the first one-letter field after the values; its position counts them.
    const q = f.findIndex((v, i) => i >= 2 && /^[A-Z]$/.test(v.trim()));
    if (q < 0) throw new RowError("no quality flag after the interval values");
    checkIntervalCount(q - 2, n);
    const day = parseYmd(f[1]);
    checkKeyDate(day, ctx.keyDate);
    const values = f.slice(2, 2 + n).map((v, i) => parseKwh(v, `interval ${i + 1}: `));
    const quality = f[2 + n].trim();
    if (!(QUALITY_FLAGS as readonly string[]).includes(quality)) {
      throw new RowError(`quality ${JSON.stringify(quality)} is not one of ${QUALITY_FLAGS.join(", ")}`);
    }
    days.check(dayString(day), line);
    return { line, day, values, quality, perInterval: new Array<string | undefined>(n).fill(undefined) };
  }

  function apply400(f: string[], p: Pending): void {
    if ("reason" in p) return;
    const n = p.values.length;
    const start = Number(f[1]);
    const end = Number(f[2]);
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 1 || end > n || start > end) {
      throw new RowError(`400 record: intervals ${f[1]}-${f[2]} are outside 1-${n}`);
    }
    const q = (f[3] ?? "").trim().charAt(0);
    if (!(QUALITY_FLAGS as readonly string[]).includes(q) || q === "V") {
      throw new RowError(`400 record: quality ${JSON.stringify(f[3] ?? "")} is not one of A, E, F, N, S`);
    }
    for (let i = start - 1; i < end; i++) p.perInterval[i] = q;
  }

  return {
    line(f, line) {
      const type = f[0].trim();
      if (type === "400") {
        if (!pending) return [{ line, reason: "400 record without a preceding 300 record" }];
        try {
          apply400(f, pending);
        } catch (e) {
          pending = { line: pending.line, reason: `${reasonOf(e)} (line ${line})` };
        }
        return [];
      }
      const out = flush();
      if (type === "100" || type === "500" || type === "900") return out;
      if (type === "200") {
        const minutes = Number(f[8]);
        try {
          checkIntervalLength(minutes);
          intervalMinutes = minutes;
        } catch {
          intervalMinutes = undefined;
        }
        unitError = (f[7] ?? "").trim().toUpperCase() === "KWH" ? undefined : `unit ${JSON.stringify(f[7] ?? "")} of the 200 record is not KWH`;
        if (intervalMinutes === undefined) return [...out, { line, reason: `200 record: interval ${JSON.stringify(f[8] ?? "")} does not divide a day` }];
        return out;
      }
      if (type === "300") {
        try {
          pending = day300(f, line);
        } catch (e) {
          pending = { line, reason: reasonOf(e) };
        }
        return out;
      }
      return [...out, { line, reason: `unknown NEM12 record type ${JSON.stringify(type)}` }];
    },
    end: flush,
  };
}
