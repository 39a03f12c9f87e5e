import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  QueryExecutionState,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { QueryError } from "./errors";
import { SummaryQuery, athenaParameters } from "./queries";
import { QueryEngine, Row } from "./summary";
import { SummaryDay } from "./summaryDay";

/** Athena bills $5 per TB scanned, each query rounded up to whole MB with a 10 MB minimum. */
export const USD_PER_TB = 5;
export const MIN_BILLED_MB = 10;
const MB = 1024 * 1024;

export const ATHENA_DEFAULTS = { timeoutMs: 300_000, firstPollMs: 250, maxPollMs: 5_000 } as const;

export interface AthenaProgress {
  readonly query: string;
  readonly executionId: string;
  readonly state: string;
  readonly elapsedMs: number;
  readonly bytesScanned: number;
}

export interface AthenaEngineOptions {
  readonly workgroup: string;
  readonly database: string;
  /** Give up (and stop the query) after this long. Default 300 000 ms. */
  readonly timeoutMs?: number;
  /** First poll delay, doubled after each poll up to maxPollMs. Default 250 / 5 000 ms. */
  readonly firstPollMs?: number;
  readonly maxPollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly onProgress?: (p: AthenaProgress) => void;
}

/** Cost of one query in USD, before rounding. */
export function queryCostUsd(bytesScanned: number): number {
  const billedMb = Math.max(MIN_BILLED_MB, Math.ceil(bytesScanned / MB));
  return (billedMb * USD_PER_TB) / MB;
}

// an array, not a Set: the inline Lambda's serializer does not rebuild module-level Sets and Maps
const NUMERIC: readonly string[] = ["tinyint", "smallint", "integer", "bigint", "double", "float", "real", "decimal"];

/** Runs summary queries in a workgroup: start, poll with capped exponential backoff, page through results. */
export class AthenaEngine implements QueryEngine {
  private bytes = 0;
  private cost = 0;

  constructor(
    private readonly client: AthenaClient,
    private readonly options: AthenaEngineOptions,
  ) {}

  scanned(): { bytesScanned: number; costUsd: number } {
    return { bytesScanned: this.bytes, costUsd: Math.round(this.cost * 1e6) / 1e6 };
  }

  async run(query: SummaryQuery, day: SummaryDay): Promise<Row[]> {
    const started = await this.client.send(
      new StartQueryExecutionCommand({
        QueryString: query.sql,
        ExecutionParameters: athenaParameters(query, day),
        WorkGroup: this.options.workgroup,
        QueryExecutionContext: { Database: this.options.database },
      }),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new QueryError(`query ${query.name}: Athena returned no QueryExecutionId`, query.name, "", "UNKNOWN");
    const bytes = await this.waitFor(query.name, id);
    this.bytes += bytes;
    this.cost += queryCostUsd(bytes);
    return this.results(id);
  }

  private async waitFor(name: string, id: string): Promise<number> {
    const o = this.options;
    const now = o.now ?? Date.now;
    const sleep = o.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const timeoutMs = o.timeoutMs ?? ATHENA_DEFAULTS.timeoutMs;
    const start = now();
    let delay = o.firstPollMs ?? ATHENA_DEFAULTS.firstPollMs;
    for (;;) {
      const out = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const status = out.QueryExecution?.Status;
      const state = status?.State ?? "UNKNOWN";
      const bytesScanned = out.QueryExecution?.Statistics?.DataScannedInBytes ?? 0;
      const elapsedMs = now() - start;
      o.onProgress?.({ query: name, executionId: id, state, elapsedMs, bytesScanned });
      if (state === QueryExecutionState.SUCCEEDED) return bytesScanned;
      if (state === QueryExecutionState.FAILED || state === QueryExecutionState.CANCELLED) {
        throw new QueryError(`query ${name} (${id}) ${state}: ${status?.StateChangeReason ?? "Athena gave no reason"}`, name, id, state);
      }
      if (elapsedMs >= timeoutMs) {
        // Stop it so an abandoned query does not keep scanning (and billing); a failed stop does not hide the timeout.
        await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
        throw new QueryError(`query ${name} (${id}) did not finish within ${timeoutMs / 1000} s (last state ${state}); stopped it`, name, id, state);
      }
      await sleep(Math.min(delay, timeoutMs - elapsedMs));
      delay = Math.min(delay * 2, o.maxPollMs ?? ATHENA_DEFAULTS.maxPollMs);
    }
  }

  private async results(id: string): Promise<Row[]> {
    const rows: Row[] = [];
    let columns: { name: string; numeric: boolean }[] | undefined;
    let token: string | undefined;
    do {
      const page = await this.client.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }));
      const first = columns === undefined;
      columns ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => ({
        name: c.Name ?? "",
        numeric: NUMERIC.includes((c.Type ?? "").toLowerCase()),
      }));
      const data = page.ResultSet?.Rows ?? [];
      // A SELECT's first page starts with the header row.
      for (const r of first ? data.slice(1) : data) {
        const cells = r.Data ?? [];
        rows.push(
          Object.fromEntries(
            columns.map((c, i) => {
              const v = cells[i]?.VarCharValue;
              return [c.name, v === undefined ? null : c.numeric ? Number(v) : v];
            }),
          ),
        );
      }
      token = page.NextToken;
    } while (token);
    return rows;
  }
}
