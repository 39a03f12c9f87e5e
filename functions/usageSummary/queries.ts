import { SummaryDay } from "./summaryDay";

/**
 * The daily usage summary's SQL, the single source for the Athena named queries (infra/dataSharing), the
 * Athena engine (CLI --stack and the usageSummary Lambda) and the DuckDB engine (CLI --local). Each query is
 * Trino SQL with `?` placeholders, filled from the day: on Athena as ExecutionParameters (SQL literals), on
 * DuckDB as bound values. Table names are unqualified: the database is the execution context.
 */

/** Table names, shared by the Glue catalog and the DuckDB shim's views. */
export const TABLES = {
  readings: "readings",
  accessLogs: "s3_access_logs",
  cloudTrail: "cloudtrail_data_events",
  meterReadings: "meter_readings",
  supplierUploads: "supplier_uploads",
  supplierReports: "supplier_reports",
} as const;

/** Which spelling of the day fills a `?`, in order of appearance. */
export type DayParameter = keyof SummaryDay;

export interface SummaryQuery {
  readonly name: string;
  readonly description: string;
  readonly sql: string;
  readonly parameters: readonly DayParameter[];
}

/**
 * A shared reading the table cannot attribute: a line that is not a JSON record (the table skips malformed JSON as a
 * row of nulls) or a record without its source or device. Counted, so that no count below loses it silently.
 */
export const UNREADABLE_READING = "source IS NULL OR device_id IS NULL";

export const installationsQuery: SummaryQuery = {
  name: "daily-meter-installations",
  description:
    "Smart-meter installations that delivered real-time data on a day, and the day's shared readings no count can attribute (not JSON, or without source or device)",
  sql: [
    "SELECT count(DISTINCT CASE WHEN source = 'meters' THEN device_id END) AS installations,",
    `  count_if(${UNREADABLE_READING}) AS unreadable`,
    `FROM ${TABLES.readings}`,
    "WHERE dt = ?",
  ].join("\n"),
  parameters: ["slashed"],
};

/**
 * How the supplier tables are read, by the summary below and by the daily Athena view: an upload row's object
 * key, and the "file" and "rejected" lines of a quarantine report (written as `JSON.stringify(report, null, 2)`).
 */
export const SUPPLIER_SQL = {
  uploadKey: `regexp_extract("$path", '(\\d{8}/[^/]+)$', 1)`,
  isUpload: `lower("$path") LIKE '%.csv'`,
  reportFile: `regexp_extract(line, '^  "file": "(.*)",$', 1)`,
  isReportFile: `regexp_like(line, '^  "file": ".*",$')`,
  rejectedRows: `CAST(regexp_extract(line, '^  "rejected": ([0-9]+)', 1) AS bigint)`,
  isRejectedLine: `regexp_like(line, '^  "rejected": [0-9]+')`,
} as const;

/**
 * Supplier files: the uploads with rows, plus every upload its quarantine report names. An empty (0-byte)
 * upload has no rows, so no "$path" in the uploads table, but the parser writes a report for it ("file is
 * empty"): without the reports it would go uncounted. Both sides give the object key `YYYYMMDD/name.csv`.
 */
export const supplierQuery: SummaryQuery = {
  name: "daily-supplier-files",
  description: "Supplier files uploaded on a day and the rows their quarantine reports rejected",
  sql: [
    "SELECT",
    "  (SELECT count(DISTINCT upload) FROM (",
    `    SELECT ${SUPPLIER_SQL.uploadKey} AS upload FROM ${TABLES.supplierUploads} WHERE dt = ? AND ${SUPPLIER_SQL.isUpload}`,
    "    UNION ALL",
    `    SELECT ${SUPPLIER_SQL.reportFile} FROM ${TABLES.supplierReports} WHERE dt = ? AND ${SUPPLIER_SQL.isReportFile}`,
    "  ) AS uploads) AS files,",
    `  (SELECT coalesce(sum(${SUPPLIER_SQL.rejectedRows}), 0)`,
    `   FROM ${TABLES.supplierReports} WHERE dt = ? AND ${SUPPLIER_SQL.isRejectedLine}) AS rejected_rows`,
  ].join("\n"),
  parameters: ["compact", "compact", "compact"],
};

