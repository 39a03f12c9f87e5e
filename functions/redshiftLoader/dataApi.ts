import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  DescribeStatementResponse,
  ExecuteStatementCommand,
  Field,
  GetStatementResultCommand,
  RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";
import { StatementError, SubStatement } from "./errors";

export interface DataApiTarget {
  readonly clusterId: string;
  readonly database: string;
  readonly secretArn: string;
}

export interface PollOptions {
  /** Epoch ms after which a statement still running is reported as timed out. */
  readonly deadline: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** First wait, doubled after each poll up to maxDelayMs. Defaults 250 and 5000. */
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface Finished {
  readonly id: string;
  readonly resultRows?: number;
  readonly subStatements: readonly SubStatement[];
}

export type Cell = string | number | boolean | null;

function cell(f: Field): Cell {
  if (f.isNull) return null;
  return f.stringValue ?? f.longValue ?? f.doubleValue ?? f.booleanValue ?? null;
}

function subStatementsOf(d: DescribeStatementResponse): SubStatement[] {
  return (d.SubStatements ?? []).map((s) => ({
    id: s.Id ?? "",
    status: s.Status ?? "",
    resultRows: s.ResultRows,
    redshiftQueryId: s.RedshiftQueryId,
    ...(s.Error ? { error: s.Error } : {}),
  }));
}

/**
 * The Redshift Data API with the managed admin secret: submit (with a StatementName and WithEvent for
 * traceability), poll DescribeStatement with exponential backoff until FINISHED, FAILED or ABORTED, read results.
 */
export class DataApi {
  constructor(
    private readonly client: RedshiftDataClient,
    private readonly target: DataApiTarget,
    private readonly poll: PollOptions,
  ) {}

  private get base() {
    return { ClusterIdentifier: this.target.clusterId, Database: this.target.database, SecretArn: this.target.secretArn, WithEvent: true };
  }

  /** One transaction: Redshift runs a batch's statements serially and rolls all back if one fails. */
  async batch(sqls: readonly string[], name: string): Promise<Finished> {
    const out = await this.client.send(new BatchExecuteStatementCommand({ ...this.base, Sqls: [...sqls], StatementName: name }));
    return this.waitFor(out.Id!, name);
  }

  async execute(sql: string, name: string): Promise<Finished> {
    const out = await this.client.send(new ExecuteStatementCommand({ ...this.base, Sql: sql, StatementName: name }));
    return this.waitFor(out.Id!, name);
  }

  /** Every row of a finished statement (or sub-statement id `<id>:<n>`), following NextToken. */
  async rows(id: string): Promise<Cell[][]> {
    const rows: Cell[][] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new GetStatementResultCommand({ Id: id, NextToken: token }));
      for (const record of page.Records ?? []) rows.push(record.map(cell));
      token = page.NextToken;
    } while (token);
    return rows;
  }

  private async waitFor(id: string, name: string): Promise<Finished> {
    let delay = this.poll.firstDelayMs ?? 250;
    const maxDelay = this.poll.maxDelayMs ?? 5000;
    for (;;) {
      const d = await this.client.send(new DescribeStatementCommand({ Id: id }));
      const status = d.Status ?? "";
      const subs = subStatementsOf(d);
      if (status === "FINISHED") return { id, resultRows: d.ResultRows, subStatements: subs };
      if (status === "FAILED" || status === "ABORTED") {
        const error = d.Error ?? "";
        throw new StatementError(`statement ${name} (${id}) ${status}${error ? `: ${error}` : ""}`, id, status, error, subs);
      }
      if (this.poll.now() + delay > this.poll.deadline) {
        throw new StatementError(`statement ${name} (${id}) still ${status} at the deadline; it may yet finish (load_history tells)`, id, status, "", subs);
      }
      await this.poll.sleep(delay);
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}
