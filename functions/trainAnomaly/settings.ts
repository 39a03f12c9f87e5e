import { createDetector, DetectorOptions, OptionValue } from "../../anomaly";
import { SettingsError, messageOf } from "./errors";
import { ANALOG_SENSORS, SENSOR_BOUNDS, SensorBounds, sensorNamed } from "./sensors";
import { show } from "./telemetry";

/**
 * How the Lambda models trains, from the stack config key `gridrail:trainDetector` (a JSON object; every key
 * optional) and handed to the function as the normalised JSON in `DETECTOR_SETTINGS`.
 */
export interface TrainDetectorSettings {
  /** Detector kind from the anomaly registry. Default `rcf`. */
  readonly detector: string;
  /** Detector options; for `rcf` merged over `TRAIN_RCF_OPTIONS`. */
  readonly options: DetectorOptions;
  /** One model per train and group: group name → the sensors it reads, in input order. Default `apu`: the analog sensors. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** Consecutive readings back to normal that clear an ongoing anomaly. Default 6 (a minute at 10 s). */
  readonly clearAfter: number;
  /** Readings without a new alarm after which an ongoing anomaly is closed as the new normal. Default 360 (an hour). */
  readonly settleAfter: number;
  /** Models a warm Lambda keeps in memory (least recently used are dropped). Default 200. */
  readonly maxModels: number;
  /** Anomalies kept in a train's shadow (cleared ones are dropped first). Default 10, the 8 KB document fits. */
  readonly maxShadowEntries: number;
  /** Seconds a reading may be dated after its record reached the cloud. Default 300 (see readingTime.ts). */
  readonly maxClockAheadSeconds: number;
  /** Seconds a reading may be dated before its record reached the cloud. Default 604800: a week offline. */
  readonly maxReadingAgeSeconds: number;
  /**
   * Each analog sensor's accepted range: the sensor table's (`Sensor.bounds`) with the config's overrides
   * (`{"bounds": {"TP2": {"max": 15}}}`) applied.
   */
  readonly bounds: Readonly<Record<string, SensorBounds>>;
}

/**
 * RCF options for trains, chosen with `cli/benchLambda.ts` and the MetroPT-3 rows (see the README):
 * - 20 trees x 128 samples: the library's 100 x 256 costs ~0.4 ms a reading and a ~200 KB checkpoint per
 *   7-input model; a 1000-reading batch over 50 trains must score and checkpoint in 200 ms. Fewer trees make
 *   single scores noisier; on simulated trains 20 trees raised no more false alarms than 30.
 * - timeDecay 1280 (10 x samples, the library's ratio): about 3.5 h of 10 s readings in view.
 * - zFactor 4 (library 3): compressor starts score just above a 3-sigma threshold; on simulated trains 4 halved
 *   the false alarms (5 cut them to a tenth), and it still caught a +6 °C oil fault 650 readings into the real
 *   MetroPT-3 rows, which 5 missed. Both caught +4 °C oil and +0.5 bar DV faults on the simulated trains.
 * - alarm onset: an alarm when something new starts; `EpisodeTracker` then follows it until the readings return.
 *   alarm=state (anomalies do not train the model) flagged every MetroPT-3 row after the first compressor start
 *   (measured before the state alarm had its `settle`).
 * - peakLag 30: a fault that ramps in raised the thresholder's peak step by step and never crossed it; with
 *   sub-threshold scores joining the peak 30 readings late, the local stack's replayed fleet (3 seeds x 5
 *   ramped faults) went from 6 to 9 faults caught, with the same false alarms.
 * - minDeviation from the sensors' noise floors (`modelOptions`, not set here): the idle DV_pressure's
 *   0.002 bar steps had been standardised into 5-sigma alarms; with the floors, 13 of the 15 faults.
 * - sustain 6 (a minute): a leak that holds scores just under the peak of compressor starts is caught by
 *   the minute's mean score; 14 of 15, no more false alarms (23 over the 3 seeds, 25 before both).
 * - relativeFloor 0 (the library's default floors every input at a share of the largest input's deviation):
 *   a train's inputs are in different units (bar, °C, A), and their noise floors are the sensors' own.
 * - scoreHorizon 2560: the score statistics' horizon these options were tuned with (the library's is 8640).
 * - scoring threshold, suppress 0 (the library's onset alarm uses the anomaly likelihood and suppresses 30
 *   points after an alarm): `sustain` needs the thresholder, `EpisodeTracker` already follows an event once it
 *   has alarmed, and these options were tuned with the thresholder's decisions.
 * - levelFloor 0.001 (the library's default is 1e-9): a digital sensor (0/1, no noise floor) that sat
 *   still for a while keeps a deviation of at least 0.1% of its level, as these options were tuned with, so its
 *   next switch is not a thousand deviations, learned by neither model nor scaling (robust.ts ABSURD_K).
 */
