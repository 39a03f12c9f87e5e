import { zonedIsoTime } from "../../anomaly/io/timestamp";
import { showValue } from "./showValue";

/** Reading times outside 2000-01-01..2100-01-01 are unit mistakes (seconds for milliseconds) or broken clocks. */
export const EARLIEST_READING_MS = Date.UTC(2000, 0, 1);
export const LATEST_READING_MS = Date.UTC(2100, 0, 1);

/** Whether epoch ms `ms` falls within the years a reading may carry. */
export const inReadingYears = (ms: number): boolean => ms >= EARLIEST_READING_MS && ms < LATEST_READING_MS;

/**
 * A reading's time, epoch milliseconds or ISO 8601 with a zone, within those years: its epoch milliseconds, or
 * the problem with `field` as a message.
 */
export function readingTime(field: string, value: unknown): number | string {
  if (typeof value === "number" && !Number.isInteger(value)) return `field "${field}" must be integer epoch milliseconds, got ${showValue(value)}`;
  const ms = typeof value === "number" ? value : typeof value === "string" ? zonedIsoTime(value) : undefined;
  if (ms === undefined) return `field "${field}" must be epoch milliseconds or an ISO 8601 time with a zone, got ${showValue(value)}`;
  if (Number.isNaN(ms)) return `field "${field}" is not a valid time, got ${showValue(value)}`;
  if (!inReadingYears(ms)) return `field "${field}" ${showValue(value)} is outside 2000-01-01..2100-01-01 (epoch seconds instead of milliseconds?)`;
  return ms;
}
