import { Episode } from "./episodes";
import { sensorNamed } from "./sensors";

/**
 * The train's named shadow (`anomaly` by default) holds, under `state.desired.anomalies`, the recent anomalies
 * keyed by episode id. Desired, because the cloud wants the train to know: AWS IoT sends the train a delta on
 * every change. The train may only read this shadow (its device policy); it acknowledges what it was told in
 * its own `anomaly-ack` shadow (see devices/trainAgent and docs/trains.md).
 *
 *   "anomalies": { "apu-1580521700000": {
 *     "group": "apu", "status": "ongoing", "startedAt": "2020-02-01T01:48:20.000Z",
 *     "updatedAt": "2020-02-01T01:48:20.000Z", "score": 0.559, "grade": 0.118, "alarms": 1,
 *     "sensors": [{ "name": "Oil_temperature", "direction": "high", "value": 58.63, "expected": 52.54, "unit": "°C" }],
 *     "message": "Unusual apu readings since 2020-02-01 01:48:20 UTC: Oil_temperature is high, 58.6 °C where about 52.5 °C was expected." } }
 *
 * A cleared entry gets `status: "cleared"`, `clearedAt` and `clearedBy` (normal | settled). A sensor reading
 * outside its physical bounds is an entry `<group>-<sensor>-<startMs>` with `fault: { min, max }` (sensorFaults.ts).
 * No field is ever null: in a shadow update null deletes, which is how old entries are dropped.
 */
export interface ShadowSensor {
  readonly name: string;
  readonly direction: "high" | "low";
  readonly value: number;
  readonly expected: number;
  readonly unit: string;
}

/** An episode as the train reads it: times as ISO strings, drivers as named sensors, and a sentence. */
export interface ShadowEntry extends Omit<Episode, "id" | "startedAt" | "updatedAt" | "clearedAt" | "drivers"> {
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly clearedAt?: string;
  readonly sensors: readonly ShadowSensor[];
  readonly message: string;
}

export type AnomalyEntries = Readonly<Record<string, ShadowEntry>>;
/** A shadow update's `desired.anomalies`: entries to set, ids to delete (null). */
export type AnomalyPatch = Record<string, ShadowEntry | null>;

/** AWS IoT caps a shadow's state at 8 KB; the agent's reported copy and metadata need room too. */
export const MAX_ANOMALY_BYTES = 6 * 1024;

/** Four significant digits unless told otherwise: enough for a driver and readable. */
function round(value: number, digits = 4): number {
  return value === 0 ? 0 : Number(value.toPrecision(digits));
}

function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function reading(value: number, unit: string, digits: number): string {
  return `${round(value, digits)}${unit ? ` ${unit}` : ""}`;
}

/** Significant digits that tell a driver's reading from its expected value: from `least` up to six. */
function digitsApart(d: Episode["drivers"][number], least: number): number {
  let digits = least;
  while (digits < 6 && round(d.value, digits) === round(d.expected, digits)) digits++;
  return digits;
}

/**
 * A driver in words: its reading and the expected value to three significant digits, or as many more (up to six)
 * as tell them apart, so "high" never stands beside two equal numbers; equal to six digits, it is "unusual".
 */
function driverText(d: Episode["drivers"][number]): string {
  const unit = sensorNamed(d.sensor)?.unit ?? "";
  const digits = digitsApart(d, 3);
  if (round(d.value, digits) === round(d.expected, digits)) return `${d.sensor} is unusual at ${reading(d.value, unit, digits)}`;
  return `${d.sensor} is ${d.direction}, ${reading(d.value, unit, digits)} where about ${reading(d.expected, unit, digits)} was expected`;
}

/**
 * A sensor outside its bounds in words: which, since when, the first value, and what the train's detection does
 * meanwhile; cleared, from its first to its last reading outside (`updatedAt`).
 */
function describeFault(e: Episode, fault: NonNullable<Episode["fault"]>): string {
  const d = e.drivers[0];
  const unit = sensorNamed(d.sensor)?.unit ?? "";
  const bounds = `its bounds ${fault.min}..${fault.max}${unit ? ` ${unit}` : ""}`;
  const first = reading(d.value, unit, 4);
  if (e.status === "ongoing") {
    return (
      `${d.sensor} reads outside ${bounds} since ${utc(e.startedAt)} (${first}): the sensor or its wiring may be faulty. ` +
      `Until it reads within them again, the other ${e.group} sensors are watched with the model's estimate of ${d.sensor} in its place.`
    );
  }
  const readings = `${e.alarms} reading${e.alarms === 1 ? "" : "s"}, the first ${first}`;
  return `${d.sensor} read outside ${bounds} from ${utc(e.startedAt)} to ${utc(e.updatedAt)} (${readings}); it has read within them since.`;
}

