import { InputError } from "./errors";
import { SUMMARY_QUERIES, SummaryQuery, customerActivityQuery, installationsQuery, supplierQuery, trainsQuery } from "./queries";
import { SummaryDay } from "./summaryDay";

export type Row = Readonly<Record<string, string | number | null>>;

/** Runs one summary query for one day; Athena and DuckDB implement it. */
export interface QueryEngine {
  run(query: SummaryQuery, day: SummaryDay): Promise<Row[]>;
  /** What the engine's queries scanned and cost so far; undefined when the engine is local. */
  scanned?(): { bytesScanned: number; costUsd: number };
}

export interface TrainDay {
  readonly trainId: string;
  readonly readings: number;
  readonly anomalies: number;
}

export interface Summary {
  readonly date: string;
  readonly installationsWithRealtimeData: number;
  readonly supplierFiles: number;
  readonly rejectedRows: number;
  readonly profileUpdates: number;
  readonly reportDownloads: number;
  readonly trains: TrainDay[];
  readonly bytesScanned?: number;
  readonly costUsd?: number;
  /** Shared readings of the day no count could attribute: not JSON, or without source or device (absent when none). */
  readonly unreadableReadings?: number;
  /** Local files left out because they could not be read (DuckDB engine only; absent when none). */
  readonly skippedFiles?: number;
}

/** The summary with the number of local files left out unread, when any was (`gridrail summary --local` and `npm start` alike). */
export function withSkippedFiles(summary: Summary, skipped: number): Summary {
  return skipped > 0 ? { ...summary, skippedFiles: skipped } : summary;
}

/** Runs the summary queries one after another (each prints its own progress) and assembles the summary. */
export async function summarize(engine: QueryEngine, day: SummaryDay): Promise<Summary> {
  const rows = new Map<string, Row[]>();
  for (const q of SUMMARY_QUERIES) rows.set(q.name, await engine.run(q, day));
  const single = (q: SummaryQuery): Row => {
    const r = rows.get(q.name)!;
    if (r.length !== 1) throw new InputError(`query ${q.name} returned ${r.length} rows, expected 1`);
    return r[0];
  };
  const installations = single(installationsQuery);
  const supplier = single(supplierQuery);
  const customers = single(customerActivityQuery);
  const summary: Summary = {
    date: day.iso,
    installationsWithRealtimeData: count(installationsQuery, installations, "installations"),
    supplierFiles: count(supplierQuery, supplier, "files"),
    rejectedRows: count(supplierQuery, supplier, "rejected_rows"),
    profileUpdates: count(customerActivityQuery, customers, "profile_updates"),
    reportDownloads: count(customerActivityQuery, customers, "report_downloads"),
    trains: rows.get(trainsQuery.name)!.map((r) => ({
      trainId: text(trainsQuery, r, "train_id"),
      readings: count(trainsQuery, r, "readings"),
      anomalies: count(trainsQuery, r, "anomalies"),
    })),
  };
  const unreadable = count(installationsQuery, installations, "unreadable");
  const withUnreadable = unreadable > 0 ? { ...summary, unreadableReadings: unreadable } : summary;
  return engine.scanned ? { ...withUnreadable, ...engine.scanned() } : withUnreadable;
}

/** A count column: a whole number >= 0 (Athena returns text, DuckDB numbers; an empty sum is null = 0). */
function count(q: SummaryQuery, row: Row, column: string): number {
  if (!(column in row)) throw new InputError(`query ${q.name} returned no column ${column}`);
  const v = row[column];
  const n = v === null ? 0 : Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`query ${q.name} column ${column} is ${JSON.stringify(v)}, not a count`);
  return n;
}

function text(q: SummaryQuery, row: Row, column: string): string {
  const v = row[column];
  if (typeof v !== "string") throw new InputError(`query ${q.name} column ${column} is ${JSON.stringify(v)}, not text`);
  return v;
}
