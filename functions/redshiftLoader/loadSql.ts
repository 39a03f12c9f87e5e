import { columnList, createTempTableSql, DETAILED_SOURCE, LOAD_BATCH, LOAD_HISTORY, LOAD_REJECTS, READINGS, READINGS_KEY, SCHEMA, STAGING } from "./schema";
import { SqlError } from "./errors";
import { integerLiteral, qualified, quoteIdent, quoteLiteral, timestampLiteral } from "./sqlText";

/**
 * The loader's SQL, built from plain values. Which part runs where:
 * - Redshift only: the DDL suffixes (schema.ts), COPY, and the STL_LOAD_COMMITS / STL_LOAD_ERRORS queries.
 * - Both engines, unchanged: the staging and batch temp tables, the batch VALUES, the merge, the history
 *   insert and the rows update (tested on PGlite; the test fills the staging table where COPY would).
 */

export interface RawObject {
  readonly key: string;
  readonly etag: string;
  readonly size: number;
  /** Epoch ms. */
  readonly lastModified: number;
}

export interface LoadSqlArgs {
  readonly bucket: string;
  readonly manifestKey: string;
  readonly copyRoleArn: string;
  readonly objects: readonly RawObject[];
  /** Epoch ms, written to load_history.loaded_at. */
  readonly loadedAt: number;
  readonly schema?: string;
}

/** `object_key LIKE 'p%' OR ...` for the listed day prefixes (`readings/yyyy/MM/dd/`). */
function underPrefixes(prefixes: readonly string[], caller: string): string {
  const col = quoteIdent("object_key");
  if (prefixes.length === 0) throw new SqlError(`${caller} needs at least one prefix`);
  return prefixes
    .map((p) => {
      if (/[%_]/.test(p)) throw new SqlError(`prefix ${JSON.stringify(p)} must not contain LIKE wildcards % or _`);
      return `${col} LIKE ${quoteLiteral(`${p}%`)}`;
    })
    .join(" OR ");
}

/** The keys already loaded under these day prefixes (`readings/yyyy/MM/dd/`). */
export function loadedKeysSql(prefixes: readonly string[], schema = SCHEMA): string {
  return `SELECT ${quoteIdent("object_key")} FROM ${qualified(schema, LOAD_HISTORY.name)} WHERE ${underPrefixes(prefixes, "loadedKeysSql")}`;
}

/** The objects set aside under these day prefixes, with the ETag they were refused with. */
export function rejectedKeysSql(prefixes: readonly string[], schema = SCHEMA): string {
  return (
    `SELECT ${quoteIdent("object_key")}, ${quoteIdent("etag")} FROM ${qualified(schema, LOAD_REJECTS.name)} ` +
    `WHERE ${underPrefixes(prefixes, "rejectedKeysSql")}`
  );
}

/** An object Redshift refused, with its first rejected line as STL_LOAD_ERRORS gives it. */
export interface RejectedObject {
  readonly object: RawObject;
  /** Null when Redshift named no line. */
  readonly line: number | null;
  readonly column: string;
  readonly reason: string;
}

/** Longest reason kept in load_rejects (VARCHAR(256); Redshift's err_reason is 100 characters). */
const REASON_CHARS = 256;

/** Redshift's own text, made safe for quoteLiteral: a backslash or control character becomes "?". */
function plainText(text: string, chars: number): string {
  return text.replace(/[\\\u0000-\u001f]/g, "?").slice(0, chars);
}

/** Both engines: one load_rejects row per refused object. */
export function rejectsInsertSql(rejected: readonly RejectedObject[], manifestKey: string, rejectedAt: number, schema = SCHEMA): string {
  if (rejected.length === 0) throw new SqlError("rejectsInsertSql needs at least one object");
  const rows = rejected.map(
    (r) =>
      `(${quoteLiteral(r.object.key)}, ${quoteLiteral(r.object.etag)}, ${integerLiteral(r.object.size, `size of ${r.object.key}`)}, ` +
      `${r.line === null ? "CAST(NULL AS BIGINT)" : integerLiteral(r.line, `line of ${r.object.key}`)}, ${quoteLiteral(plainText(r.column, 127))}, ` +
      `${quoteLiteral(plainText(r.reason, REASON_CHARS))}, ${quoteLiteral(manifestKey)}, ${timestampLiteral(rejectedAt)})`,
  );
  return `INSERT INTO ${qualified(schema, LOAD_REJECTS.name)} (${columnList(LOAD_REJECTS)}) VALUES ${rows.join(", ")}`;
}

