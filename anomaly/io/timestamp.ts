/**
 * Strict time and number text for the CSV commands: ISO-8601 with a real calendar check, or epoch
 * numbers; plain decimal numbers only. `Date.parse` alone accepts `2020-02-30` (as 1 March) and `March 7`
 * (as 2001), and `Number` accepts `0x10`: a series would then be scored on times and values nobody wrote.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const EPOCH = /^-?\d+(\.\d+)?$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Whether the calendar fields name a day and time that exist (month 1-12, a day the month has, hours 0-23,
 * minutes and seconds 0-59): `Date.parse` and `Date.UTC` would roll `2020-02-30` over to 1 March instead.
 */
export function isRealCalendarTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59;
}

/** Offset in minutes east of UTC for `Z`, `+HH:MM` or `+HHMM`; NaN when out of range. */
function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === "Z") return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (hours > 23 || minutes > 59) return NaN;
  return (m[1] === "-" ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * Milliseconds since the epoch for ISO-8601 text (`YYYY-MM-DD`, then `T` or a space and `HH:MM[:SS[.fff]]`,
 * optionally `Z` or `±HH:MM`; no zone means UTC), or the number itself for epoch text. NaN for anything
 * else, including days and times that do not exist (`2020-02-30`, `24:00`).
 */
export function parseTimestamp(text: string): number {
  const t = text.trim();
  if (EPOCH.test(t)) return Number(t);
  const m = ISO.exec(t);
  if (!m) return NaN;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (!isRealCalendarTime(year, month, day, hour, minute, second)) return NaN;
  const offset = offsetMinutes(m[8]);
  if (Number.isNaN(offset)) return NaN;
  // fractions beyond milliseconds (NAB writes microseconds) are cut, as Date.parse would
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, "0"));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC maps years 0-99 to 1900-1999
  const fixed = year < 100 ? new Date(utc).setUTCFullYear(year) : utc;
  return fixed - offset * 60_000;
}

const ZONED_ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)$/;

/**
 * For ISO 8601 text with a zone (`2026-11-21T10:30:00Z`, `...+10:00`): its epoch milliseconds, or NaN when its
 * fields name no real time (`2026-02-30`, `24:00`). Undefined for text of any other form.
 */
export function zonedIsoTime(text: string): number | undefined {
  const m = ZONED_ISO.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  return isRealCalendarTime(y, mo, d, h, mi, s || 0) ? Date.parse(text) : NaN;
}

/** True for time text written as an epoch number (`1700000000000`, `-5`, `1.5`), which parseTimestamp reads as milliseconds. */
export function isEpochText(text: string): boolean {
  return EPOCH.test(text.trim());
}

/** True for text written as a plain decimal number (`12`, `-0.5`, `1e3`, also `1e999`, too large to hold). */
export function hasDecimalSyntax(text: string): boolean {
  return DECIMAL.test(text.trim());
}

/** True for plain decimal text (`12`, `-0.5`, `1e3`), false for hex, binary, `Infinity`, blanks, `1e999`. */
export function isDecimalText(text: string): boolean {
  return hasDecimalSyntax(text) && Number.isFinite(Number(text.trim()));
}
