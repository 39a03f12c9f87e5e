import { ReadingRow } from "../../functions/shared/readingsTable";

/** A train sensor's row of the shared `readings` table, as the Firehose transform writes it. */
export const trainRow = (device: string, metric: string, value: number, receivedAt = 1000, eventTime = "2026-11-21T10:30:00.000Z"): ReadingRow => ({
  source: "trains",
  device_id: device,
  event_time: eventTime,
  received_at: receivedAt,
  metric,
  value,
  detail: null,
});
