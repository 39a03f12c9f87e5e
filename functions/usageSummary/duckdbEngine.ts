import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { existsSync, readdirSync, statSync } from "fs";
import { join, sep } from "path";
import { InputError } from "./errors";
import { SummaryQuery, TABLES, parameterValues } from "./queries";
import { QueryEngine, Row } from "./summary";
import { SummaryDay } from "./summaryDay";

/**
 * The shim that runs the Athena SQL on DuckDB over a local folder laid out like the buckets: one view per
 * Athena table (same name, same columns, partition columns and "$path" derived from the file path) and
 * macros for the Trino functions the queries use that DuckDB lacks. Nothing else differs between engines.
 */
export const TRINO_MACROS: readonly string[] = [
  // Trino returns null for a non-scalar; the queries only extract scalars, where the two agree.
  "CREATE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)",
  "CREATE MACRO regexp_like(s, p) AS regexp_matches(s, p)",
];

interface Column {
  readonly name: string;
  readonly type: string;
}

interface LocalTable {
  readonly name: string;
  /** Folder under DIR and the file paths (relative, `/`-separated) that belong to the table. */
  readonly folder: string;
  readonly files: RegExp;
  /** `files` in words, for a file in the folder that does not match it. */
  readonly layout: string;
  readonly columns: readonly Column[];
  /** SELECT over the DuckDB reader `source` (whose rows carry `filename`), producing `columns`. */
  readonly select: (source: string) => string;
  /**
   * Paths (relative to `folder`) that the stack itself writes beside the table's files and that are no part of
   * it, as Athena's partitions leave them out: neither read nor reported.
   */
  readonly besides?: RegExp;
}

const v = (name: string, type = "VARCHAR"): Column => ({ name, type });
const SLASHED_DT = "regexp_extract(filename, '(\\d{4}/\\d{2}/\\d{2})/[^/]+$', 1) AS dt";
const COMPACT_DT = "regexp_extract(filename, '/(\\d{8})/[^/]+$', 1) AS dt";
// Control-A as the field separator (Hive LazySimpleSerDe's default), so a whole line is the one column.
const LINES =
  "columns = {'line': 'VARCHAR'}, delim = '\u0001', quote = '', escape = '', header = false, auto_detect = false, strict_mode = false, filename = true";
const lineTable = (name: string, folder: string, extension: string): LocalTable => ({
  name,
  folder,
  // only the kind of file the table counts: anything else in a day folder (a notes.txt) is named as not read
  files: new RegExp(`^\\d{8}\\/[^/]+\\.${extension}$`, "i"),
  layout: `${folder}/YYYYMMDD/*.${extension}`,
  columns: [v("line"), v("dt"), v("$path")],
  select: (src) => `SELECT line, ${COMPACT_DT}, filename AS "$path" FROM read_csv(${src}, ${LINES})`,
});

