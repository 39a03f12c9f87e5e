import { RecordError } from "./errors";
import { checkDeviceId, checkReceivedAt, checkTime, isoMillis, show, unknownFields } from "./fields";
import { ReadingRow } from "../shared/readingsTable";

/** A meter's MQTT reading plus what the sharing rule adds (docs/contracts.md). */
export const METER_FIELDS: readonly string[] = ["timestamp", "kwh", "intervalMinutes", "source", "deviceId", "receivedAt"];
export const INTERVAL_MINUTES: readonly number[] = [5, 15, 30, 60];
export const DEFAULT_INTERVAL_MINUTES = 30;

/** One row, metric `kwh`; `detail` keeps the interval (the default made explicit). */
export function meterRows(message: Record<string, unknown>, where: string): ReadingRow[] {
  const problems = unknownFields(message, METER_FIELDS);
  const device = checkDeviceId(message.deviceId, "meter");
  if ("problem" in device) problems.push(device.problem);
  const received = checkReceivedAt(message.receivedAt);
  if ("problem" in received) problems.push(received.problem);
  const time = message.timestamp === undefined ? { problem: `field "timestamp" is required` } : checkTime("timestamp", message.timestamp);
  if ("problem" in time) problems.push(time.problem);
  const kwh = message.kwh;
  if (kwh === undefined) problems.push(`field "kwh" is required`);
  else if (typeof kwh !== "number" || !Number.isFinite(kwh) || kwh < 0) problems.push(`field "kwh" must be a finite number >= 0, got ${show(kwh)}`);
  const interval = message.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES;
  if (!INTERVAL_MINUTES.includes(interval as number)) {
    problems.push(`field "intervalMinutes" must be one of ${INTERVAL_MINUTES.join(", ")}, got ${show(message.intervalMinutes)}`);
  }
  if (problems.length > 0 || "problem" in device || "problem" in received || "problem" in time) {
    throw new RecordError(`${where}: ${problems.join("; ")}`);
  }
  return [
    {
      source: "meters",
      device_id: device.ok,
      event_time: isoMillis(time.ok),
      received_at: received.ok,
      metric: "kwh",
      value: kwh as number,
      detail: JSON.stringify({ intervalMinutes: interval }),
    },
  ];
}
