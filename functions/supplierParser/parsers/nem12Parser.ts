import { Channel, Day, QUALITY_FLAGS, Reading, dayString } from "../readingSchema";
import { DuplicateTracker, RowError, checkIntervalCount, checkIntervalLength, checkKeyDate, parseKwh, parseYmd } from "../validate";
import { NEM_TIME, intervalStart } from "../localClock";
import { LineParser, ParseContext, RowOutcome, reasonOf } from "./lineParser";

/** NEM12's QualityMethod: the quality flag, then (for substituted and estimated data) a two-digit method. */
const QUALITY_METHOD = /^[A-Z](\d{2})?$/;

/** MDFF NMI suffix, first character: E = import (consumption), B = export (generation). */
const SUFFIX_CHANNEL = new Map<string, Channel>([
  ["E", "consumption"],
  ["B", "generation"],
]);

type Pending =
  { line: number; reason: string } | { line: number; day: Day; channel: Channel; values: number[]; quality: string; perInterval: (string | undefined)[] };

/**
 * AEMO NEM12: 200 = meter data stream (field 5 NMI suffix, field 8 uom, field 9 interval minutes), 300 = one day of interval values then
 * the quality method; 400 = per-interval quality when the 300 says V. A 300 is held until the next
 * non-400 record because its 400s decide its qualities. The first character of the NMI suffix names the
 * stream's direction (MDFF specification: E import, B export), so consumption and generation are kept apart
 * and a day repeats only within its channel.
 */
export function nem12Parser(ctx: ParseContext): LineParser {
  let intervalMinutes: number | undefined;
  // why the 300 records of the current 200 record cannot be read, when its interval was bad
  let intervalProblem: string | undefined;
  let streamError: string | undefined;
  let channel: Channel = "consumption";
  let pending: Pending | undefined;
  const days = { consumption: new DuplicateTracker("consumption day"), generation: new DuplicateTracker("generation day") };

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
      channel: p.channel,
    }));
    return [{ line: p.line, readings }];
  }

  function day300(f: string[], line: number): Pending {
    if (intervalMinutes === undefined) throw new RowError(intervalProblem ?? "300 record before any 200 record");
    if (streamError) throw new RowError(streamError);
    const n = 1440 / intervalMinutes;
    // The quality method (a flag letter, then for substituted and estimated data a two-digit method: A, E52, S14)
    // is the first such field after the values; its position counts them.
    const q = f.findIndex((v, i) => i >= 2 && QUALITY_METHOD.test(v.trim()));
    if (q < 0) throw new RowError("no quality method (a flag such as A, or E52) after the interval values");
    checkIntervalCount(q - 2, n);
    const day = parseYmd(f[1]);
    checkKeyDate(day, ctx.keyDate);
    const values = f.slice(2, 2 + n).map((v, i) => parseKwh(v, `interval ${i + 1}: `, intervalMinutes!, ctx.bounds));
    const method = f[2 + n].trim();
    const quality = method.charAt(0);
    if (!(QUALITY_FLAGS as readonly string[]).includes(quality)) {
      throw new RowError(`quality method ${JSON.stringify(method)}: flag ${JSON.stringify(quality)} is not one of ${QUALITY_FLAGS.join(", ")}`);
    }
    days[channel].check(dayString(day), line);
    return { line, day, channel, values, quality, perInterval: new Array<string | undefined>(n).fill(undefined) };
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
          intervalProblem = undefined;
        } catch {
          intervalMinutes = undefined;
          intervalProblem = `the 200 record at line ${line} has interval ${JSON.stringify(f[8] ?? "")}, which does not divide a day`;
        }
        const suffix = (f[4] ?? "").trim().toUpperCase();
        const direction = SUFFIX_CHANNEL.get(suffix.charAt(0));
        channel = direction ?? "consumption";
        streamError =
          (f[7] ?? "").trim().toUpperCase() !== "KWH"
            ? `unit ${JSON.stringify(f[7] ?? "")} of the 200 record is not KWH`
            : direction === undefined
              ? `NMI suffix ${JSON.stringify(f[4] ?? "")} of the 200 record is neither E (import) nor B (export)`
              : undefined;
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