export const customerActivityQuery: SummaryQuery = {
  name: "daily-customer-activity",
  description: "Successful profile updates (DynamoDB PutItem/UpdateItem on a profile's key) and report downloads (S3 GetObject) on a day, from CloudTrail",
  sql: [
    "SELECT",
    "  count_if(eventsource = 'dynamodb.amazonaws.com' AND eventname IN ('PutItem', 'UpdateItem')",
    // claim codes, meter owners and failed-claim counters share the table under `kind#...` keys; a profile's key is a Cognito sub
    "    AND strpos(coalesce(json_extract_scalar(requestparameters, '$.key.customerId'), ''), '#') = 0) AS profile_updates,",
    "  count_if(eventsource = 's3.amazonaws.com' AND eventname = 'GetObject'",
    "    AND json_extract_scalar(requestparameters, '$.key') LIKE 'reports/%') AS report_downloads",
    `FROM ${TABLES.cloudTrail}`,
    "WHERE dt IN (?, ?) AND substr(eventtime, 1, 10) = ? AND errorcode IS NULL",
  ].join("\n"),
  parameters: ["slashed", "nextSlashed", "iso"],
};

/**
 * How the shared readings are counted per train, by the summary below and by the daily Athena view: distinct
 * reading times, and distinct episodes opened (anomaly events are delivered at least once).
 */
export const TRAIN_SQL = {
  readings: "count(DISTINCT CASE WHEN source = 'trains' THEN event_time END)",
  anomalies:
    "count(DISTINCT CASE WHEN source = 'anomalies' AND json_extract_scalar(detail, '$.state') = 'open' THEN json_extract_scalar(detail, '$.episodeId') END)",
  isTrainRow: "source IN ('trains', 'anomalies') AND device_id IS NOT NULL",
} as const;

export const trainsQuery: SummaryQuery = {
  name: "daily-train-activity",
  description: "Telemetry messages (distinct reading times) and anomaly episodes opened (distinct ids: events are at-least-once) per train on a day",
  sql: [
    "SELECT device_id AS train_id,",
    `  ${TRAIN_SQL.readings} AS readings,`,
    `  ${TRAIN_SQL.anomalies} AS anomalies`,
    `FROM ${TABLES.readings}`,
    `WHERE dt = ? AND ${TRAIN_SQL.isTrainRow}`,
    "GROUP BY device_id",
    "ORDER BY device_id",
  ].join("\n"),
  parameters: ["slashed"],
};

/** The queries the summary runs, in order. */
export const SUMMARY_QUERIES: readonly SummaryQuery[] = [installationsQuery, supplierQuery, customerActivityQuery, trainsQuery];

/** Saved in the workgroup for data scientists; not part of the summary. */
export const EXPLORATION_QUERIES: readonly SummaryQuery[] = [
  {
    name: "daily-raw-bucket-requests",
    description: "Requests and bytes per requester and operation on the shared raw bucket on a day (server access logs)",
    sql: [
      "SELECT requester, operation, count(*) AS requests, sum(coalesce(bytessent, 0)) AS bytes",
      `FROM ${TABLES.accessLogs}`,
      "WHERE dt = ?",
      "GROUP BY requester, operation",
      "ORDER BY bytes DESC",
    ].join("\n"),
    parameters: ["slashed"],
  },
  {
    name: "daily-data-access-by-principal",
    description: "Object-level data events per principal, network path and event on a day (CloudTrail)",
    sql: [
      "SELECT useridentity.arn AS principal, sourceipaddress, vpcendpointid, eventsource, eventname, count(*) AS events",
      `FROM ${TABLES.cloudTrail}`,
      "WHERE dt IN (?, ?) AND substr(eventtime, 1, 10) = ?",
      "GROUP BY 1, 2, 3, 4, 5",
      "ORDER BY events DESC",
    ].join("\n"),
    parameters: ["slashed", "nextSlashed", "iso"],
  },
];

/** The values for the query's `?`s, in order. */
export function parameterValues(query: SummaryQuery, day: SummaryDay): string[] {
  return query.parameters.map((p) => day[p]);
}

/** Athena ExecutionParameters are SQL literals; the values are digits and separators only, so no escaping. */
export function athenaParameters(query: SummaryQuery, day: SummaryDay): string[] {
  return parameterValues(query, day).map((v) => `'${v}'`);
}

/** The SQL with its `?`s replaced by the day's literals: what Athena executes, for display and tests. */
export function renderSql(query: SummaryQuery, day: SummaryDay): string {
  const literals = athenaParameters(query, day);
  const parts = query.sql.split("?");
  if (parts.length - 1 !== literals.length) {
    throw new Error(`query ${query.name} has ${parts.length - 1} placeholders but ${literals.length} parameters`);
  }
  return parts.reduce((sql, part, i) => sql + literals[i - 1] + part);
}
