/** One row of the shared `readings` table (docs/contracts.md), long format: one measured value per row. */
export interface ReadingRow {
  readonly source: ReadingSource;
  readonly device_id: string;
  /** ISO 8601 UTC with milliseconds. */
  readonly event_time: string;
  /** IoT Core receive time, epoch ms. */
  readonly received_at: number;
  readonly metric: string;
  readonly value: number;
  /** JSON text with the rest of the message, or null. */
  readonly detail: string | null;
}

export type ReadingSource = "meters" | "trains" | "anomalies";
export const READING_SOURCES: readonly ReadingSource[] = ["meters", "trains", "anomalies"];

/** The row as one newline-terminated JSON line, columns in table order (Redshift COPY JSON 'auto' maps by name). */
export function rowLine(row: ReadingRow): string {
  const { source, device_id, event_time, received_at, metric, value, detail } = row;
  return `${JSON.stringify({ source, device_id, event_time, received_at, metric, value, detail })}\n`;
}
