import { READINGS_COLUMNS } from "../shared/readingsTable";
import { qualified, quoteIdent } from "./sqlText";

/**
 * Warehouse tables. Column lists are shared by both engines; the Redshift-only physical design (distribution
 * and sort keys) is a separate suffix, so the same tables can be created on PostgreSQL/PGlite for tests.
 */
export interface Column {
  readonly name: string;
  readonly type: string;
  readonly nullable?: boolean;
}

export interface TableDef {
  readonly name: string;
  readonly columns: readonly Column[];
  /** Appended on Redshift only. */
  readonly redshiftOptions: string;
}

export const SCHEMA = "public";

/**
 * The shared `readings` table (docs/contracts.md). DISTKEY device_id: thousands of devices spread evenly, one
 * device's rows sit on one slice, so per-device queries and the merge's delete join stay slice-local.
 * SORTKEY (event_time, device_id): analysts filter on time ranges, and hourly loads append in time order, so
 * the unsorted region stays small between VACUUMs.
 */
export const READINGS: TableDef = {
  name: "readings",
  columns: READINGS_COLUMNS.map(({ name, redshift, nullable }) => (nullable ? { name, type: redshift, nullable } : { name, type: redshift })),
  redshiftOptions: `DISTSTYLE KEY DISTKEY (${quoteIdent("device_id")}) COMPOUND SORTKEY (${quoteIdent("event_time")}, ${quoteIdent("device_id")})`,
};

/** A row is the same reading when these match; a re-delivered message or a re-loaded object replaces it. */
export const READINGS_KEY: readonly string[] = ["source", "device_id", "event_time", "metric"];

/**
 * Rows of this source are told apart by their `detail` too (episode, state, sensors): two groups' episodes, or
 * one episode's clearing and the next one's opening, can share a train's reading time.
 */
export const DETAILED_SOURCE = "anomalies";

/**
 * One row per raw object loaded. Small and read whole by every run: DISTSTYLE ALL, sorted by key for the
 * per-day prefix lookups. rows_loaded is filled after the commit from STL_LOAD_COMMITS (null until then).
 */
export const LOAD_HISTORY: TableDef = {
  name: "load_history",
  columns: [
    { name: "object_key", type: "VARCHAR(1024)" },
    { name: "etag", type: "VARCHAR(64)" },
    { name: "size_bytes", type: "BIGINT" },
    { name: "rows_loaded", type: "BIGINT", nullable: true },
    { name: "manifest_key", type: "VARCHAR(1024)" },
    { name: "loaded_at", type: "TIMESTAMP" },
  ],
  redshiftOptions: `DISTSTYLE ALL SORTKEY (${quoteIdent("object_key")})`,
};

/**
 * Raw objects Redshift refused (a COPY error names their file), set aside so the rest of their load goes in.
 * Keyed by object and ETag: the same object uploaded again (a new ETag) is loaded by the next run; deleting its
 * row here retries it as it is. line_number and column_name are Redshift's first rejected line of the object.
 */
export const LOAD_REJECTS: TableDef = {
  name: "load_rejects",
  columns: [
    { name: "object_key", type: "VARCHAR(1024)" },
    { name: "etag", type: "VARCHAR(64)" },
    { name: "size_bytes", type: "BIGINT" },
    { name: "line_number", type: "BIGINT", nullable: true },
    { name: "column_name", type: "VARCHAR(127)" },
    { name: "reason", type: "VARCHAR(256)" },
    { name: "manifest_key", type: "VARCHAR(1024)" },
    { name: "rejected_at", type: "TIMESTAMP" },
  ],
  redshiftOptions: `DISTSTYLE ALL SORTKEY (${quoteIdent("object_key")})`,
};

/** The objects of one load, inserted before the COPY so the history rows come from SQL, not from a second trip. */
export const LOAD_BATCH: TableDef = {
  name: "load_batch",
  columns: [
    { name: "object_key", type: "VARCHAR(1024)" },
    { name: "etag", type: "VARCHAR(64)" },
    { name: "size_bytes", type: "BIGINT" },
  ],
  redshiftOptions: "",
};

export const STAGING = "readings_staging";

export function columnList(table: TableDef): string {
  return table.columns.map((c) => quoteIdent(c.name)).join(", ");
}

function columnDefinitions(table: TableDef): string {
  return table.columns.map((c) => `${quoteIdent(c.name)} ${c.type}${c.nullable ? "" : " NOT NULL"}`).join(", ");
}

export type Dialect = "redshift" | "postgres";

/** `CREATE TABLE IF NOT EXISTS` for a permanent table; the Redshift dialect adds the physical design. */
export function createTableSql(table: TableDef, dialect: Dialect, schema = SCHEMA): string {
  const options = dialect === "redshift" && table.redshiftOptions ? ` ${table.redshiftOptions}` : "";
  return `CREATE TABLE IF NOT EXISTS ${qualified(schema, table.name)} (${columnDefinitions(table)})${options}`;
}

export function createTempTableSql(table: TableDef): string {
  return `CREATE TEMP TABLE ${quoteIdent(table.name)} (${columnDefinitions(table)})`;
}

/** Every run starts with these; they are no-ops once the tables exist. */
export function schemaSql(dialect: Dialect, schema = SCHEMA): string[] {
  return [createTableSql(READINGS, dialect, schema), createTableSql(LOAD_HISTORY, dialect, schema), createTableSql(LOAD_REJECTS, dialect, schema)];
}