/** The plain-language sentence a driver's display shows. */
export function describeEpisode(e: Episode): string {
  if (e.fault) return describeFault(e, e.fault);
  const drivers = e.drivers.map(driverText).join("; ");
  const what = drivers ? `: ${drivers}` : " (no single sensor stands out)";
  if (e.status === "ongoing") return `Unusual ${e.group} readings since ${utc(e.startedAt)}${what}.`;
  const past = drivers ? ` (${drivers.replace(/ is /g, " was ")})` : "";
  if (e.clearedBy === "settled") {
    // not an end: the readings went on until the model took them as normal, and may still be as they were
    return (
      `Unusual ${e.group} readings since ${utc(e.startedAt)} are no longer flagged from ${utc(e.clearedAt ?? e.updatedAt)}: ` +
      `they went on until the model took them as normal, not because they ended${past}. Check whether the change is expected.`
    );
  }
  return `Unusual ${e.group} readings from ${utc(e.startedAt)} to ${utc(e.clearedAt ?? e.updatedAt)} are over${past}.`;
}

export function shadowEntry(e: Episode): ShadowEntry {
  return {
    group: e.group,
    status: e.status,
    startedAt: new Date(e.startedAt).toISOString(),
    updatedAt: new Date(e.updatedAt).toISOString(),
    ...(e.clearedAt === undefined ? {} : { clearedAt: new Date(e.clearedAt).toISOString(), clearedBy: e.clearedBy }),
    ...(e.fault ? { fault: { min: e.fault.min, max: e.fault.max } } : {}),
    score: round(e.score, 3),
    grade: round(e.grade, 3),
    alarms: e.alarms,
    // four digits, or as many as the sentence needed to tell reading and expected apart
    sensors: e.drivers.map((d) => {
      const digits = digitsApart(d, 4);
      return {
        name: d.sensor,
        direction: d.direction,
        value: round(d.value, digits),
        expected: round(d.expected, digits),
        unit: sensorNamed(d.sensor)?.unit ?? "",
      };
    }),
    message: describeEpisode(e),
  };
}

function sameEntry(a: ShadowEntry, b: ShadowEntry): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What to write into `desired.anomalies` given what is there: entries that are new or newer (an entry never
 * goes back to an older reading, so replays and bisected retries cannot undo a later update), then deletions
 * that keep at most `maxEntries` and `MAX_ANOMALY_BYTES` (cleared first, oldest first). Undefined: nothing to do.
 */
export function planAnomalyPatch(current: AnomalyEntries, updates: AnomalyEntries, maxEntries: number): AnomalyPatch | undefined {
  const patch: AnomalyPatch = {};
  for (const [id, entry] of Object.entries(updates)) {
    const old = current[id];
    if (old && (Date.parse(old.updatedAt) > Date.parse(entry.updatedAt) || sameEntry(old, entry))) continue;
    patch[id] = entry;
  }
  if (Object.keys(patch).length === 0) return undefined;
  const after: Record<string, ShadowEntry> = { ...current, ...(patch as Record<string, ShadowEntry>) };
  const victims = Object.keys(after).sort((a, b) => {
    const x = after[a];
    const y = after[b];
    const rank = (e: ShadowEntry) => (e.status === "cleared" ? 0 : 1);
    return rank(x) - rank(y) || Date.parse(x.updatedAt) - Date.parse(y.updatedAt) || (a < b ? -1 : 1);
  });
  const bytes = () => Buffer.byteLength(JSON.stringify(after));
  while (victims.length > 1 && (Object.keys(after).length > maxEntries || bytes() > MAX_ANOMALY_BYTES)) {
    const id = victims.shift()!;
    delete after[id];
    if (current[id]) patch[id] = null;
    else delete patch[id];
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}

/** Applies a patch the way the shadow service merges `desired` (null deletes). */
export function applyAnomalyPatch(current: AnomalyEntries, patch: AnomalyPatch): Record<string, ShadowEntry> {
  const out: Record<string, ShadowEntry> = { ...current };
  for (const [id, entry] of Object.entries(patch)) {
    if (entry === null) delete out[id];
    else out[id] = entry;
  }
  return out;
}
