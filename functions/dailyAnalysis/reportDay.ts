/**
 * Which day a run reports on. EventBridge Scheduler passes `{ scheduledTime, window: "previous-day" }`
 * (scheduledTime as ISO 8601 UTC); an operator re-running a day passes `{ date: "YYYY-MM-DD" }`.
 * Days are UTC: the lake's `{YYYYMMDD}` partition is the UTC day the reading was received.
 */
export interface ReportDay {
  /** `YYYY-MM-DD` */
  readonly iso: string;
  /** `YYYYMMDD`, as in lake and report keys */
  readonly compact: string;
  /** 00:00 UTC, epoch ms */
  readonly startMs: number;
}

export const DAY_MS = 86_400_000;

export class ReportDayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReportDayError";
    this.message = message;
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
    const ms = Date.parse(e.scheduledTime);
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