export const LOCAL_TABLES: readonly LocalTable[] = [
  {
    name: TABLES.readings,
    folder: "telemetry",
    files: /^\d{4}\/\d{2}\/\d{2}\/[^/]+\.(json|gz)$/,
    layout: "telemetry/yyyy/MM/dd/*.json, *.json.gz or *.gz",
    columns: [v("source"), v("device_id"), v("event_time"), v("received_at", "BIGINT"), v("metric"), v("value", "DOUBLE"), v("detail"), v("dt")],
    select: (src) =>
      `SELECT source, device_id, event_time, received_at, metric, value, detail, ${SLASHED_DT} FROM read_json(${src}, format = 'newline_delimited', ` +
      "columns = {source: 'VARCHAR', device_id: 'VARCHAR', event_time: 'VARCHAR', received_at: 'BIGINT', metric: 'VARCHAR', value: 'DOUBLE', detail: 'VARCHAR'}, " +
      "ignore_errors = true, filename = true)",
  },
  {
    name: TABLES.meterReadings,
    folder: "meter-lake",
    files: /^[A-Za-z0-9_-]+\/\d{8}\/[^/]+\.(json|gz)$/,
    layout: "meter-lake/{ClientID}/YYYYMMDD/*.json, *.json.gz or *.gz",
    // the supplier parser's readings (processed/YYYYMMDD/{ClientID}.jsonl, docs/meters.md) share the lake
    besides: /^processed\//,
    columns: [v("clientid"), v("day"), v("timestamp"), v("kwh", "DOUBLE"), v("intervalminutes", "INTEGER"), v("receivedat", "BIGINT"), v("client_id"), v("dt")],
    select: (src) =>
      'SELECT clientId AS clientid, day, "timestamp", kwh, intervalMinutes AS intervalminutes, receivedAt AS receivedat, ' +
      `regexp_extract(filename, '([^/]+)/\\d{8}/[^/]+$', 1) AS client_id, ${COMPACT_DT} FROM read_json(${src}, format = 'newline_delimited', ` +
      "columns = {clientId: 'VARCHAR', day: 'VARCHAR', \"timestamp\": 'VARCHAR', kwh: 'DOUBLE', intervalMinutes: 'INTEGER', receivedAt: 'BIGINT'}, " +
      "ignore_errors = true, filename = true)",
  },
  lineTable(TABLES.supplierUploads, "supplier", "csv"),
  // reports of refused upload keys (_invalid-keys/<key>.json) sit beside the day folders
  { ...lineTable(TABLES.supplierReports, "quarantine", "json"), besides: /^_invalid-keys\// },
  {
    name: TABLES.cloudTrail,
    folder: "cloudtrail",
    files: /^\d{4}\/\d{2}\/\d{2}\/[^/]+\.(json|gz)$/,
    layout: "cloudtrail/yyyy/MM/dd/*.json, *.json.gz or *.gz",
    columns: [
      v("eventversion"),
      v("useridentity", "STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, invokedby VARCHAR, username VARCHAR)"),
      v("eventtime"),
      v("eventsource"),
      v("eventname"),
      v("awsregion"),
      v("sourceipaddress"),
      v("useragent"),
      v("errorcode"),
      v("requestparameters"),
      v("eventid"),
      v("readonly"),
      v("vpcendpointid"),
      v("dt"),
    ],
    select: (src) => {
      const s = (path: string) => `json_extract_string(r, '$.${path}')`;
      return (
        "SELECT " +
        [
          `${s("eventVersion")} AS eventversion`,
          `struct_pack(type := ${s("userIdentity.type")}, principalid := ${s("userIdentity.principalId")}, arn := ${s("userIdentity.arn")}, ` +
            `accountid := ${s("userIdentity.accountId")}, invokedby := ${s("userIdentity.invokedBy")}, username := ${s("userIdentity.userName")}) AS useridentity`,
          `${s("eventTime")} AS eventtime`,
          `${s("eventSource")} AS eventsource`,
          `${s("eventName")} AS eventname`,
          `${s("awsRegion")} AS awsregion`,
          `${s("sourceIPAddress")} AS sourceipaddress`,
          `${s("userAgent")} AS useragent`,
          `${s("errorCode")} AS errorcode`,
          "CAST(json_extract(r, '$.requestParameters') AS VARCHAR) AS requestparameters",
          `${s("eventID")} AS eventid`,
          `${s("readOnly")} AS readonly`,
          `${s("vpcEndpointId")} AS vpcendpointid`,
          "dt",
        ].join(", ") +
        ` FROM (SELECT unnest(Records) AS r, ${SLASHED_DT} FROM read_json(${src}, format = 'auto', columns = {Records: 'JSON[]'}, ` +
        "maximum_object_size = 268435456, filename = true))"
      );
    },
  },
];

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The table's files under `dir`, sorted, and the other files in its folder (a copy one level off, a file of
 * another kind) but those the stack writes beside the table (`besides`), which are reported rather than silently
 * left out; a missing folder has none (a day without
 * data is a valid answer), a file where the folder should be is an InputError naming it.
 */
export function localFiles(dir: string, table: LocalTable): { files: string[]; unmatched: string[] } {
  const root = join(dir, table.folder);
  let entries: string[];
  try {
    entries = readdirSync(root, { recursive: true, encoding: "utf8" });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { files: [], unmatched: [] };
    throw new InputError(
      `local data folder ${dir}: ${table.folder} ${code === "ENOTDIR" ? "is a file, not a folder" : `cannot be read (${code ?? (e as Error).message})`}`,
    );
  }
  const paths = entries.map((p) => p.split(sep).join("/")).sort();
  const full = (p: string) => join(root, p);
  return {
    files: paths.filter((p) => table.files.test(p)).map(full),
    unmatched: paths.filter((p) => !table.files.test(p) && !table.besides?.test(p) && statSync(full(p), { throwIfNoEntry: false })?.isFile()).map(full),
  };
}

