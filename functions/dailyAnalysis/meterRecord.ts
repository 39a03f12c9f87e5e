import { zonedIsoTime } from "../../anomaly/io/timestamp";
import { DEFAULT_BOUNDS, maxKwh } from "../supplierParser/bounds";
import { inReadingYears } from "../shared/readingYears";
import { showValue } from "../shared/showValue";

/**
 * One consumption reading for the analysis, from either source:
 * - the real-time lake: JSON lines `{ timestamp, kwh, intervalMinutes?, clientId, day, receivedAt }`
 *   (docs/contracts.md; the IoT rule adds the last three);
 * - supplier files: `processed/{YYYYMMDD}/{ClientID}.jsonl` lines of functions/supplierParser's `Reading`.
 */
export interface MeterReading {
  readonly startMs: number;
  readonly minutes: number;
  readonly kwh: number;
  readonly source: "realtime" | "supplier";
}

export const INTERVALS = [5, 15, 30, 60] as const;

const show = (v: unknown): string => showValue(v);

function time(v: unknown, field: string): number | string {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  const ms = typeof v === "string" ? zonedIsoTime(v) : undefined;
  if (ms !== undefined) return Number.isNaN(ms) ? `field "${field}" is not a real time, got ${show(v)}` : ms;
  return `field "${field}" must be an ISO 8601 time with a zone or epoch milliseconds, got ${show(v)}`;
}

/** More than any meter reads in one interval (a 1 GW site for an hour); beyond it the profile's arithmetic is not exact. */
export const MAX_READING_KWH = 1_000_000;

function kwhOf(v: unknown, field: string): number | string {
  if (!(typeof v === "number" && Number.isFinite(v) && v >= 0)) return `field "${field}" must be a finite number >= 0, got ${show(v)}`;
  return v <= MAX_READING_KWH ? v : `field "${field}" ${show(v)} is over ${MAX_READING_KWH} kWh, more than any meter reads in one interval`;
}

/** The line's JSON object, or why it is not one. */
function objectOf(line: string): Record<string, unknown> | string {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return `not JSON: ${show(line)}`;
  }
  return typeof o === "object" && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>) : `expected a JSON object, got ${show(o)}`;
}

/** A reading, or the reason the line is refused. */
export function parseRealtimeLine(line: string): MeterReading | string {
  const r = objectOf(line);
  if (typeof r === "string") return r;
  const startMs = time(r.timestamp, "timestamp");
  if (typeof startMs === "string") return startMs;
  const kwh = kwhOf(r.kwh, "kwh");
  if (typeof kwh === "string") return kwh;
  const minutes = r.intervalMinutes ?? 30;
  if (!INTERVALS.includes(minutes as never)) return `field "intervalMinutes" must be one of ${INTERVALS.join(", ")}, got ${show(r.intervalMinutes)}`;
  if (!inReadingYears(startMs)) return `field "timestamp" ${show(r.timestamp)} is outside the years 2000 to 2099 (a broken clock, or seconds for milliseconds)`;
  // the supplier files' physical bound (bounds.ts), so a meter's garbage cannot become a customer's total
  const most = maxKwh(DEFAULT_BOUNDS, minutes as number);
  if (kwh > most)
    return `field "kwh" ${show(kwh)} is over ${Math.round(most * 1000) / 1000} kWh, more than a ${DEFAULT_BOUNDS.maxKw} kW connection carries in ${minutes as number} minutes`;
  return { startMs, minutes: minutes as number, kwh, source: "realtime" };
}

export function parseSupplierLine(line: string): MeterReading | string {
  const r = objectOf(line);
  if (typeof r === "string") return r;
  const startMs = time(r.intervalStart, "intervalStart");
  if (typeof startMs === "string") return startMs;
  const kwh = kwhOf(r.kwh, "kwh");
  if (typeof kwh === "string") return kwh;
  const minutes = r.intervalMinutes;
  if (typeof minutes !== "number" || !Number.isInteger(minutes) || minutes <= 0 || 1440 % minutes !== 0) {
    return `field "intervalMinutes" must be a whole divisor of 1440, got ${show(minutes)}`;
  }
  return { startMs, minutes, kwh, source: "supplier" };
}
