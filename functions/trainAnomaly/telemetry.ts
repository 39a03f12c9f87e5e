import { TelemetryError } from "./errors";
import { SENSORS, SENSOR_BOUNDS, SensorBounds, sensorNamed } from "./sensors";
import { readingTime } from "../shared/readingYears";
import { showValue } from "../shared/showValue";

/**
 * Train telemetry, one JSON message per reading, published by a train on `trains/<thing name>/telemetry`:
 *
 *   { "trainId": "train-0042", "timestamp": "2020-02-01T00:00:10Z", "seq": 17,
 *     "sensors": { "TP2": -0.014, "TP3": 9.348, ..., "COMP": 1 } }
 *
 * - trainId: the thing name, `train-<id>`. The IoT rule overwrites it with the topic's (policy-checked) name.
 * - timestamp: when the train read the sensors: epoch milliseconds, or ISO 8601 with a zone.
 * - seq: optional, the agent's per-train message counter (logged; the idempotency key is train + timestamp).
 * - sensors: sensor name → value, names from `SENSORS`; analog values finite numbers, digital 0 or 1. Every
 *   sensor a detector group reads is required; the others are optional. An analog value outside the sensor's
 *   physical bounds (`Sensor.bounds`, overridable) is a broken sensor, not a broken message: the reading is
 *   kept and the sensor listed in `outOfBounds`, so the train's other sensors are still scored.
 * - receivedAt: added by the IoT rule (epoch ms, `timestamp()`): when IoT Core received the message. The
 *   reading time is checked against it where the Kinesis arrival time is missing (see readingTime.ts).
 * Any other field is an error (typo guard).
 */
export interface Telemetry {
  readonly trainId: string;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly seq?: number;
  readonly sensors: Readonly<Record<string, number>>;
  /** Epoch ms IoT Core received the message (the rule's `timestamp()`), when present. */
  readonly receivedAt?: number;
  /** The analog sensors whose value is outside their bounds, with the bounds it broke; absent when none. */
  readonly outOfBounds?: Readonly<Record<string, SensorBounds>>;
}

export const TELEMETRY_FIELDS: readonly string[] = ["trainId", "timestamp", "seq", "sensors", "receivedAt"];

/** Thing names are `[a-zA-Z0-9:_-]{1,128}`; trains are `train-<id>`. */
export function isTrainId(value: unknown): value is string {
  return typeof value === "string" && value.length <= 128 && /^train-[A-Za-z0-9:_-]+$/.test(value);
}

/** JSON of a value for an error message, cut to a readable length. */
export const show = (value: unknown): string => showValue(value);

/** Why an analog value is no reading of its sensor: it is outside the sensor's physical bounds. */
export function boundsProblem(name: string, value: number, range: SensorBounds): string {
  const unit = sensorNamed(name)?.unit ?? "";
  return `field "sensors.${name}" is ${show(value)}${unit ? ` ${unit}` : ""}, outside its bounds ${range.min}..${range.max}${unit ? ` ${unit}` : ""}`;
}

/** A problem that makes the message unreadable (bounds are not checked here: see `parseTelemetry`). */
function checkSensor(name: string, value: unknown): string | undefined {
  const sensor = sensorNamed(name);
  if (!sensor) return `field "sensors.${name}" is not a known sensor (known: ${SENSORS.map((s) => s.name).join(", ")})`;
  if (typeof value !== "number" || !Number.isFinite(value)) return `field "sensors.${name}" must be a finite number, got ${show(value)}`;
  if (sensor.kind === "digital" && value !== 0 && value !== 1) return `field "sensors.${name}" must be 0 or 1 (digital), got ${show(value)}`;
  return undefined;
}

/** Problems a refused record names (a crafted record can have thousands; its letter must fit a queue message). */
export const MAX_PROBLEMS_SHOWN = 10;

/**
 * Validates one decoded message. `required` are the sensors the detector groups read; `bounds` the analog
 * sensors' ranges (default: the sensor table's): a value outside them is listed in `outOfBounds`, not refused.
 * Throws a TelemetryError listing its problems (the first MAX_PROBLEMS_SHOWN), prefixed with `where` (the record).
 */
