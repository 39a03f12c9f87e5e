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
  /** Same source, same interval start and length, seen again: the first one counts. */
  readonly duplicates: number;
  /** Readings whose interval starts outside the day (late or early arrivals in the day's partition). */
  readonly outsideDay: number;
  /** Minutes two readings of one source both covered (the shorter interval's reading counts there). */
  readonly overlappingMinutes: number;
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

/** Tallies of how readings were folded: duplicates, readings outside the day, minutes two readings covered. */
interface Tally {
  duplicates: number;
  outsideDay: number;
  overlappingMinutes: number;
}

const DAY_MINUTES = DAY_MS / 60_000;

function accumulate(readings: readonly MeterReading[], dayStart: number, counts: Tally): Acc {
  const acc: Acc = { kwh: new Array(SLOTS).fill(0), minutes: new Array(SLOTS).fill(0) };
  // a reading is a duplicate of another with the same start and length; one of another length at the same start
  // is a different reading, and the minutes both cover go to the finer one below
  const seen = new Set<string>();
  const covered = new Uint8Array(DAY_MINUTES);
  // shortest intervals first (a stable sort keeps arrival order among equals): where readings of one source
  // overlap (a meter that changed its interval), the finest one counts, whatever order they arrived in
  const ordered = [...readings].sort((a, b) => a.minutes - b.minutes);
  for (const r of ordered) {
    const id = `${r.startMs}/${r.minutes}`;
    if (seen.has(id)) {
      counts.duplicates++;
      continue;
    }
    seen.add(id);
    if (r.startMs < dayStart || r.startMs >= dayStart + DAY_MS) {
      counts.outsideDay++;
      continue;
    }
    // an interval longer than a half-hour is spread evenly over its minutes (within the day); a minute an
    // earlier reading covered is counted as overlapping, not summed twice
    const first = Math.floor((r.startMs - dayStart) / 60_000);
    const last = Math.min(first + r.minutes, DAY_MINUTES);
    for (let m = first; m < last; m++) {
      if (covered[m]) {
        counts.overlappingMinutes++;
        continue;
      }
      covered[m] = 1;
      const slot = Math.floor(m / 30);
      acc.kwh[slot] += r.kwh / r.minutes;
      acc.minutes[slot] += 1;
    }
  }
  return acc;
}

export function halfHourProfile(dayStart: number, realtime: readonly MeterReading[], supplier: readonly MeterReading[]): DayProfile {
  const tally: Tally = { duplicates: 0, outsideDay: 0, overlappingMinutes: 0 };
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
