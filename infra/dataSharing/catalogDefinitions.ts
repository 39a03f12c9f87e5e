/**
 * Glue table shapes and Athena named queries, as plain data. Every table uses partition projection, so new
 * days are queryable at once without crawlers or MSCK REPAIR. The queries themselves live with the usage
 * summary (functions/usageSummary/queries.ts): the workgroup saves exactly the SQL the CLI and Lambda run.
 */
import { READINGS_COLUMNS } from "../../functions/shared/readingsTable";
import { EXPLORATION_QUERIES, SUMMARY_QUERIES, TABLES } from "../../functions/usageSummary/queries";
import { identifier } from "../shared/naming";

/**
 * What the results bucket holds: Athena's query results (the workgroup's output location) and the daily usage
 * summaries (`summaries/{YYYY-MM-DD}.json`, functions/usageSummary/dailySummary.ts). Writers get these only.
 */
export const RESULTS_PREFIXES = { queryResults: "athena/", summaries: "summaries/" } as const;

export interface Column {
  readonly name: string;
  readonly type: string;
  readonly comment?: string;
}

/** A projected partition key: a day in `format` from `firstDay` to now, or a value the query must give (`injected`). */
export type Partition =
  { readonly name: string; readonly type: "date"; readonly format: string; readonly firstDay: string } | { readonly name: string; readonly type: "injected" };

export interface TableShape {
  readonly name: string;
  readonly description: string;
  readonly columns: readonly Column[];
  /** Partition keys in location order; all projected. */
  readonly partitions: readonly Partition[];
  /** Location below the table's S3 prefix, with `${key}` for each partition, ending in `/`. */
  readonly locationTemplate: string;
  readonly inputFormat: string;
  readonly outputFormat: string;
  readonly serializationLibrary: string;
  readonly serdeParameters: Readonly<Record<string, string>>;
  readonly classification: string;
}

const TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat";
const TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
const JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe";
const FIRST_DAY = "2024/01/01";

/** `dt` = `yyyy/MM/dd`, the layout of Firehose, CloudTrail and date-partitioned server access log keys. */
const slashedDay = { name: "dt", type: "date", format: "yyyy/MM/dd", firstDay: FIRST_DAY } as const satisfies Partition;
/** `dt` = `yyyyMMdd`, the meter lake's and the supplier uploads' `{YYYYMMDD}` folder. */
const compactDay: Partition = { name: "dt", type: "date", format: "yyyyMMdd", firstDay: "20240101" };

/** Projection parameters for a table whose S3 location is `<locationPrefix><shape.locationTemplate>`. */
export function projectionParameters(shape: Pick<TableShape, "partitions" | "locationTemplate">, locationPrefix: string): Record<string, string> {
  if (!locationPrefix.startsWith("s3://") || !locationPrefix.endsWith("/")) {
    throw new Error(`projection location must be an s3:// prefix ending in / (got "${locationPrefix}")`);
  }
  const params: Record<string, string> = { "projection.enabled": "true" };
  for (const p of shape.partitions) {
    if (!shape.locationTemplate.includes(`\${${p.name}}`)) throw new Error(`location template "${shape.locationTemplate}" does not use partition ${p.name}`);
    params[`projection.${p.name}.type`] = p.type;
    if (p.type === "date") {
      params[`projection.${p.name}.format`] = p.format;
      params[`projection.${p.name}.range`] = `${p.firstDay},NOW`;
      params[`projection.${p.name}.interval`] = "1";
      params[`projection.${p.name}.interval.unit`] = "DAYS";
    }
  }
  params["storage.location.template"] = `${locationPrefix}${shape.locationTemplate}`;
  return params;
}

/** Projection parameters for a `dt` = `yyyy/MM/dd` partition whose S3 location is `<locationPrefix>${dt}/`. */
export function dailyProjection(locationPrefix: string, firstDay = FIRST_DAY): Record<string, string> {
  return projectionParameters({ partitions: [{ ...slashedDay, firstDay }], locationTemplate: "${dt}/" }, locationPrefix);
}

/** Rows of the shared `readings` table (docs/contracts.md), written by the Firehose transform: gzip JSON lines. */
export const readingsTable: TableShape = {
  name: TABLES.readings,
  description: "Meter readings, train telemetry and anomaly events shared with data scientists, one row per measured value",
  columns: READINGS_COLUMNS.map(({ name, glue, comment }) => ({ name, type: glue, comment })),
  partitions: [slashedDay],
  locationTemplate: "${dt}/",
  inputFormat: TEXT_INPUT,
  outputFormat: TEXT_OUTPUT,
  serializationLibrary: JSON_SERDE,
  serdeParameters: { "ignore.malformed.json": "true" },
  classification: "json",
};

/**
 * The meter lake's real-time readings, `{ClientID}/{YYYYMMDD}/{timestamp}-{uuid}.json`, one a reading. The client comes before the day, so
 * `client_id` is injected: every query must name one client (`client_id = '...'`). Cross-client daily counts
 * come from the date-partitioned `readings` table instead (docs/summary.md).
 */
