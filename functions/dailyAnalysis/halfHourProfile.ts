import { DAY_MS } from "./reportDay";
import { MeterReading } from "./meterRecord";

/**
 * Folds a day's readings from both sources into 48 half-hour buckets. Where the supplier file and the
 * real-time stream both cover a half-hour, the supplier's value wins: it is the metering data of record
 * (validated, settlement-grade), the stream is best effort. Nothing is dropped without being counted.
 */
export const SLOT_MS = 30 * 60_000;
export const SLOTS = 48;

export interface Slot {
  readonly startMs: number;
  /** kWh in the half-hour, null when no source covered any of it. */
  readonly kwh: number | null;
  readonly source: "supplier" | "realtime" | null;
  /** Minutes of the half-hour the chosen source covered (30 = complete). */
  readonly coveredMinutes: number;
}

export interface ProfileCounts {
  readonly realtimeReadings: number;
  readonly supplierReadings: number;
  /** Same source, same interval start, seen again: the first one counts. */
  readonly duplicates: number;
  /** Readings whose interval starts outside the day (late or early arrivals in the day's partition). */
  readonly outsideDay: number;
  /** Half-hours both sources covered (the supplier's value was used). */
  readonly overlapping: number;
  /** Of those, half-hours where the two differ by more than 1% (and 0.001 kWh). */
  readonly conflicting: number;
}

export interface DayProfile {
  readonly slots: readonly Slot[];
  readonly counts: ProfileCounts;
}

interface Acc {
  kwh: number[];
  minutes: number[];
}

function accumulate(readings: readonly MeterReading[], dayStart: number, counts: { duplicates: number; outsideDay: number }): Acc {
  const acc: Acc = { kwh: new Array(SLOTS).fill(0), minutes: new Array(SLOTS).fill(0) };
  const seen = new Set<number>();
  for (const r of readings) {
    if (seen.has(r.startMs)) {
      counts.duplicates++;
      continue;
    }
    seen.add(r.startMs);
    if (r.startMs < dayStart || r.startMs >= dayStart + DAY_MS) {
      counts.outsideDay++;
      continue;
    }
    // an interval longer than a half-hour is spread evenly over the half-hours it spans (within the day)
    const end = Math.min(r.startMs + r.minutes * 60_000, dayStart + DAY_MS);
    const total = r.minutes * 60_000;
    for (let t = r.startMs; t < end;) {
      const slot = Math.floor((t - dayStart) / SLOT_MS);
      const slotEnd = Math.min(dayStart + (slot + 1) * SLOT_MS, end);
      acc.kwh[slot] += (r.kwh * (slotEnd - t)) / total;
      acc.minutes[slot] += (slotEnd - t) / 60_000;
      t = slotEnd;
    }
  }
  return acc;
}

export function halfHourProfile(dayStart: number, realtime: readonly MeterReading[], supplier: readonly MeterReading[]): DayProfile {
  const tally = { duplicates: 0, outsideDay: 0 };
  const rt = accumulate(realtime, dayStart, tally);
  const sp = accumulate(supplier, dayStart, tally);
  let overlapping = 0;
  let conflicting = 0;
  const slots: Slot[] = [];
  for (let i = 0; i < SLOTS; i++) {
    const startMs = dayStart + i * SLOT_MS;
    const hasS = sp.minutes[i] > 0;
    const hasR = rt.minutes[i] > 0;
    if (hasS && hasR) {
      overlapping++;
      const diff = Math.abs(sp.kwh[i] - rt.kwh[i]);
      if (diff > 0.001 && diff > 0.01 * Math.max(sp.kwh[i], rt.kwh[i])) conflicting++;
    }
    const use = hasS ? sp : hasR ? rt : undefined;
    slots.push({
      startMs,
      kwh: use ? round(use.kwh[i]) : null,
      source: hasS ? "supplier" : hasR ? "realtime" : null,
      coveredMinutes: use ? Math.min(30, round(use.minutes[i])) : 0,
    });
  }
  return {
    slots,
    counts: { realtimeReadings: realtime.length, supplierReadings: supplier.length, ...tally, overlapping, conflicting },
  };
}

/** kWh to 6 decimals (Wh/1000): keeps sums of float fractions readable and stable. */
export function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
