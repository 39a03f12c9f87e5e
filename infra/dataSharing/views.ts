/**
 * Athena views over the catalog's tables for the daily business figures (QuickSight and the data team read
 * these instead of the raw tables). Plain data and pure functions: the SQL is Trino, in the style of the
 * usage summary's queries, and also runs on the summary's DuckDB shim. Each view keeps its day column `dt`
 * unchanged, so a `WHERE dt = ...` on the view prunes the underlying partitions.
 */
import { SUPPLIER_SQL, TABLES, TRAIN_SQL } from "../../functions/usageSummary/queries";
import { Column } from "./catalogDefinitions";

export interface ViewShape {
  readonly name: string;
  readonly description: string;
  /** The view's output, in order, with Glue (Hive) types. */
  readonly columns: readonly Column[];
  readonly sql: string;
}

/**
 * Real-time kWh per meter installation and receipt day: one value a reading time, the one received last, so a
 * reading delivered twice (at least once) counts once and a reading sent again with a corrected value counts
 * at the corrected value (as the warehouse's merge keeps it).
 */
export const dailyConsumptionView: ViewShape = {
  name: "daily_meter_consumption",
  description: "Real-time consumption per meter installation and receipt day (shared readings)",
  columns: [
    { name: "dt", type: "string", comment: "receipt day yyyy/MM/dd" },
    { name: "client_id", type: "string" },
    { name: "readings", type: "bigint", comment: "distinct reading times" },
    { name: "kwh", type: "double" },
  ],
  sql: [
    "SELECT dt, device_id AS client_id, count(*) AS readings, sum(value) AS kwh",
    "FROM (",
    `  SELECT dt, device_id, event_time, max_by(value, received_at) AS value FROM ${TABLES.readings}`,
    "  WHERE source = 'meters' AND metric = 'kwh'",
    "  GROUP BY dt, device_id, event_time",
    ") AS r",
    "GROUP BY dt, device_id",
  ].join("\n"),
};

/**
 * Supplier files and rejected rows per upload day. As in the summary, an empty upload has no rows but its
 * quarantine report names it, so the files are the union of both sides' object keys.
 */
export const dailySupplierFilesView: ViewShape = {
  name: "daily_supplier_files",
  description: "Supplier files uploaded and rows rejected by the parser per upload day",
  columns: [
    { name: "dt", type: "string", comment: "upload day yyyyMMdd" },
    { name: "files", type: "bigint" },
    { name: "rejected_rows", type: "bigint" },
  ],
  sql: [
    "WITH uploads AS (",
    `  SELECT dt, ${SUPPLIER_SQL.uploadKey} AS upload FROM ${TABLES.supplierUploads} WHERE ${SUPPLIER_SQL.isUpload}`,
    "  UNION ALL",
    `  SELECT dt, ${SUPPLIER_SQL.reportFile} FROM ${TABLES.supplierReports} WHERE ${SUPPLIER_SQL.isReportFile}`,
    "), rejected AS (",
    `  SELECT dt, sum(${SUPPLIER_SQL.rejectedRows}) AS total`,
    `  FROM ${TABLES.supplierReports} WHERE ${SUPPLIER_SQL.isRejectedLine}`,
    "  GROUP BY dt",
    ")",
    "SELECT u.dt, count(DISTINCT u.upload) AS files, CAST(coalesce(max(r.total), 0) AS bigint) AS rejected_rows",
    "FROM uploads AS u LEFT JOIN rejected AS r ON r.dt = u.dt",
    "GROUP BY u.dt",
  ].join("\n"),
};

/** Telemetry messages and anomaly episodes opened per train and day (events are at least once: distinct). */
export const dailyTrainActivityView: ViewShape = {
  name: "daily_train_activity",
  description: "Telemetry messages and anomaly episodes opened per train and receipt day (shared readings)",
  columns: [
    { name: "dt", type: "string", comment: "receipt day yyyy/MM/dd" },
    { name: "train_id", type: "string" },
    { name: "readings", type: "bigint", comment: "distinct reading times" },
    { name: "anomalies", type: "bigint", comment: "distinct episodes opened" },
  ],
  sql: [
    "SELECT dt, device_id AS train_id,",
    `  ${TRAIN_SQL.readings} AS readings,`,
    `  ${TRAIN_SQL.anomalies} AS anomalies`,
    `FROM ${TABLES.readings}`,
    `WHERE ${TRAIN_SQL.isTrainRow}`,
    "GROUP BY dt, device_id",
  ].join("\n"),
};

export const VIEWS: readonly ViewShape[] = [dailyConsumptionView, dailySupplierFilesView, dailyTrainActivityView];

/** Athena's name for the Glue Data Catalog, which a Presto view definition names as its catalog. */
export const ATHENA_CATALOG = "awsdatacatalog";

/** Glue (Hive) column types to the Trino type names a Presto view definition uses. */
const PRESTO_TYPES: Readonly<Record<string, string>> = {
  string: "varchar",
  bigint: "bigint",
  double: "double",
  int: "integer",
  boolean: "boolean",
  date: "date",
};

export interface PrestoViewDefinition {
  readonly originalSql: string;
  readonly catalog: string;
  readonly schema: string;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
}

export function prestoViewDefinition(view: ViewShape, database: string): PrestoViewDefinition {
  return {
    originalSql: view.sql,
    catalog: ATHENA_CATALOG,
    schema: database,
    columns: view.columns.map((c) => {
      const type = PRESTO_TYPES[c.type];
      if (type === undefined) throw new Error(`view ${view.name} column ${c.name}: no Presto type for Glue type "${c.type}"`);
      return { name: c.name, type };
    }),
  };
}

const PRESTO_MARKER = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/;

/** The Glue `ViewOriginalText` Athena reads: the definition as base64 JSON inside a `Presto View` comment. */
export function prestoViewText(view: ViewShape, database: string): string {
  return `/* Presto View: ${Buffer.from(JSON.stringify(prestoViewDefinition(view, database)), "utf8").toString("base64")} */`;
}

/** The Glue `ViewExpandedText` of every Presto view: a marker only. */
export const PRESTO_EXPANDED_TEXT = "/* Presto View */";

/** The definition inside a `ViewOriginalText`, for checks and tools. */
export function decodePrestoView(text: string): PrestoViewDefinition {
  const m = PRESTO_MARKER.exec(text);
  if (!m) throw new Error(`view text is not "/* Presto View: <base64> */": ${JSON.stringify(text.slice(0, 40))}`);
  return JSON.parse(Buffer.from(m[1], "base64").toString("utf8")) as PrestoViewDefinition;
}
