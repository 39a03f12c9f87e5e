import { InputError } from "./errors";
import { QueryEngine, Summary, summarize } from "./summary";
import { SummaryDay, parseSummaryDay, previousDay } from "./summaryDay";

/** The scheduler's input (infra/dataSharing/usage.ts); `date` (YYYY-MM-DD) re-runs one day by hand. */
export interface SummaryEvent {
  readonly scheduledTime?: unknown;
  readonly window?: unknown;
  readonly date?: unknown;
}

/** The day a summary event asks for: its `date`, or the UTC day before `scheduledTime` for `previous-day`. */
export function dayOfEvent(event: SummaryEvent): SummaryDay {
  if (event.date !== undefined) {
    if (typeof event.date !== "string") throw new InputError(`event date ${JSON.stringify(event.date)} must be a string YYYY-MM-DD`);
    return parseSummaryDay(event.date);
  }
  if (event.window !== "previous-day") throw new InputError(`event window ${JSON.stringify(event.window)} is not supported; expected "previous-day"`);
  if (typeof event.scheduledTime !== "string") throw new InputError(`event scheduledTime ${JSON.stringify(event.scheduledTime)} must be an ISO 8601 time`);
  return previousDay(event.scheduledTime);
}

/** Where the day's summary lands in the results bucket. */
export function summaryKey(day: SummaryDay): string {
  return `summaries/${day.iso}.json`;
}

export interface SummaryStore {
  put(key: string, body: string): Promise<void>;
}

/** Runs the summary for the event's day and stores it; a re-run overwrites the same key. */
export async function writeDailySummary(engine: QueryEngine, store: SummaryStore, event: SummaryEvent): Promise<{ key: string; summary: Summary }> {
  const day = dayOfEvent(event);
  const summary = await summarize(engine, day);
  const key = summaryKey(day);
  await store.put(key, `${JSON.stringify(summary, null, 2)}\n`);
  return { key, summary };
}