/** The view statement for one table: over its files, or an empty view of the same columns when it has none. */
export function viewSql(table: LocalTable, files: readonly string[]): string {
  const body =
    files.length === 0
      ? `SELECT ${table.columns.map((c) => `CAST(NULL AS ${c.type}) AS "${c.name}"`).join(", ")} WHERE false`
      : table.select(`[${files.map(sqlString).join(", ")}]`);
  return `CREATE VIEW "${table.name}" AS ${body}`;
}

const GLOB_CHARACTERS = /[*?[\]{}]/;
export const GLOB_REASON = "its path has *, ?, [, ] or {, which DuckDB would read as a pattern matching other files";

/** A file left out of its table because DuckDB cannot read it, and DuckDB's reason (its first line). */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/**
 * The files of a table DuckDB can read. One unreadable file (not gzip, truncated JSON) would fail every
 * query over the table, so a bad file is skipped and reported rather than blocking the good ones. The
 * whole set is tried first; only when it fails is each file tried alone.
 */
export async function readableFiles(
  connection: DuckDBConnection,
  table: LocalTable,
  files: readonly string[],
): Promise<{ files: string[]; skipped: SkippedFile[] }> {
  const probe = (some: readonly string[]) => connection.run(`SELECT count(*) FROM (${table.select(`[${some.map(sqlString).join(", ")}]`)})`);
  // DuckDB reads a path with *, ? or [ as a pattern: C*.json would also read its neighbours, so such a file is reported, not read
  const skipped: SkippedFile[] = files.filter((f) => GLOB_CHARACTERS.test(f)).map((file) => ({ file, reason: GLOB_REASON }));
  const plain = files.filter((f) => !GLOB_CHARACTERS.test(f));
  if (plain.length === 0) return { files: [], skipped };
  try {
    await probe(plain);
    return { files: [...plain], skipped };
  } catch {
    // find the culprits below
  }
  const good: string[] = [];
  for (const file of plain) {
    try {
      await probe([file]);
      good.push(file);
    } catch (e) {
      skipped.push({ file, reason: (e as Error).message.split("\n")[0].replace(/\s+$/, "") });
    }
  }
  return { files: good, skipped };
}

/** The summary queries on DuckDB over a local folder shaped like the buckets (see docs/summary.md). */
export class DuckDbEngine implements QueryEngine {
  /** Files left out because DuckDB could not read them. */
  readonly skipped: SkippedFile[] = [];
  /** The tables' folders (LOCAL_TABLES) the data folder does not have: their tables are empty. */
  readonly absentFolders: string[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(dir: string): Promise<DuckDbEngine> {
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir) throw new InputError(`local data folder ${dir} does not exist or is not a folder`);
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const engine = new DuckDbEngine(instance, connection);
    try {
      for (const macro of TRINO_MACROS) await connection.run(macro);
      for (const table of LOCAL_TABLES) {
        if (!existsSync(join(dir, table.folder))) engine.absentFolders.push(table.folder);
        const local = localFiles(dir, table);
        const { files, skipped } = await readableFiles(connection, table, local.files);
        engine.skipped.push(...local.unmatched.map((file) => ({ file, reason: `not read: the ${table.name} table's files are ${table.layout}` })), ...skipped);
        await connection.run(viewSql(table, files));
      }
    } catch (e) {
      engine.close();
      throw e;
    }
    return engine;
  }

  async run(query: SummaryQuery, day: SummaryDay): Promise<Row[]> {
    try {
      return await this.sql(query.sql, parameterValues(query, day));
    } catch (e) {
      // DuckDB's reason (a value it cannot convert, say), as Athena's engine reports a failed query
      throw new InputError(`query ${query.name} failed on the local data: ${(e as Error).message.split("\n")[0]}`);
    }
  }

  /** Any SQL over the views (with the macros), numbers as JS numbers. */
  async sql(text: string, values: string[] = []): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(text, values);
    return reader.getRowObjects().map((r) => Object.fromEntries(Object.entries(r).map(([k, x]) => [k, plain(x)])));
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function plain(x: unknown): string | number | null {
  if (x === null || x === undefined) return null;
  if (typeof x === "bigint" || typeof x === "number") return Number(x);
  if (typeof x === "string") return x;
  return String(x);
}
