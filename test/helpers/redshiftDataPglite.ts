/**
 * The Redshift Data API for the data stand-in (JSON 1.1, X-Amz-Target RedshiftData.*) over PGlite, as the
 * warehouse loader uses it: ExecuteStatement, BatchExecuteStatement (one transaction, rolled back whole when a
 * statement fails), DescribeStatement (STARTED on the first poll, then the outcome, with sub-statements and query
 * ids) and GetStatementResult. The Redshift-only SQL is played, not skipped: the tables' DISTSTYLE/SORTKEY
 * suffix is dropped, COPY ... MANIFEST FORMAT AS JSON 'auto' GZIP reads the manifest and its gzip JSON-lines
 * objects from the stand-in's S3 buckets into the table, and STL_LOAD_COMMITS / STL_LOAD_ERRORS are tables it
 * fills (errors survive the rollback, as in Redshift). Always `close()` it.
 */
import { PGlite } from "@electric-sql/pglite";
import { gunzipSync } from "zlib";
import { Buckets } from "./s3StandIn";

interface Sub {
  readonly id: string;
  readonly sql: string;
  readonly queryId: number;
  status: "FINISHED" | "FAILED" | "ABORTED" | "SUBMITTED";
  resultRows?: number;
  error?: string;
  columns?: string[];
  records?: unknown[][];
}

export interface DataStatement {
  readonly id: string;
  readonly name: string;
  readonly batch: boolean;
  readonly target: { readonly clusterId: string; readonly database: string; readonly secretArn: string };
  readonly subs: Sub[];
  status: "FINISHED" | "FAILED";
  error?: string;
  polls: number;
}

export interface RedshiftOnPglite {
  readonly db: PGlite;
  readonly statements: DataStatement[];
  handle(op: string, input: Record<string, unknown>): Promise<[number, unknown]>;
  close(): Promise<void>;
}