export function batchValuesSql(objects: readonly RawObject[]): string {
  const rows = objects.map((o) => `(${quoteLiteral(o.key)}, ${quoteLiteral(o.etag)}, ${integerLiteral(o.size, `size of ${o.key}`)})`);
  return `INSERT INTO ${quoteIdent(LOAD_BATCH.name)} (${columnList(LOAD_BATCH)}) VALUES ${rows.join(", ")}`;
}

/** Redshift only. Gzip JSON lines, keys matched to column names; staging needs no compression analysis. */
export function copySql(bucket: string, manifestKey: string, copyRoleArn: string): string {
  return (
    `COPY ${quoteIdent(STAGING)} FROM ${quoteLiteral(`s3://${bucket}/${manifestKey}`)} IAM_ROLE ${quoteLiteral(copyRoleArn)} ` +
    "MANIFEST FORMAT AS JSON 'auto' GZIP TIMEFORMAT 'auto' COMPUPDATE OFF STATUPDATE OFF"
  );
}

/** SQL true when rows `a` and `b` (aliases) are the same reading: the key columns, and the detail of an anomaly row. */
function sameReading(a: string, b: string): string {
  const columns = READINGS_KEY.map((c) => `${a}.${quoteIdent(c)} = ${b}.${quoteIdent(c)}`);
  const detail = (row: string) => `COALESCE(${row}.${quoteIdent("detail")}, '')`;
  return [...columns, `(${a}.${quoteIdent("source")} <> ${quoteLiteral(DETAILED_SOURCE)} OR ${detail(a)} = ${detail(b)})`].join(" AND ");
}

/**
 * Removes the target rows that a staged row replaces: the same reading, ranked no higher (received earlier, or
 * at the same time with a value no higher: the order the insert ranks staged copies in). An older copy loaded
 * after a newer one, e.g. a record sent again by hand, does not overwrite it.
 */
export function mergeDeleteSql(schema = SCHEMA): string {
  const target = quoteIdent(READINGS.name);
  const staging = quoteIdent(STAGING);
  const [received, value] = [quoteIdent("received_at"), quoteIdent("value")];
  const ranksBelow =
    `(${target}.${received} < ${staging}.${received} OR ` + `(${target}.${received} = ${staging}.${received} AND ${target}.${value} <= ${staging}.${value}))`;
  return `DELETE FROM ${qualified(schema, READINGS.name)} USING ${staging} WHERE ${sameReading(target, staging)} AND ${ranksBelow}`;
}

/**
 * Inserts one row per reading (a message delivered twice is staged twice): the latest received wins, against
 * the other staged copies and against a copy already loaded (which the delete left only when it is newer).
 */
export function mergeInsertSql(schema = SCHEMA): string {
  const columns = columnList(READINGS);
  const key = [...READINGS_KEY.map(quoteIdent), `CASE WHEN ${quoteIdent("source")} = ${quoteLiteral(DETAILED_SOURCE)} THEN ${quoteIdent("detail")} END`].join(
    ", ",
  );
  const rank = quoteIdent("copy_rank");
  const ranked = quoteIdent("ranked");
  const kept = quoteIdent("kept");
  return (
    `INSERT INTO ${qualified(schema, READINGS.name)} (${columns}) SELECT ${columns} FROM (SELECT ${columns}, ` +
    `ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${quoteIdent("received_at")} DESC, ${quoteIdent("value")} DESC) AS ${rank} ` +
    `FROM ${quoteIdent(STAGING)}) AS ${ranked} WHERE ${rank} = 1 ` +
    `AND NOT EXISTS (SELECT 1 FROM ${qualified(schema, READINGS.name)} AS ${kept} WHERE ${sameReading(kept, ranked)})`
  );
}