export const TRAIN_RCF_OPTIONS: DetectorOptions = {
  numberOfTrees: 20,
  subSampleSize: 128,
  timeDecay: 1280,
  zFactor: 4,
  alarm: "onset",
  peakLag: 30,
  sustain: 6,
  relativeFloor: 0,
  scoreHorizon: 2560,
  scoring: "threshold",
  suppress: 0,
  levelFloor: 0.001,
};

export const TRAIN_DETECTOR_DEFAULTS: TrainDetectorSettings = {
  detector: "rcf",
  options: TRAIN_RCF_OPTIONS,
  groups: { apu: ANALOG_SENSORS },
  clearAfter: 6,
  settleAfter: 360,
  maxModels: 200,
  maxShadowEntries: 10,
  maxClockAheadSeconds: 300,
  maxReadingAgeSeconds: 7 * 86_400,
  bounds: SENSOR_BOUNDS,
};

/**
 * The options of one group's model: the settings' options and, for `rcf` models whose options do not set
 * `minDeviation`, the noise floors of the group's sensors (see `Sensor.noiseFloor`).
 */
export function modelOptions(settings: TrainDetectorSettings, group: string): DetectorOptions {
  const sensors = settings.groups[group] ?? [];
  if (settings.detector !== "rcf" || settings.options.minDeviation !== undefined) return settings.options;
  const floors = sensors.map((name) => sensorNamed(name)?.noiseFloor ?? 0);
  return floors.some((f) => f > 0) ? { ...settings.options, minDeviation: floors.join(",") } : settings.options;
}

const KEYS = [
  "detector",
  "options",
  "groups",
  "clearAfter",
  "settleAfter",
  "maxModels",
  "maxShadowEntries",
  "maxClockAheadSeconds",
  "maxReadingAgeSeconds",
  "bounds",
] as const;
const INTEGER_RULES: Record<string, [number, number]> = {
  clearAfter: [1, 10_000],
  settleAfter: [1, 1_000_000],
  maxModels: [1, 10_000],
  maxShadowEntries: [1, 20],
  // a day ahead is already a broken clock; a year is the longest any stream or outbox keeps a reading
  maxClockAheadSeconds: [0, 86_400],
  maxReadingAgeSeconds: [60, 366 * 86_400],
};
const MAX_GROUPS = 10;
const MAX_GROUP_PROBLEMS = 10;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Validates raw settings (parsed JSON, or undefined for all defaults) and fills in defaults. Every problem is
 * reported at once, each prefixed with `source` (the config key or environment variable).
 */
export function parseDetectorSettings(raw: unknown, source: string): TrainDetectorSettings {
  if (raw === undefined) return TRAIN_DETECTOR_DEFAULTS;
  if (!isPlainObject(raw)) throw new SettingsError([`${source} must be a JSON object, got ${show(raw)}`]);
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!(KEYS as readonly string[]).includes(key)) problems.push(`${source}: unknown key ${show(key)} (known: ${KEYS.join(", ")})`);
  }
  const d = TRAIN_DETECTOR_DEFAULTS;
  let detector = d.detector;
  if (raw.detector !== undefined) {
    if (typeof raw.detector !== "string") problems.push(`${source}.detector must be a detector name, got ${show(raw.detector)}`);
    else detector = raw.detector;
  }
  let options: Record<string, OptionValue> = detector === "rcf" ? { ...(TRAIN_RCF_OPTIONS as Record<string, OptionValue>) } : {};
  if (raw.options !== undefined) {
    const bad = !isPlainObject(raw.options) || Object.values(raw.options).some((v) => !["number", "string", "boolean"].includes(typeof v));
    if (bad) problems.push(`${source}.options must be an object of option name to number, string or boolean, got ${show(raw.options)}`);
    else options = { ...options, ...(raw.options as Record<string, OptionValue>) };
  }
  let groups: Record<string, readonly string[]> = { ...d.groups };
  if (raw.groups !== undefined) {
    groups = readGroups(raw.groups, `${source}.groups`, problems);
  }
  const integer = (key: string, fallback: number): number => {
    const v = raw[key];
    if (v === undefined) return fallback;
    const [min, max] = INTEGER_RULES[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      problems.push(`${source}.${key} must be an integer in [${min}, ${max}], got ${show(v)}`);
      return fallback;
    }
    return v;
  };
  const settings: TrainDetectorSettings = {
    detector,
    options,
    groups,
    clearAfter: integer("clearAfter", d.clearAfter),
    settleAfter: integer("settleAfter", d.settleAfter),
    maxModels: integer("maxModels", d.maxModels),
    maxShadowEntries: integer("maxShadowEntries", d.maxShadowEntries),
    maxClockAheadSeconds: integer("maxClockAheadSeconds", d.maxClockAheadSeconds),
    maxReadingAgeSeconds: integer("maxReadingAgeSeconds", d.maxReadingAgeSeconds),
    bounds: raw.bounds === undefined ? d.bounds : readBounds(raw.bounds, `${source}.bounds`, problems),
  };
  if (problems.length === 0) {
    // the registry validates the options exactly as the Lambda will use them
    for (const [group, sensors] of Object.entries(groups)) {
      try {
        createDetector(detector, sensors.length, modelOptions(settings, group));
      } catch (e) {
        problems.push(`${source} (group ${group}): ${messageOf(e)}`);
        break;
      }
    }
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}

