/**
 * A train's air production unit, simulated after the MetroPT-3 recordings: the compressor idles while the
 * reservoirs leak down from ~9.5 to ~8.1 bar (about 150 readings at 10 s), loads until ~10 bar (~12 readings,
 * motor ~6 A), then runs unloaded (~40 readings, ~3.8 A) and stops. Oil warms while running and cools while
 * idle. Seeded, so a train's stream is the same on every run; faults add an offset to one sensor for a while.
 */

export interface ApuReading {
  /** Epoch ms. */
  readonly timestamp: number;
  readonly sensors: Readonly<Record<string, number>>;
}

/** The sensors the simulator reads, as MetroPT-3 names them (a fault must name one of them). */
export const APU_SENSORS = [
  "TP2",
  "TP3",
  "H1",
  "DV_pressure",
  "Reservoirs",
  "Oil_temperature",
  "Motor_current",
  "COMP",
  "DV_eletric",
  "Towers",
  "MPG",
  "LPS",
  "Pressure_switch",
  "Oil_level",
  "Caudal_impulses",
] as const;

export interface ApuFault {
  readonly sensor: string;
  /** Index of the first faulty reading. */
  readonly start: number;
  readonly length: number;
  /** Added to the sensor's value. */
  readonly offset: number;
}

export interface ApuOptions {
  readonly seed: number;
  /** Epoch ms of reading 0. Default 2020-02-01T00:00:00Z (the start of MetroPT-3's recording). */
  readonly start?: number;
  /** Milliseconds between readings. Default 10000. */
  readonly intervalMs?: number;
  readonly faults?: readonly ApuFault[];
}

type Phase = "idle" | "loading" | "running";

/** mulberry32: tiny, seedable, good enough for sensor noise (and the local stack's simulators). */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class ApuSimulator {
  private readonly random: () => number;
  private readonly start: number;
  private readonly intervalMs: number;
  private readonly faults: readonly ApuFault[];
  /** A train's own leak rate and running time, so trains differ. */
  private readonly leak: number;
  private readonly runLength: number;
  private phase: Phase = "idle";
  private phaseReadings = 0;
  private pressure: number;
  private oil: number;
  index = 0;

  constructor(options: ApuOptions) {
    this.random = generator(options.seed);
    this.start = options.start ?? Date.UTC(2020, 1, 1);
    this.intervalMs = options.intervalMs ?? 10_000;
    this.faults = options.faults ?? [];
    this.leak = 0.0085 + 0.001 * this.random();
    this.runLength = 36 + Math.floor(8 * this.random());
    this.pressure = 8.2 + 1.3 * this.random();
    this.oil = 50 + 3 * this.random();
  }

  private noise(scale: number): number {
    return scale * (this.random() + this.random() + this.random() - 1.5);
  }

  private advance(): void {
    this.phaseReadings++;
    if (this.phase === "idle" && this.pressure < 8.1) this.switchTo("loading");
    else if (this.phase === "loading" && this.pressure > 10.05) this.switchTo("running");
    else if (this.phase === "running" && this.phaseReadings >= this.runLength) this.switchTo("idle");
    if (this.phase === "loading") this.pressure += 0.16 + this.noise(0.01);
    else this.pressure -= (this.phase === "running" ? 1.3 : 1) * this.leak + this.noise(0.001);
    const target = this.phase === "idle" ? 49 : 54;
    this.oil += (target - this.oil) * (this.phase === "idle" ? 0.004 : 0.05) + this.noise(0.05);
  }

  private switchTo(phase: Phase): void {
    this.phase = phase;
    this.phaseReadings = 0;
  }

  next(): ApuReading {
    const i = this.index++;
    if (i > 0) this.advance();
    const loading = this.phase === "loading";
    const running = this.phase !== "idle";
    const tp3 = this.pressure + this.noise(0.004);
    const sensors: Record<string, number> = {
      TP2: loading ? this.pressure + 0.35 + this.noise(0.02) : -0.013 + this.noise(0.001),
      TP3: tp3,
      H1: loading ? -0.02 + this.noise(0.004) : tp3 - 0.015 + this.noise(0.002),
      DV_pressure: -0.022 + this.noise(0.001),
      Reservoirs: tp3 + this.noise(0.002),
      Oil_temperature: this.oil,
      Motor_current: loading ? 6 + this.noise(0.2) : running ? 3.8 + this.noise(0.06) : 0.04 + this.noise(0.002),
      COMP: loading ? 0 : 1,
      DV_eletric: loading ? 1 : 0,
      Towers: 1,
      MPG: loading ? 0 : 1,
      LPS: 0,
      Pressure_switch: 1,
      Oil_level: 1,
      Caudal_impulses: 1,
    };
    for (const f of this.faults) {
      if (i >= f.start && i < f.start + f.length && sensors[f.sensor] !== undefined) sensors[f.sensor] += f.offset;
    }
    for (const k of Object.keys(sensors)) sensors[k] = Math.round(sensors[k] * 10_000) / 10_000;
    return { timestamp: this.start + i * this.intervalMs, sensors };
  }

  take(n: number): ApuReading[] {
    return Array.from({ length: n }, () => this.next());
  }
}
