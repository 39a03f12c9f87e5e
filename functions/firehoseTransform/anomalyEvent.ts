import { sensorNamed } from "../trainAnomaly/sensors";
import { RecordError } from "./errors";
import { checkDeviceId, checkReceivedAt, checkTime, isoMillis, show, unknownFields } from "./fields";
import { ReadingRow } from "../shared/readingsTable";

/** An anomaly episode event on `trains/{trainId}/anomalies` (docs/contracts.md) plus what the sharing rule adds. */
export const ANOMALY_FIELDS: readonly string[] = ["trainId", "timestamp", "episodeId", "state", "grade", "sensors", "source", "deviceId", "receivedAt"];
export const ANOMALY_STATES: readonly string[] = ["open", "cleared"];
/** Bounds `detail` well inside the Redshift column (VARCHAR(4096)). */
export const MAX_EPISODE_ID = 128;

/** One row, metric `anomaly`, value the grade; `detail` keeps episodeId, state and sensors. */
export function anomalyRows(message: Record<string, unknown>, where: string): ReadingRow[] {
  const problems = unknownFields(message, ANOMALY_FIELDS);
  const device = checkDeviceId(message.deviceId, "train");
  if ("problem" in device) problems.push(device.problem);
  const received = checkReceivedAt(message.receivedAt);
  if ("problem" in received) problems.push(received.problem);
  if ("ok" in device && message.trainId !== undefined && message.trainId !== device.ok) {
    problems.push(`field "trainId" ${show(message.trainId)} does not match the topic's thing name ${show(device.ok)}`);
  }
  const time = message.timestamp === undefined ? { problem: `field "timestamp" is required` } : checkTime("timestamp", message.timestamp);
  if ("problem" in time) problems.push(time.problem);
  const { episodeId, state, grade, sensors } = message;
  if (episodeId === undefined) problems.push(`field "episodeId" is required`);
  else if (typeof episodeId !== "string" || episodeId === "" || episodeId.length > MAX_EPISODE_ID) {
    problems.push(`field "episodeId" must be a string of 1-${MAX_EPISODE_ID} characters, got ${show(episodeId)}`);
  }
  if (state === undefined) problems.push(`field "state" is required`);
  else if (!ANOMALY_STATES.includes(state as string)) problems.push(`field "state" must be one of ${ANOMALY_STATES.join(", ")}, got ${show(state)}`);
  if (grade === undefined) problems.push(`field "grade" is required`);
  else if (typeof grade !== "number" || !Number.isFinite(grade) || grade < 0 || grade > 1) {
    problems.push(`field "grade" must be a number in 0..1, got ${show(grade)}`);
  }
  if (sensors === undefined) problems.push(`field "sensors" is required`);
  else if (!Array.isArray(sensors)) problems.push(`field "sensors" must be an array of sensor names, got ${show(sensors)}`);
  else {
    sensors.forEach((name, i) => {
      if (typeof name !== "string" || !sensorNamed(name)) problems.push(`field "sensors[${i}]" is not a known sensor, got ${show(name)}`);
      else if (sensors.indexOf(name) !== i) problems.push(`field "sensors[${i}]" repeats ${show(name)}`);
    });
  }
  if (problems.length > 0 || "problem" in device || "problem" in received || "problem" in time) {
    throw new RecordError(`${where}: ${problems.join("; ")}`);
  }
  return [
    {
      source: "anomalies",
      device_id: device.ok,
      event_time: isoMillis(time.ok),
      received_at: received.ok,
      metric: "anomaly",
      value: grade as number,
      detail: JSON.stringify({ episodeId, state, sensors }),
    },
  ];
}
