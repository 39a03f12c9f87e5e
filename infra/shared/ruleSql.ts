/**
 * The SQL of every IoT topic rule, in one Pulumi-free module: the Pulumi program deploys these statements and
 * the local stack runs the same text through its rule engine (local/iot/iotSql.ts).
 */
import { topics } from "./naming";

/** The IoT SQL dialect every rule is written in. */
export const IOT_SQL_VERSION = "2016-03-23";

/**
 * Meter readings to the lake: the rule stamps each reading with its client id, UTC day and time of receipt, and
 * its S3 action writes it under `METER_LAKE_KEY`. topic(2) equals the client id because the device policy only lets a meter publish to its
 * own topic.
 */
export const METER_READINGS_SQL = `SELECT *, topic(2) AS clientId, parse_time("yyyyMMdd", timestamp(), "UTC") AS day, timestamp() AS receivedAt FROM '${topics.meterReadingsFilter}'`;

/**
 * Where the meter readings rule's S3 action writes each reading: `{ClientID}/{YYYYMMDD}/{timestamp}-{uuid}.json`,
 * the UTC day and epoch ms of receipt, the layout the daily analysis and the `meter_readings` table read. The uuid
 * keeps apart two readings of one meter received in the same millisecond. A substitution template: AWS evaluates
 * it per message apart from the SELECT, so its time may differ from the `day` and `receivedAt` the SQL stamps by a
 * moment (and the day around midnight); the analysis takes a reading's partition from its key alone.
 */
export const METER_LAKE_KEY = '${topic(2)}/${parse_time("yyyyMMdd", timestamp(), "UTC")}/${timestamp()}-${newuuid()}.json';

/** Train telemetry to Kinesis, partitioned by the thing name the policy binds the topic to. */
export const TRAIN_TELEMETRY_SQL = `SELECT *, topic(2) AS trainId, timestamp() AS receivedAt FROM '${topics.trainTelemetryFilter}'`;

/** Shared source topics: both device families' data and the trains' anomaly episodes go to the data scientists. */
export const SHARED_TOPICS = [
  { source: "meters", filter: topics.meterReadingsFilter },
  { source: "trains", filter: topics.trainTelemetryFilter },
  { source: "anomalies", filter: topics.trainAnomaliesFilter },
] as const;

export type SharedSource = (typeof SHARED_TOPICS)[number]["source"];

/** One sharing rule's SQL: the message as published, tagged with its source, device and receive time. */
export function sharedRuleSql(source: SharedSource, filter: string): string {
  return `SELECT *, '${source}' AS source, topic(2) AS deviceId, timestamp() AS receivedAt FROM '${filter}'`;
}

/** The sharing rules, one per source topic. */
export const SHARED_RULES: readonly { readonly source: SharedSource; readonly sql: string }[] = SHARED_TOPICS.map(({ source, filter }) => ({
  source,
  sql: sharedRuleSql(source, filter),
}));
