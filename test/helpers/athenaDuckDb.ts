/**
 * Athena for the data stand-in (JSON 1.1, X-Amz-Target AmazonAthena.*): StartQueryExecution runs the query on
 * DuckDB over a local lake (functions/usageSummary/duckdbEngine.ts) with its ExecutionParameters substituted for
 * the `?`s as Athena does, GetQueryExecution reports RUNNING once and then the outcome, and GetQueryResults pages
 * the rows as Athena does: text cells, a header row first, ColumnInfo types. A query DuckDB rejects, or one
 * matching `failing`, ends FAILED with the reason.
 */
import { DuckDbEngine } from "../../functions/usageSummary/duckdbEngine";

type Row = Readonly<Record<string, string | number | null>>;

interface Execution {
  readonly id: string;
  readonly sql: string;
  readonly workgroup: string;
  readonly database: string;
  polls: number;
  rows?: Row[];
  error?: string;
}

export interface AthenaOnDuckDb {
  readonly executions: Execution[];
  /** Answers one operation: [status, body]. */
  handle(op: string, input: Record<string, unknown>): Promise<[number, unknown]>;
}

/** The SQL with each `?` replaced by the next ExecutionParameter (already SQL literals). */
export function substitute(sql: string, parameters: readonly string[]): string {
  const parts = sql.split("?");
  if (parts.length - 1 !== parameters.length) throw new Error(`the query has ${parts.length - 1} placeholders but ${parameters.length} ExecutionParameters`);
  return parts.reduce((out, part, i) => out + parameters[i - 1] + part);
}

function columnType(rows: readonly Row[], name: string): string {
  const values = rows.map((r) => r[name]).filter((v) => v !== null);
  if (values.length > 0 && values.every((v) => typeof v === "number")) return values.every((v) => Number.isInteger(v)) ? "bigint" : "double";
  return "varchar";
}

export function athenaOnDuckDb(engine: DuckDbEngine, failing?: { readonly match: RegExp; readonly reason: string }): AthenaOnDuckDb {
  const executions: Execution[] = [];
  const find = (input: Record<string, unknown>) => executions.find((e) => e.id === input.QueryExecutionId);
  const invalid = (message: string): [number, unknown] => [400, { __type: "InvalidRequestException", Message: message }];
  return {
    executions,
    async handle(op, input) {
      if (op === "StartQueryExecution") {
        const sql = substitute(String(input.QueryString), (input.ExecutionParameters as string[] | undefined) ?? []);
        const context = (input.QueryExecutionContext ?? {}) as { Database?: string };
        const e: Execution = { id: `query-${executions.length + 1}`, sql, workgroup: String(input.WorkGroup), database: String(context.Database), polls: 0 };
        executions.push(e);
        if (failing?.match.test(sql)) e.error = failing.reason;
        else {
          try {
            e.rows = await engine.sql(sql);
          } catch (err) {
            e.error = (err as Error).message.split("\n")[0];
          }
        }
        return [200, { QueryExecutionId: e.id }];
      }
      const e = find(input);
      if (!e) return invalid(`QueryExecution ${String(input.QueryExecutionId)} was not found`);
      if (op === "GetQueryExecution") {
        e.polls += 1;
        const State = e.polls === 1 ? "RUNNING" : e.error ? "FAILED" : "SUCCEEDED";
        const scanned = State === "SUCCEEDED" ? Buffer.byteLength(JSON.stringify(e.rows)) : 0;
        return [
          200,
          {
            QueryExecution: {
              QueryExecutionId: e.id,
              Query: e.sql,
              Status: { State, ...(State === "FAILED" ? { StateChangeReason: e.error } : {}) },
              Statistics: { DataScannedInBytes: scanned },
            },
          },
        ];
      }
      if (op === "GetQueryResults") {
        if (!e.rows) return invalid(`Query has not yet finished. Current state: ${e.error ? "FAILED" : "RUNNING"}`);
        const names = e.rows.length > 0 ? Object.keys(e.rows[0]) : [];
        const max = Number(input.MaxResults ?? 1000);
        const start = input.NextToken ? Number(input.NextToken) : 0;
        // the first page carries the header row and counts it against MaxResults
        const data = start === 0 ? [null, ...e.rows] : e.rows.slice(start - 1);
        const page = data.slice(0, max);
        const next = start + page.length;
        return [
          200,
          {
            ResultSet: {
              ResultSetMetadata: { ColumnInfo: names.map((n) => ({ Name: n, Label: n, Type: columnType(e.rows!, n) })) },
              Rows: page.map((r) => ({ Data: names.map((n) => (r === null ? { VarCharValue: n } : r[n] === null ? {} : { VarCharValue: String(r[n]) })) })),
            },
            ...(next < e.rows.length + 1 ? { NextToken: String(next) } : {}),
          },
        ];
      }
      return invalid(`the stand-in does not implement ${op}`);
    },
  };
}