function readGroups(raw: unknown, where: string, problems: string[]): Record<string, readonly string[]> {
  const shape = `${where} must be an object of group name to a non-empty list of sensor names, got ${show(raw)}`;
  if (!isPlainObject(raw) || Object.keys(raw).length === 0) {
    problems.push(shape);
    return {};
  }
  const names = Object.keys(raw);
  if (names.length > MAX_GROUPS) problems.push(`${where} has ${names.length} groups, at most ${MAX_GROUPS} are allowed`);
  const out: Record<string, readonly string[]> = {};
  for (const name of names) {
    const sensors = raw[name];
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(name)) problems.push(`${where}: group name ${show(name)} must match [a-z][a-z0-9-]{0,31}`);
    if (!Array.isArray(sensors) || sensors.length === 0 || sensors.some((s) => typeof s !== "string")) {
      problems.push(`${where}.${name} must be a non-empty list of sensor names, got ${show(sensors)}`);
      continue;
    }
    // each problem once, and at most MAX_GROUP_PROBLEMS of them: a 10,000-name list must not flood the output
    const found = new Set<string>();
    const seen = new Set<string>();
    for (const s of sensors as string[]) {
      if (!sensorNamed(s)) found.add(`${where}.${name}: ${show(s)} is not a known sensor`);
      else if (seen.has(s)) found.add(`${where}.${name}: ${show(s)} is listed more than once`);
      seen.add(s);
    }
    const listed = [...found];
    problems.push(...listed.slice(0, MAX_GROUP_PROBLEMS));
    if (listed.length > MAX_GROUP_PROBLEMS) problems.push(`${where}.${name}: and ${listed.length - MAX_GROUP_PROBLEMS} more problems`);
    out[name] = sensors as string[];
  }
  return out;
}

/** Overrides of analog sensors' bounds, `{ <sensor>: { min?, max? } }`, merged over the sensor table's. */
function readBounds(raw: unknown, where: string, problems: string[]): Record<string, SensorBounds> {
  const out: Record<string, SensorBounds> = { ...SENSOR_BOUNDS };
  if (!isPlainObject(raw)) {
    problems.push(`${where} must be an object of analog sensor name to { "min": number, "max": number }, got ${show(raw)}`);
    return out;
  }
  for (const [name, value] of Object.entries(raw)) {
    const defaults = Object.hasOwn(SENSOR_BOUNDS, name) ? SENSOR_BOUNDS[name] : undefined;
    if (!defaults) {
      problems.push(`${where}: ${show(name)} is not an analog sensor (analog: ${ANALOG_SENSORS.join(", ")})`);
      continue;
    }
    const keys = isPlainObject(value) ? Object.keys(value) : [];
    const finite = (v: unknown) => v === undefined || (typeof v === "number" && Number.isFinite(v));
    if (!isPlainObject(value) || keys.length === 0 || keys.some((k) => k !== "min" && k !== "max") || !finite(value.min) || !finite(value.max)) {
      problems.push(`${where}.${name} must be { "min": number, "max": number } (either may be left out), got ${show(value)}`);
      continue;
    }
    const range = { min: (value.min as number | undefined) ?? defaults.min, max: (value.max as number | undefined) ?? defaults.max };
    if (range.min >= range.max) problems.push(`${where}.${name}: min ${range.min} must be below max ${range.max}`);
    else out[name] = range;
  }
  return out;
}

/** Reads the settings from their JSON text (the `DETECTOR_SETTINGS` variable or the stack config value). */
export function parseDetectorSettingsJson(text: string | undefined, source: string): TrainDetectorSettings {
  if (text === undefined || text.trim() === "") return TRAIN_DETECTOR_DEFAULTS;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SettingsError([`${source} is not valid JSON: ${show(text)}`]);
  }
  return parseDetectorSettings(raw, source);
}

/** Every sensor any group reads, in first-seen order: the telemetry schema requires them. */
export function requiredSensors(settings: TrainDetectorSettings): string[] {
  const out: string[] = [];
  for (const sensors of Object.values(settings.groups)) for (const s of sensors) if (!out.includes(s)) out.push(s);
  return out;
}
