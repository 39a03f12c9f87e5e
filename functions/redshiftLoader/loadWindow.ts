import { SettingsError } from "./errors";

/**
 * The schedule's input `{ scheduledTime, window: "previous-hour" }` → the hour to load and the day folders to
 * list. Firehose files an object under the day of its oldest record (`readings/yyyy/MM/dd/`, UTC), so an object
 * finished just after midnight sits in the previous day: we list the window's day and the day before, which
 * also catches up anything a failed run left behind in those two days (load_history filters what is done).
 */
export interface LoadWindow {
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, exclusive: objects written at or after it wait for the next run. */
  readonly end: number;
  /** `readings/yyyy/MM/dd/`, oldest first. */
  readonly prefixes: readonly string[];
}

export const HOUR_MS = 3_600_000;
/**
 * Days before the window's own that each run lists again: objects a failed run left (Redshift paused, a
 * batch refused) are loaded by a later run as long as the outage is shorter than this. A week of listing is
 * a few thousand keys an hour; the loaded-keys query covers the same days.
 */
export const CATCH_UP_DAYS = 7;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

export function dayPrefix(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `readings/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/`;
}

export function loadWindow(event: unknown): LoadWindow {
  const input = (typeof event === "object" && event !== null ? event : {}) as Record<string, unknown>;
  const { scheduledTime, window } = input;
  if (window !== "previous-hour") throw new SettingsError(`event field "window" must be "previous-hour", got ${JSON.stringify(window) ?? "undefined"}`);
  const ms = typeof scheduledTime === "string" && ISO.test(scheduledTime) ? Date.parse(scheduledTime) : NaN;
  if (Number.isNaN(ms)) {
    throw new SettingsError(`event field "scheduledTime" must be an ISO 8601 time with a zone, got ${JSON.stringify(scheduledTime) ?? "undefined"}`);
  }
  const end = Math.floor(ms / HOUR_MS) * HOUR_MS;
  const start = end - HOUR_MS;
  const prefixes = Array.from({ length: CATCH_UP_DAYS + 1 }, (_, i) => dayPrefix(start - (CATCH_UP_DAYS - i) * 24 * HOUR_MS));
  return { start, end, prefixes };
}

/**
 * `manifests/readings/yyyy/MM/dd/HH00-<run id>.json`: the window's hour, unique per run; a run's later attempt
 * (after setting refused objects aside) adds `-<attempt>` (2, 3, ...).
 */
export function manifestKey(window: LoadWindow, runId: string, attempt = 1): string {
  const iso = new Date(window.start).toISOString();
  return `manifests/${dayPrefix(window.start)}${iso.slice(11, 13)}00-${runId.replace(/[^A-Za-z0-9-]/g, "-")}${attempt > 1 ? `-${attempt}` : ""}.json`;
}
