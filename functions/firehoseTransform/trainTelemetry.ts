import { SENSORS } from "../trainAnomaly/sensors";
import { parseTelemetry } from "../trainAnomaly/telemetry";
import { RecordError } from "./errors";
import { checkDeviceId, checkReceivedAt, isoMillis, show } from "./fields";
import { ReadingRow } from "../shared/readingsTable";

/**
 * Train telemetry (functions/trainAnomaly/telemetry.ts) plus what the sharing rule adds. The message itself is
 * checked by the anomaly Lambda's own validator with no required sensors and no physical bounds: sharing takes
 * whatever was measured, and a sensor stuck beyond its bounds is data the data scientists want (the detector
 * refuses it to keep its model sane), not a reason to lose the train's other values.
 */
export function telemetryRows(message: Record<string, unknown>, where: string): ReadingRow[] {
  const { source: _source, deviceId, ...telemetry } = message;
  const problems: string[] = [];
  const device = checkDeviceId(deviceId, "train");
  if ("problem" in device) problems.push(device.problem);
  const received = checkReceivedAt(message.receivedAt);
  if ("problem" in received) problems.push(received.problem);
  // The topic's thing name is policy-checked; a different trainId in the body is a misconfigured agent.
  if ("ok" in device && telemetry.trainId !== undefined && telemetry.trainId !== device.ok) {
    problems.push(`field "trainId" ${show(telemetry.trainId)} does not match the topic's thing name ${show(device.ok)}`);
  }
  const sensors = telemetry.sensors;
  if (typeof sensors === "object" && sensors !== null && !Array.isArray(sensors) && Object.keys(sensors).length === 0) {
    problems.push(`field "sensors" has no values`);
  }
  let parsed: ReturnType<typeof parseTelemetry> | undefined;
  try {
    parsed = parseTelemetry({ ...telemetry, trainId: telemetry.trainId ?? ("ok" in device ? device.ok : undefined) }, [], where, {});
  } catch (e) {
    problems.push((e as Error).message.slice(where.length + 2));
  }
  if (problems.length > 0 || !parsed || "problem" in device || "problem" in received) {
    throw new RecordError(`${where}: ${problems.join("; ")}`);
  }
  const event_time = isoMillis(parsed.timestamp);
  const detail = parsed.seq === undefined ? null : JSON.stringify({ seq: parsed.seq });
  return SENSORS.filter((s) => parsed!.sensors[s.name] !== undefined).map((s) => ({
    source: "trains",
    device_id: device.ok,
    event_time,
    received_at: received.ok,
    metric: s.name,
    value: parsed!.sensors[s.name],
    detail,
  }));
}
