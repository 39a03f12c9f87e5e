import { Sensors } from "./trainSource";

/**
 * Injected faults, after the failure modes MetroPT-3 documents:
 * - `air-leak`: the circuit loses air, so the pressures (TP3, H1, Reservoirs) sag and the compressor motor
 *   works harder (Motor_current up) — the dataset's air-leak signature;
 * - `oil-overheat`: the compressor's oil runs hot (Oil_temperature up).
 * Effects ramp in over the first fifth of the fault, as a real leak grows.
 */
export type FaultKind = "air-leak" | "oil-overheat";
export const FAULT_KINDS: readonly FaultKind[] = ["air-leak", "oil-overheat"];

export interface FaultSpan {
  readonly trainId: string;
  readonly kind: FaultKind;
  /** Index of the first faulty reading of the train. */
  readonly start: number;
  readonly length: number;
}

export function applyFault(sensors: Sensors, kind: FaultKind, progress: number): Sensors {
  const k = Math.min(1, (progress + 0.05) / 0.2);
  const out = { ...sensors };
  const shift = (name: string, by: number) => {
    if (out[name] !== undefined) out[name] = Math.round((out[name] + by * k) * 10_000) / 10_000;
  };
  if (kind === "air-leak") {
    // a leak vents to the atmosphere: a pressure sags towards 0 bar (gauge), never below it (H1 reads about
    // 0 while the compressor loads)
    for (const p of ["TP3", "H1", "Reservoirs"]) {
      const before = out[p];
      if (before === undefined || before <= 0) continue;
      shift(p, -1.8);
      out[p] = Math.max(0, out[p]);
    }
    shift("Motor_current", 3.5);
  } else {
    shift("Oil_temperature", 18);
  }
  return out;
}

/** The fault of `span` at reading `index`, if any. */
export function faultAt(spans: readonly FaultSpan[], index: number): FaultSpan | undefined {
  return spans.find((s) => index >= s.start && index < s.start + s.length);
}