export const meterReadingsTable: TableShape = {
  name: TABLES.meterReadings,
  description: "Real-time readings of one meter installation per query (client_id is required)",
  columns: [
    { name: "clientid", type: "string" },
    { name: "day", type: "string", comment: "yyyyMMdd UTC of receipt" },
    { name: "timestamp", type: "string", comment: "interval start, ISO 8601 or epoch ms as sent" },
    { name: "kwh", type: "double" },
    { name: "intervalminutes", type: "int" },
    { name: "receivedat", type: "bigint", comment: "epoch ms" },
  ],
  partitions: [{ name: "client_id", type: "injected" }, compactDay],
  locationTemplate: "${client_id}/${dt}/",
  inputFormat: TEXT_INPUT,
  outputFormat: TEXT_OUTPUT,
  serializationLibrary: JSON_SERDE,
  serdeParameters: { "ignore.malformed.json": "true" },
  classification: "json",
};

/**
 * Files as lines of text (LazySimpleSerDe with its default Control-A separator, so a line is one column): the
 * supplier CSVs come in four layouts, and the quarantine reports are pretty-printed JSON, one field per line.
 */
function lineTable(name: string, description: string): TableShape {
  return {
    name,
    description,
    columns: [{ name: "line", type: "string" }],
    partitions: [compactDay],
    locationTemplate: "${dt}/",
    inputFormat: TEXT_INPUT,
    outputFormat: TEXT_OUTPUT,
    serializationLibrary: "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
    serdeParameters: {},
    classification: "text",
  };
}

export const supplierUploadsTable = lineTable(TABLES.supplierUploads, "Supplier CSV uploads {YYYYMMDD}/{ClientID}.csv, one row per line");
export const supplierReportsTable = lineTable(
  TABLES.supplierReports,
  "Supplier parser quarantine reports quarantine/{YYYYMMDD}/{ClientID}.json, one row per line",
);

/** S3 server access log format (https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html). */
export const accessLogTable: TableShape = {
  name: TABLES.accessLogs,
  description: "Server access logs of the shared raw bucket",
  columns: [
    "bucketowner",
    "bucket_name",
    "requestdatetime",
    "remoteip",
    "requester",
    "requestid",
    "operation",
    "key",
    "request_uri",
    "httpstatus",
    "errorcode",
    "bytessent",
    "objectsize",
    "totaltime",
    "turnaroundtime",
    "referrer",
    "useragent",
    "versionid",
    "hostid",
    "sigv",
    "ciphersuite",
    "authtype",
    "endpoint",
    "tlsversion",
    "accesspointarn",
    "aclrequired",
  ].map((name) => ({ name, type: name === "bytessent" || name === "objectsize" || name === "totaltime" || name === "turnaroundtime" ? "bigint" : "string" })),
  partitions: [slashedDay],
  locationTemplate: "${dt}/",
  inputFormat: TEXT_INPUT,
  outputFormat: TEXT_OUTPUT,
  serializationLibrary: "org.apache.hadoop.hive.serde2.RegexSerDe",
  serdeParameters: {
    "input.regex":
      '([^ ]*) ([^ ]*) \\[(.*?)\\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("[^"]*"|-) (-|[0-9]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("[^"]*"|-) ([^ ]*)(?: ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*))?.*$',
  },
  classification: "s3accesslogs",
};

/** CloudTrail data events: raw bucket objects, report downloads and profile-table writes. */
export const cloudTrailTable: TableShape = {
  name: TABLES.cloudTrail,
  description: "CloudTrail data events: shared raw objects, customer report downloads, profile updates",
  columns: [
    { name: "eventversion", type: "string" },
    { name: "useridentity", type: "struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,username:string>" },
    { name: "eventtime", type: "string" },
    { name: "eventsource", type: "string" },
    { name: "eventname", type: "string" },
    { name: "awsregion", type: "string" },
    { name: "sourceipaddress", type: "string" },
    { name: "useragent", type: "string" },
    { name: "errorcode", type: "string" },
    { name: "requestparameters", type: "string" },
    { name: "resources", type: "array<struct<arn:string,accountid:string,type:string>>" },
    { name: "eventid", type: "string" },
    { name: "readonly", type: "string" },
    { name: "vpcendpointid", type: "string" },
  ],
  partitions: [slashedDay],
  locationTemplate: "${dt}/",
  inputFormat: "com.amazon.emr.cloudtrail.CloudTrailInputFormat",
  outputFormat: TEXT_OUTPUT,
  serializationLibrary: "org.apache.hive.hcatalog.data.JsonSerDe",
  serdeParameters: {},
  classification: "cloudtrail",
};

/** Physical names of the stack's Glue database and Athena workgroup (the CLI's `--stack` reads these). */
export function databaseName(stack: string): string {
  return identifier(["gridrail", stack, "sharing"], "_", 255);
}

export function workgroupName(stack: string): string {
  return identifier(["gridrail", stack, "data-sharing"]);
}

export interface NamedQueryShape {
  readonly name: string;
  readonly description: string;
  /** The database the query runs in (its tables are unqualified). */
  readonly database: string;
  readonly query: string;
}

/** Named queries saved in the workgroup: the summary's, then the exploration ones; `?` is the day. */
export function summaryQueries(database: string): NamedQueryShape[] {
  return [...SUMMARY_QUERIES, ...EXPLORATION_QUERIES].map((q) => ({
    name: q.name,
    description: `${q.description}. Parameters: ${q.parameters.map((p) => PARAMETER_HELP[p]).join(", ")}`,
    database,
    query: q.sql,
  }));
}

const PARAMETER_HELP = { iso: "'YYYY-MM-DD'", slashed: "'yyyy/MM/dd'", nextSlashed: "the next day's 'yyyy/MM/dd'", compact: "'yyyyMMdd'" } as const;
