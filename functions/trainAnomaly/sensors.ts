/**
 * The sensors of a train's air production unit (APU), as in the MetroPT-3 data set (Veloso et al., 2022:
 * a Porto metro train's compressor, 1 reading every ~10 s). Names are the data set's column names, spelling
 * included (`DV_eletric`), so its files can be replayed unchanged.
 */
export type SensorKind = "analog" | "digital";

export interface Sensor {
  readonly name: string;
  readonly kind: SensorKind;
  /** Unit of analog values; digital values are 0 or 1. */
  readonly unit: string;
  readonly description: string;
  /**
   * Analog sensors: the smallest change worth a model's attention, in `unit` (the RCF's `minDeviation`).
   * Below it, changes are the transducer's resolution and quantisation: MetroPT-3's idle DV_pressure moves
   * in 0.002 bar steps, which standardised by its own tiny deviation read as a 5-sigma event.
   */
  readonly noiseFloor?: number;
  /**
   * Analog sensors: the physically possible range, in `unit`; a value outside it is a broken sensor or a unit
   * mistake, and is refused before it reaches a model (one 1e200 would dominate a forest's bounding boxes).
   * Generous on purpose: a real fault must still come through to be detected. Stack config may override them.
   */
  readonly bounds?: SensorBounds;
}

/** Inclusive range of an analog sensor's values. */
export interface SensorBounds {
  readonly min: number;
  readonly max: number;
}

/**
 * Gauge pressures cannot go below -1 bar (a perfect vacuum); the APU works at 8-11 bar (the highest pressure in
 * MetroPT-3's first 1,000 rows is TP2's 10.43), so 20 bar is beyond anything its pipework holds.
 */
const PRESSURE: SensorBounds = { min: -1, max: 20 };

export const SENSORS: readonly Sensor[] = [
  { name: "TP2", kind: "analog", unit: "bar", bounds: PRESSURE, description: "pressure on the compressor", noiseFloor: 0.05 },
  { name: "TP3", kind: "analog", unit: "bar", bounds: PRESSURE, description: "pressure at the pneumatic panel", noiseFloor: 0.05 },
  { name: "H1", kind: "analog", unit: "bar", bounds: PRESSURE, description: "pressure drop when the cyclonic separator filter discharges", noiseFloor: 0.05 },
  { name: "DV_pressure", kind: "analog", unit: "bar", bounds: PRESSURE, description: "pressure drop when the air dryer towers discharge", noiseFloor: 0.05 },
  { name: "Reservoirs", kind: "analog", unit: "bar", bounds: PRESSURE, description: "pressure downstream of the reservoirs", noiseFloor: 0.05 },
  {
    name: "Oil_temperature",
    kind: "analog",
    unit: "°C",
    description: "compressor oil temperature",
    noiseFloor: 0.5,
    // a parked train in a hard frost (-40 °C) to far past the compressor's over-temperature trip (MetroPT-3's first 1,000 rows: 49..54 °C)
    bounds: { min: -40, max: 150 },
  },
  {
    name: "Motor_current",
    kind: "analog",
    unit: "A",
    description: "compressor motor current",
    noiseFloor: 0.1,
    // the clamp reads a little either side of 0 at rest (0.035 A in MetroPT-3); loading, it draws about 6 A (6.31 at most there)
    bounds: { min: -1, max: 50 },
  },
  { name: "COMP", kind: "digital", unit: "", description: "air intake valve: 0 when the compressor is loading" },
  { name: "DV_eletric", kind: "digital", unit: "", description: "compressor outlet valve" },
  { name: "Towers", kind: "digital", unit: "", description: "which air dryer tower is active" },
  { name: "MPG", kind: "digital", unit: "", description: "starts the compressor when the panel pressure is below 8.2 bar" },
  { name: "LPS", kind: "digital", unit: "", description: "low pressure: below 7 bar" },
  { name: "Pressure_switch", kind: "digital", unit: "", description: "pressure switch of the towers" },
  { name: "Oil_level", kind: "digital", unit: "", description: "oil level below the expected value" },
  { name: "Caudal_impulses", kind: "digital", unit: "", description: "air flow impulses from the compressor" },
];

/** The analog sensors: the default (and only meaningful) input of one RCF per train. */
export const ANALOG_SENSORS: readonly string[] = SENSORS.filter((s) => s.kind === "analog").map((s) => s.name);

/** Each analog sensor's default bounds (`Sensor.bounds`), by name. */
export const SENSOR_BOUNDS: Readonly<Record<string, SensorBounds>> = Object.fromEntries(
  SENSORS.filter((s) => s.bounds !== undefined).map((s) => [s.name, s.bounds!]),
);

export function sensorNamed(name: string): Sensor | undefined {
  return SENSORS.find((s) => s.name === name);
}
