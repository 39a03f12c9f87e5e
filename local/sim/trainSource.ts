import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { ApuSimulator, generator } from "../../devices/trainAgent/apuSimulator";
import { readMetroptCsv } from "../../devices/trainAgent/metroptCsv";

/**
 * Where a simulated train's sensor values come from.
 * - `replaySource`: the real MetroPT-3 sample, replayed from a per-train offset and extended past its end
 *   by jumping to one of the five sample rows most like the last one played (a seeded pick, nearest over
 *   the analog sensors, away from the end itself), so the stream goes on as long as needed without a step the detector would
 *   rightly call an anomaly. Each train adds its own small seeded noise.
 * - `simulatedSource`: the APU simulator (devices/trainAgent), where the sample is not available.
 */
export type Sensors = Record<string, number>;

/** The MetroPT-3 sample's path under a shared-data folder (`../shared/data`). */
export function metroptSampleFile(sharedData: string): string {
  return join(sharedData, "metropt3", "MetroPT3_head_abdullahsherazi.csv");
}

/** The sample's rows for `replaySource`, or undefined when the file is absent (the APU simulator stands in). */
export function readMetroptRows(file: string): Sensors[] | undefined {
  return existsSync(file) ? readMetroptCsv(readFileSync(file, "utf8"), file).map((r) => ({ ...r.sensors })) : undefined;
}

export interface SensorSource {
  readonly kind: "metropt3" | "simulated";
  next(): Sensors;
}

/** The seeded generator the simulators share (mulberry32). */
export const seeded = generator;

const ANALOG = ["TP2", "TP3", "H1", "DV_pressure", "Reservoirs", "Oil_temperature", "Motor_current"];

/** Indexes of the `k` rows most like `target` among rows[0..limit), nearest first. */
function nearest(rows: readonly Sensors[], scales: readonly number[], target: Sensors, limit: number, k: number): number[] {
  const scored: [number, number][] = [];
  for (let i = 0; i < limit; i++) {
    let d = 0;
    for (let a = 0; a < ANALOG.length; a++) {
      const diff = ((rows[i][ANALOG[a]] ?? 0) - (target[ANALOG[a]] ?? 0)) / scales[a];
      d += diff * diff;
    }
    scored.push([d, i]);
  }
  return scored
    .sort((x, y) => x[0] - y[0] || x[1] - y[1])
    .slice(0, k)
    .map(([, i]) => i);
}

/** Jump targets drawn among this many nearest rows: the extension does not loop over one cycle. */
const JUMP_CHOICES = 5;

export function replaySource(rows: readonly Sensors[], seed: number): SensorSource {
  if (rows.length < 100) throw new Error(`the MetroPT-3 sample needs at least 100 rows to replay, got ${rows.length}`);
  const random = seeded(seed);
  const scales = ANALOG.map((s) => {
    const v = rows.map((r) => r[s] ?? 0);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) || 1;
  });
  // the last rows can't be jump targets: a jump there would reach the end again at once
  const jumpLimit = rows.length - 50;
  let index = Math.floor(random() * jumpLimit);
  return {
    kind: "metropt3",
    next() {
      const row = rows[index];
      index++;
      if (index >= rows.length) {
        const choices = nearest(rows, scales, row, jumpLimit, JUMP_CHOICES);
        index = choices[Math.floor(random() * choices.length)] + 1;
      }
      const out: Sensors = {};
      for (const [k, v] of Object.entries(row)) {
        const a = ANALOG.indexOf(k);
        // noise of 2% of the sensor's spread: trains differ a little, the physics stays the sample's
        out[k] = a >= 0 ? Math.round((v + (random() - 0.5) * 0.04 * scales[a]) * 10_000) / 10_000 : v;
      }
      return out;
    },
  };
}

export function simulatedSource(seed: number): SensorSource {
  const sim = new ApuSimulator({ seed });
  return { kind: "simulated", next: () => ({ ...sim.next().sensors }) };
}
