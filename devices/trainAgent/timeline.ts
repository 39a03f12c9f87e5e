import { SensorReading } from "./trainAgent";
import { SENSOR_BOUNDS, sensorNamed } from "../../functions/trainAnomaly/sensors";
import { TRAIN_DETECTOR_DEFAULTS } from "../../functions/trainAnomaly/settings";

/**
 * When readings are dated: the cloud refuses a reading dated more than `maxClockAheadSeconds` after it reached
 * Kinesis or more than `maxReadingAgeSeconds` before (the train Lambda's settings, defaults 300 s and 7 days).
 * A replay sends readings faster than they were taken, so its dates must end near the time it is sent.
 */
export interface CloudClockLimits {
  readonly aheadSeconds: number;
  readonly ageSeconds: number;
}

export const CLOUD_CLOCK_LIMITS: CloudClockLimits = {
  aheadSeconds: TRAIN_DETECTOR_DEFAULTS.maxClockAheadSeconds,
  ageSeconds: TRAIN_DETECTOR_DEFAULTS.maxReadingAgeSeconds,
};

/** The simulator's first reading when no --start is given: its `count` readings, `stepMs` apart, end at `nowMs`. */
export function simulatorStart(nowMs: number, count: number, stepMs = 10_000): number {
  return Math.floor(nowMs / stepMs) * stepMs - (count - 1) * stepMs;
}

/** `readings` moved in time, spacing kept, so the last is at `nowMs` (to the second). */
export function shiftedToNow(readings: readonly SensorReading[], nowMs: number): SensorReading[] {
  if (readings.length === 0) return [];
  const by = Math.floor(nowMs / 1000) * 1000 - readings[readings.length - 1].timestamp;
  return readings.map((r) => ({ ...r, timestamp: r.timestamp + by }));
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/**
 * What the cloud would refuse of `readings` sent from `nowMs`, one every `intervalMs`: readings dated too far
 * after their sending or too long before it, each kind counted with its first reading. Empty when all pass.
 */
export function timelineWarnings(
  readings: readonly SensorReading[],
  intervalMs: number,
  nowMs: number,
  limits: CloudClockLimits = CLOUD_CLOCK_LIMITS,
): string[] {
  let ahead: { count: number; first: number } | undefined;
  let old: { count: number; first: number } | undefined;
  readings.forEach((r, i) => {
    const sent = nowMs + i * intervalMs;
    if (r.timestamp - sent > limits.aheadSeconds * 1000) {
      ahead ??= { count: 0, first: i };
      ahead.count++;
    } else if (sent - r.timestamp > limits.ageSeconds * 1000) {
      old ??= { count: 0, first: i };
      old.count++;
    }
  });
  const out: string[] = [];
  if (ahead) {
    out.push(
      `${ahead.count} of ${readings.length} readings (the first dated ${iso(readings[ahead.first].timestamp)}) will be sent more than ` +
        `${limits.aheadSeconds} s before their time: the cloud refuses them as from a clock ahead; date them earlier (--start) or send them slower (--interval-ms)`,
    );
  }
  if (old) {
    out.push(
      `${old.count} of ${readings.length} readings (the first dated ${iso(readings[old.first].timestamp)}) will be more than ` +
        `${limits.ageSeconds} s old when sent: the cloud refuses them as too old; date them later (--start, or --csv without --keep-time)`,
    );
  }
  return out;
}

/**
 * Readings with an analog value outside its sensor's bounds (the cloud's default ones), which the cloud takes for
 * a broken sensor rather than an anomaly: one warning a sensor, counted, with the first such value. A fault's
 * offset can take a sensor there.
 */
export function boundsWarnings(readings: readonly SensorReading[], bounds = SENSOR_BOUNDS): string[] {
  const outside = new Map<string, { count: number; value: number; index: number }>();
  readings.forEach((r, index) => {
    for (const [name, value] of Object.entries(r.sensors)) {
      const b = bounds[name];
      if (!b || (value >= b.min && value <= b.max)) continue;
      const seen = outside.get(name);
      if (seen) seen.count++;
      else outside.set(name, { count: 1, value, index });
    }
  });
  return [...outside].map(([name, o]) => {
    const unit = sensorNamed(name)?.unit ?? "";
    const b = bounds[name];
    return (
      `${o.count} of ${readings.length} readings have ${name} outside its bounds ${b.min}..${b.max} ${unit} (the first, reading ${o.index}, ${o.value} ${unit}): ` +
      `the cloud takes ${name} for a broken sensor, not an anomaly: it scores those readings with an estimate in its place and tells the train of the sensor`
    );
  });
}