const COPY = /^COPY "(\w+)" FROM 's3:\/\/([^/']+)\/([^']+)' IAM_ROLE '[^']*' MANIFEST FORMAT AS JSON 'auto' GZIP\b/;
const STL = [
  "CREATE TABLE stl_load_commits (query INTEGER, filename CHAR(256), lines_scanned INTEGER)",
  "CREATE TABLE stl_load_errors (query INTEGER, filename CHAR(256), line_number BIGINT, colname CHAR(127), err_reason CHAR(100))",
];

interface LoadErrorRow {
  readonly query: number;
  readonly filename: string;
  readonly line: number;
  readonly column: string;
  readonly reason: string;
}

function field(v: unknown): Record<string, unknown> {
  if (v === null || v === undefined) return { isNull: true };
  if (typeof v === "bigint") return { longValue: Number(v) };
  if (typeof v === "number") return Number.isInteger(v) ? { longValue: v } : { doubleValue: v };
  if (typeof v === "boolean") return { booleanValue: v };
  if (v instanceof Date) return { stringValue: v.toISOString().replace("T", " ").replace("Z", "") };
  return { stringValue: String(v) };
}

export async function redshiftOnPglite(buckets: Buckets): Promise<RedshiftOnPglite> {
  const db = new PGlite();
  for (const sql of STL) await db.exec(sql);
  const statements: DataStatement[] = [];
  let nextQuery = 1000;
  let pendingErrors: LoadErrorRow[] = [];

  async function copy(table: string, bucket: string, key: string, queryId: number): Promise<number> {
    const object = (b: string, k: string) => {
      const o = buckets.get(b)?.get(k);
      if (!o) throw new Error(`S3ServiceException:The specified key does not exist.,Status 404, s3://${b}/${k}`);
      return o.body;
    };
    const manifest = JSON.parse(object(bucket, key).toString("utf8")) as { entries: { url: string; mandatory: boolean }[] };
    const columns = (
      await db.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position", [table])
    ).rows.map((r) => r.column_name);
    const insert = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`;
    let total = 0;
    for (const entry of manifest.entries) {
      const [, b, k] = /^s3:\/\/([^/]+)\/(.+)$/.exec(entry.url)!;
      const lines = gunzipSync(object(b, k))
        .toString("utf8")
        .split("\n")
        .filter((l) => l.trim() !== "");
      for (const [i, line] of lines.entries()) {
        const fail = (column: string, reason: string) => {
          pendingErrors.push({ query: queryId, filename: entry.url, line: i + 1, column, reason: reason.slice(0, 100) });
          return new Error(`Load into table '${table}' failed. Check 'stl_load_errors' system table for details.`);
        };
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(line) as Record<string, unknown>;
        } catch {
          throw fail("", "Invalid JSON object or array");
        }
        try {
          await db.query(
            insert,
            columns.map((c) => record[c] ?? null),
          );
        } catch (e) {
          throw fail((e as { column?: string }).column ?? "", (e as Error).message);
        }
      }
      await db.query("INSERT INTO stl_load_commits VALUES ($1, $2, $3)", [queryId, entry.url, lines.length]);
      total += lines.length;
    }
    return total;
  }

  async function run(sub: Sub): Promise<void> {
    const copyMatch = COPY.exec(sub.sql);
    if (copyMatch) {
      sub.resultRows = await copy(copyMatch[1], copyMatch[2], copyMatch[3], sub.queryId);
      return;
    }
    const sql = sub.sql.replace(/\) DISTSTYLE .*$/, ")");
    const out = await db.query<unknown[]>(sql, [], { rowMode: "array" });
    const isSelect = /^\s*SELECT\b/i.test(sql);
    sub.resultRows = isSelect ? out.rows.length : (out.affectedRows ?? 0);
    if (isSelect) {
      sub.columns = out.fields.map((f) => f.name);
      sub.records = out.rows;
    }
  }

  async function execute(statement: DataStatement): Promise<void> {
    if (statement.batch) await db.exec("BEGIN");
    for (const sub of statement.subs) {
      try {
        await run(sub);
        sub.status = "FINISHED";
      } catch (e) {
        sub.status = "FAILED";
        sub.error = (e as Error).message;
        statement.status = "FAILED";
        statement.error = sub.error;
        for (const later of statement.subs) if (later.status === "SUBMITTED") later.status = "ABORTED";
        if (statement.batch) await db.exec("ROLLBACK");
        break;
      }
    }
    if (statement.status !== "FAILED" && statement.batch) await db.exec("COMMIT");
    for (const e of pendingErrors) await db.query("INSERT INTO stl_load_errors VALUES ($1, $2, $3, $4, $5)", [e.query, e.filename, e.line, e.column, e.reason]);
    pendingErrors = [];
  }

  const notFound = (id: unknown): [number, unknown] => [400, { __type: "ResourceNotFoundException", message: `Query does not exist: ${String(id)}` }];
  const describeSub = (s: Sub) => ({
    Id: s.id,
    Status: s.status,
    QueryString: s.sql,
    RedshiftQueryId: s.queryId,
    HasResultSet: s.records !== undefined,
    ...(s.resultRows !== undefined ? { ResultRows: s.resultRows } : {}),
    ...(s.error ? { Error: s.error } : {}),
  });

  return {
    db,
    statements,
    async handle(op, input) {
      if (op === "ExecuteStatement" || op === "BatchExecuteStatement") {
        const id = `stmt-${statements.length + 1}`;
        const sqls = op === "ExecuteStatement" ? [String(input.Sql)] : (input.Sqls as string[]);
        const statement: DataStatement = {
          id,
          name: String(input.StatementName ?? ""),
          batch: op === "BatchExecuteStatement",
          target: { clusterId: String(input.ClusterIdentifier), database: String(input.Database), secretArn: String(input.SecretArn) },
          subs: sqls.map((sql, i) => ({ id: `${id}:${i + 1}`, sql, queryId: nextQuery++, status: "SUBMITTED" })),
          status: "FINISHED",
          polls: 0,
        };
        statements.push(statement);
        await execute(statement);
        return [200, { Id: id, ClusterIdentifier: input.ClusterIdentifier, Database: input.Database, CreatedAt: Date.now() / 1000 }];
      }
      const [statementId, subIndex] = String(input.Id).split(":");
      const statement = statements.find((s) => s.id === statementId);
      if (!statement) return notFound(input.Id);
      if (op === "DescribeStatement") {
        statement.polls += 1;
        if (statement.polls === 1) return [200, { Id: statement.id, Status: "STARTED" }];
        const only = statement.batch ? undefined : statement.subs[0];
        return [
          200,
          {
            Id: statement.id,
            Status: statement.status,
            ...(statement.error ? { Error: statement.error } : {}),
            ...(only ? { ResultRows: only.resultRows, RedshiftQueryId: only.queryId, HasResultSet: only.records !== undefined } : {}),
            ...(statement.batch ? { SubStatements: statement.subs.map(describeSub) } : {}),
          },
        ];
      }
      if (op === "GetStatementResult") {
        const sub = statement.subs[subIndex === undefined ? 0 : Number(subIndex) - 1];
        if (!sub?.records)
          return [400, { __type: "ValidationException", message: `Query does not have result. Please check query status with DescribeStatement.` }];
        return [
          200,
          {
            ColumnMetadata: sub.columns!.map((name) => ({ name, label: name })),
            Records: sub.records.map((r) => r.map(field)),
            TotalNumRows: sub.records.length,
          },
        ];
      }
      return [400, { __type: "ValidationException", message: `the stand-in does not implement ${op}` }];
    },
    close: () => db.close(),
  };
}
