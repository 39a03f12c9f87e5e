/**
 * The shared `readings` table (docs/contracts.md), one row per measured value: the one description from which
 * the Firehose transform's row type, the Glue columns Athena reads and the Redshift DDL the loader creates
 * are all derived. Add or change a column here only.
 */

/** Where a row came from: the IoT sharing rule's `source` tag. */
export const READING_SOURCES = ["meters", "trains", "anomalies"] as const;
export type ReadingSource = (typeof READING_SOURCES)[number];

export interface ReadingsColumn {
  readonly name: string;
  /** Hive/Glue type (Athena reads the JSON lines with it). */
  readonly glue: "string" | "bigint" | "double";
  /** Redshift type of the warehouse column. */
  readonly redshift: string;
  readonly nullable: boolean;
  readonly comment: string;
}

export const READINGS_COLUMNS = [
  { name: "source", glue: "string", redshift: "VARCHAR(16)", nullable: false, comment: READING_SOURCES.join(" | ") },
  { name: "device_id", glue: "string", redshift: "VARCHAR(128)", nullable: false, comment: "meter client id or train thing name" },
  { name: "event_time", glue: "string", redshift: "TIMESTAMP", nullable: false, comment: "device time, ISO 8601 UTC with milliseconds" },
  { name: "received_at", glue: "bigint", redshift: "BIGINT", nullable: false, comment: "IoT Core receive time, epoch ms" },
  { name: "metric", glue: "string", redshift: "VARCHAR(64)", nullable: false, comment: "kwh | a MetroPT-3 sensor name | anomaly" },
  { name: "value", glue: "double", redshift: "DOUBLE PRECISION", nullable: false, comment: "the value; for anomaly, the grade (0..1)" },
  { name: "detail", glue: "string", redshift: "VARCHAR(4096)", nullable: true, comment: "JSON text with the rest, or null" },
] as const satisfies readonly ReadingsColumn[];

type Column = (typeof READINGS_COLUMNS)[number];
interface GlueToTs {
  string: string;
  bigint: number;
  double: number;
}
type ValueOf<C extends Column> = C["name"] extends "source" ? ReadingSource : GlueToTs[C["glue"]] | (C["nullable"] extends true ? null : never);

/** One row as the transform writes it: a property per column, typed from the column's Glue type. */
export type ReadingRow = { readonly [C in Column as C["name"]]: ValueOf<C> };

/** The smallest normal double: Redshift's DOUBLE PRECISION refuses a value closer to zero (a subnormal). */
const SMALLEST_NORMAL = 2.2250738585072014e-308;

/**
 * The row as one newline-terminated JSON line, columns in table order (Redshift COPY JSON 'auto' maps by name).
 * A value closer to zero than the smallest normal double is written as 0: Redshift refuses it, and one such
 * line would fail the COPY of every object in its load.
 */
export function rowLine(row: ReadingRow): string {
  const ordered: Record<string, unknown> = {};
  for (const c of READINGS_COLUMNS) ordered[c.name] = row[c.name];
  if (Math.abs(row.value) < SMALLEST_NORMAL) ordered.value = 0;
  return `${JSON.stringify(ordered)}\n`;
}