export function parseTelemetry(
  value: unknown,
  required: readonly string[],
  where: string,
  bounds: Readonly<Record<string, SensorBounds>> = SENSOR_BOUNDS,
): Telemetry {
  const fail = (field: string, problems: string[]): never => {
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN);
    const more = problems.length - shown.length;
    throw new TelemetryError(field, `${where}: ${shown.join("; ")}${more > 0 ? `; and ${more} more problem(s)` : ""}`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail("", [`telemetry must be a JSON object, got ${show(value)}`]);
  }
  const message = value as Record<string, unknown>;
  const problems: string[] = [];
  const fields: string[] = [];
  const problem = (field: string, text: string) => {
    fields.push(field);
    problems.push(text);
  };
  for (const key of Object.keys(message)) {
    if (!TELEMETRY_FIELDS.includes(key)) problem(key, `unknown field ${show(key)} (known: ${TELEMETRY_FIELDS.join(", ")})`);
  }
  if (message.trainId === undefined) problem("trainId", `field "trainId" is required`);
  else if (!isTrainId(message.trainId)) {
    problem("trainId", `field "trainId" must be a thing name train-<id> (letters, digits, ':', '_', '-'; at most 128), got ${show(message.trainId)}`);
  }
  let timestamp = 0;
  if (message.timestamp === undefined) problem("timestamp", `field "timestamp" is required`);
  else {
    const parsed = readingTime("timestamp", message.timestamp);
    if (typeof parsed === "string") problem("timestamp", parsed);
    else timestamp = parsed;
  }
  const seq = message.seq;
  if (seq !== undefined && (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0)) {
    problem("seq", `field "seq" must be a non-negative integer, got ${show(seq)}`);
  }
  const receivedAt = message.receivedAt;
  if (receivedAt !== undefined && (typeof receivedAt !== "number" || !Number.isSafeInteger(receivedAt) || receivedAt < 0)) {
    problem("receivedAt", `field "receivedAt" must be integer epoch milliseconds (set by the IoT rule), got ${show(receivedAt)}`);
  }
  const sensors = message.sensors;
  const outOfBounds: Record<string, SensorBounds> = {};
  if (sensors === undefined) problem("sensors", `field "sensors" is required`);
  else if (typeof sensors !== "object" || sensors === null || Array.isArray(sensors)) {
    problem("sensors", `field "sensors" must be an object of sensor name to number, got ${show(sensors)}`);
  } else {
    const values = sensors as Record<string, unknown>;
    for (const [name, v] of Object.entries(values)) {
      const p = checkSensor(name, v);
      if (p) problem(`sensors.${name}`, p);
      else if (Object.hasOwn(bounds, name) && ((v as number) < bounds[name].min || (v as number) > bounds[name].max)) outOfBounds[name] = bounds[name];
    }
    for (const name of required) {
      if (values[name] === undefined) problem(`sensors.${name}`, `field "sensors.${name}" is required (a detector input)`);
    }
  }
  if (problems.length > 0) return fail(fields[0], problems);
  return {
    trainId: message.trainId as string,
    timestamp,
    ...(seq === undefined ? {} : { seq: seq as number }),
    sensors: sensors as Record<string, number>,
    ...(receivedAt === undefined ? {} : { receivedAt: receivedAt as number }),
    ...(Object.keys(outOfBounds).length === 0 ? {} : { outOfBounds }),
  };
}

/**
 * A reading no model may score: a detector group with more than half of its sensors outside their bounds (a unit
 * or firmware mistake, not one broken sensor). The message names each; undefined when every group can score it.
 * Checked before any model sees the reading, so no group learns a reading another refuses.
 */
export function tooManyOutside(
  t: Telemetry,
  groups: Readonly<Record<string, readonly string[]>>,
): { readonly field: string; readonly message: string } | undefined {
  const outside = t.outOfBounds;
  if (!outside) return undefined;
  for (const [group, sensors] of Object.entries(groups)) {
    const out = sensors.filter((s) => Object.hasOwn(outside, s));
    if (out.length * 2 <= sensors.length) continue;
    const problems = out.map((s) => boundsProblem(s, t.sensors[s], outside[s])).join("; ");
    return {
      field: `sensors.${out[0]}`,
      message: `${out.length} of the ${sensors.length} ${group} sensors read outside their bounds, too many to score: ${problems}`,
    };
  }
  return undefined;
}