/** Records each object once, even if a concurrent run recorded it first (its rows merged idempotently anyway). */
export function historyInsertSql(manifestKey: string, loadedAt: number, schema = SCHEMA): string {
  const batch = quoteIdent(LOAD_BATCH.name);
  const key = quoteIdent("object_key");
  return (
    `INSERT INTO ${qualified(schema, LOAD_HISTORY.name)} (${columnList(LOAD_HISTORY)}) ` +
    `SELECT ${key}, ${quoteIdent("etag")}, ${quoteIdent("size_bytes")}, CAST(NULL AS BIGINT), ${quoteLiteral(manifestKey)}, ${timestampLiteral(loadedAt)} ` +
    `FROM ${batch} WHERE NOT EXISTS (SELECT 1 FROM ${qualified(schema, LOAD_HISTORY.name)} AS ${quoteIdent("done")} ` +
    `WHERE ${quoteIdent("done")}.${key} = ${batch}.${key})`
  );
}

/** Staging and batch tables, before the COPY (both engines). */
export function prepareSql(objects: readonly RawObject[], schema = SCHEMA): string[] {
  return [`CREATE TEMP TABLE ${quoteIdent(STAGING)} (LIKE ${qualified(schema, READINGS.name)})`, createTempTableSql(LOAD_BATCH), batchValuesSql(objects)];
}

/** Merge, history and clean-up, after the COPY (both engines). */
export function mergeSql(manifestKey: string, loadedAt: number, schema = SCHEMA): string[] {
  return [
    mergeDeleteSql(schema),
    mergeInsertSql(schema),
    historyInsertSql(manifestKey, loadedAt, schema),
    `DROP TABLE ${quoteIdent(STAGING)}`,
    `DROP TABLE ${quoteIdent(LOAD_BATCH.name)}`,
  ];
}

/** The one BatchExecuteStatement of a load: a single transaction, all or nothing. Index of the COPY: 3. */
export function loadStatements(args: LoadSqlArgs): string[] {
  return [
    ...prepareSql(args.objects, args.schema),
    copySql(args.bucket, args.manifestKey, args.copyRoleArn),
    ...mergeSql(args.manifestKey, args.loadedAt, args.schema),
  ];
}
export const COPY_INDEX = 3;
/** Index of the merge insert in loadStatements (its ResultRows is the number of readings written). */
export const MERGE_INSERT_INDEX = 5;

/** Redshift only: lines read per file by one COPY (its query id from DescribeStatement). */
export function rowCountsSql(copyQueryId: number): string {
  return `SELECT TRIM(filename) AS filename, SUM(lines_scanned) AS line_count FROM stl_load_commits WHERE query = ${integerLiteral(copyQueryId, "COPY query id")} GROUP BY TRIM(filename)`;
}

/** Both engines: fills rows_loaded of objects whose count is still unknown. */
export function rowsUpdateSql(counts: readonly { key: string; rows: number }[], schema = SCHEMA): string {
  const key = quoteIdent("object_key");
  const cases = counts.map((c) => `WHEN ${quoteLiteral(c.key)} THEN ${integerLiteral(c.rows, `rows of ${c.key}`)}`).join(" ");
  return (
    `UPDATE ${qualified(schema, LOAD_HISTORY.name)} SET ${quoteIdent("rows_loaded")} = CASE ${key} ${cases} END ` +
    `WHERE ${key} IN (${counts.map((c) => quoteLiteral(c.key)).join(", ")}) AND ${quoteIdent("rows_loaded")} IS NULL`
  );
}

/**
 * Redshift only: the rejected lines of a failed COPY, first lines first. A COPY stops at the first error of each
 * slice, so there are few; the limit only bounds a pathological case.
 */
export function loadErrorsSql(copyQueryId: number, limit = 100): string {
  return (
    "SELECT TRIM(filename) AS filename, line_number, TRIM(colname) AS colname, TRIM(err_reason) AS err_reason FROM stl_load_errors " +
    `WHERE query = ${integerLiteral(copyQueryId, "COPY query id")} ORDER BY line_number LIMIT ${integerLiteral(limit, "limit")}`
  );
}
