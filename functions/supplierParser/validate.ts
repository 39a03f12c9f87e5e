import { ReadingBounds, maxKwh } from "./bounds";
import { Day, dayString } from "./readingSchema";
import { NamedError } from "../shared/errors";

/** A rejected data row: the reason is what the quarantine report shows next to the line number. */
export class RowError extends NamedError {
  constructor(message: string) {
    super("RowError", message);
  }
}

/**
 * A kWh value: a plain decimal, finite, not negative, and at most what an interval of `minutes` can hold
 * within `bounds`. `where` names the field in the reason ("interval 3: ", "kwh ").
 */
export function parseKwh(raw: string, where: string, minutes: number, bounds: ReadingBounds): number {
  const s = raw.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new RowError(`${where}${JSON.stringify(raw)} is not a number`);
  const v = Number(s);
  if (!Number.isFinite(v)) throw new RowError(`${where}${s} is not a finite number`);
  if (v < 0) throw new RowError(`${where}${s} is negative`);
  const max = maxKwh(bounds, minutes);
  if (v > max) throw new RowError(`${where}${s} is over ${max} kWh, the most a ${minutes}-minute interval holds at ${bounds.maxKw} kW`);
  return v;
}

function realDay(y: number, m: number, d: number): Day | undefined {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? { y, m, d } : undefined;
}

export function parseYmd(raw: string): Day {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(raw.trim());
  const day = m && realDay(Number(m[1]), Number(m[2]), Number(m[3]));
  if (!day) throw new RowError(`date ${JSON.stringify(raw)} is not a valid YYYYMMDD date`);
  return day;
}

/** d/m/yy or d/m/yyyy (Australian order, as spreadsheets write it); two-digit years are 20yy. */
export function parseDmy(raw: string): Day {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(raw.trim());
  const day = m && realDay(m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]), Number(m[2]), Number(m[1]));
  if (!day) throw new RowError(`date ${JSON.stringify(raw)} is not a valid d/m/yy date`);
  return day;
}

/** `d/m/yy h:mm` -> day and minute of day. */
export function parseDmyTime(raw: string): { day: Day; minute: number } {
  const m = /^(\S+)\s+(\d{1,2}):(\d{2})$/.exec(raw.trim());
  if (!m || Number(m[2]) > 23 || Number(m[3]) > 59) throw new RowError(`date ${JSON.stringify(raw)} is not a valid d/m/yy h:mm time`);
  return { day: parseDmy(m[1]), minute: Number(m[2]) * 60 + Number(m[3]) };
}

export function expectFields(fields: readonly string[], n: number): void {
  if (fields.length !== n) throw new RowError(`expected ${n} fields, found ${fields.length}`);
}

/** Rejects days after the date in the S3 key: a daily file cannot hold readings from its future. */
export function checkKeyDate(day: Day, keyDate: string | undefined): void {
  if (keyDate === undefined) return;
  const key = `${keyDate.slice(0, 4)}-${keyDate.slice(4, 6)}-${keyDate.slice(6, 8)}`;
  if (dayString(day) > key) throw new RowError(`day ${dayString(day)} is after the upload's date ${key}`);
}

/**
 * Remembers the first line of each key (a day or an interval) to reject repeats. Number keys (epoch minutes)
 * keep a million-row file's tracker small; `show` turns a key into its text for the reason.
 */
export class DuplicateTracker<K extends string | number = string> {
  private readonly seen = new Map<K, number>();
  constructor(
    private readonly what: string,
    private readonly show: (key: K) => string = String,
  ) {}
  /** The line `key` was first seen at, if it was. */
  firstLine(key: K): number | undefined {
    return this.seen.get(key);
  }
  /** `written`: the key as the row writes it, named first when it reads otherwise (a local time, a UTC key). */
  check(key: K, line: number, written?: string): void {
    const first = this.seen.get(key);
    if (first === undefined) {
      this.seen.set(key, line);
      return;
    }
    const shown = this.show(key);
    if (written === undefined || written === shown) throw new RowError(`duplicate ${this.what} ${shown} (first seen at line ${first})`);
    throw new RowError(`duplicate ${this.what} ${JSON.stringify(written)} (${shown}; first seen at line ${first})`);
  }
}

export function checkIntervalLength(minutes: number): void {
  if (!Number.isInteger(minutes) || minutes <= 0 || 1440 % minutes !== 0) {
    throw new RowError(`interval length ${minutes} minutes does not divide a day`);
  }
}

export function checkIntervalCount(found: number, expected: number): void {
  if (found !== expected) throw new RowError(`expected ${expected} interval values, found ${found}`);
}
