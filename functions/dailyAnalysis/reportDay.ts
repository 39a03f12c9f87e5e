/**
 * Which day a run reports on. EventBridge Scheduler passes `{ scheduledTime, window: "previous-day" }`
 * (scheduledTime as ISO 8601 UTC); an operator re-running a day passes `{ date: "YYYY-MM-DD" }`.
 * Days are UTC: the lake's `{YYYYMMDD}` partition is the UTC day the reading was received.
 */
import { parseTimestamp } from "../../anomaly/io/timestamp";
import { NamedError } from "../shared/errors";

export interface ReportDay {
  /** `YYYY-MM-DD` */
  readonly iso: string;
  /** `YYYYMMDD`, as in lake and report keys */
  readonly compact: string;
  /** 00:00 UTC, epoch ms */
  readonly startMs: number;
}

export const DAY_MS = 86_400_000;

export class ReportDayError extends NamedError {
  constructor(message: string) {
    super("ReportDayError", message);
  }
}

export function dayFromMs(startMs: number): ReportDay {
  const iso = new Date(startMs).toISOString().slice(0, 10);
  return { iso, compact: iso.replace(/-/g, ""), startMs };
}

/** `YYYY-MM-DD` or `YYYYMMDD`, a real calendar day. */
export function parseDay(text: string, field = "date"): ReportDay {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
  const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).getUTCDate() !== +m[3] || new Date(ms).getUTCMonth() !== +m[2] - 1) {
    throw new ReportDayError(`${field} must be a calendar day YYYY-MM-DD, got ${JSON.stringify(text)}`);
  }
  return dayFromMs(ms);
}

export function addDays(day: ReportDay, n: number): ReportDay {
  return dayFromMs(day.startMs + n * DAY_MS);
}

/** The day an invocation event asks for. */
export function reportDayOf(event: unknown): ReportDay {
  const e = (typeof event === "object" && event !== null ? event : {}) as Record<string, unknown>;
  if (typeof e.date === "string") return parseDay(e.date);
  if (typeof e.scheduledTime === "string") {
    const ms = parseTimestamp(e.scheduledTime);
    if (!/^\d{4}-\d\d-\d\dT/.test(e.scheduledTime) || Number.isNaN(ms)) {
      throw new ReportDayError(`scheduledTime must be an ISO 8601 time, got ${JSON.stringify(e.scheduledTime)}`);
    }
    if (e.window !== undefined && e.window !== "previous-day") {
      throw new ReportDayError(`window must be "previous-day", got ${JSON.stringify(e.window)}`);
    }
    return dayFromMs(Math.floor(ms / DAY_MS) * DAY_MS - DAY_MS);
  }
  throw new ReportDayError(`event must have "date" (YYYY-MM-DD) or "scheduledTime" (ISO 8601), got ${JSON.stringify(event)?.slice(0, 80)}`);
}

/** One of `count` disjoint parts of the clients, so a large fleet's day is analysed by several invocations. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const MAX_SHARDS = 64;

/** The shard an invocation event asks for: `{ shard, shards }` (both or neither); the whole fleet when absent. */
export function shardOf(event: unknown): Shard {
  const e = (typeof event === "object" && event !== null ? event : {}) as Record<string, unknown>;
  if (e.shard === undefined && e.shards === undefined) return { index: 0, count: 1 };
  const count = e.shards;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_SHARDS) {
    throw new ReportDayError(`shards must be an integer in [1, ${MAX_SHARDS}], got ${JSON.stringify(count)}`);
  }
  const index = e.shard;
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new ReportDayError(`shard must be an integer in [0, ${count - 1}] (shards is ${count}), got ${JSON.stringify(index)}`);
  }
  return { index, count };
}

/** Whether a client belongs to a shard: FNV-1a of its id, modulo the shard count (stable across runs and runtimes). */
export function inShard(clientId: string, shard: Shard): boolean {
  if (shard.count === 1) return true;
  let h = 0x811c9dc5;
  for (let i = 0; i < clientId.length; i++) {
    h ^= clientId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shard.count === shard.index;
}
