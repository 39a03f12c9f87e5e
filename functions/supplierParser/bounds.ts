/**
 * Physical bounds of a supplier reading. A meter cannot register more energy in an interval than its
 * connection can carry: the bound is a power (kW) times the interval length, so a 5-minute and a 30-minute
 * file are held to the same physics. Energy is never negative: NEM12 reports export (suffix B) as a positive
 * quantity on its own channel, and so do the other layouts.
 */
export interface ReadingBounds {
  /** Largest average power over one interval, kW. */
  readonly maxKw: number;
}

/**
 * 250 kW: above a 3-phase 400 V, 200 A connection (about 140 kW), the largest a supplier meter on this
 * platform serves; the real files' largest half-hour is 3.4 kWh. Raise it per stack for large sites.
 */
export const DEFAULT_MAX_KW = 250;
export const DEFAULT_BOUNDS: ReadingBounds = { maxKw: DEFAULT_MAX_KW };

/** The largest kWh an interval of `minutes` may hold. */
export function maxKwh(bounds: ReadingBounds, minutes: number): number {
  return (bounds.maxKw * minutes) / 60;
}

/** Validates a configured bound: a finite kW above zero. */
export function validateBounds(bounds: ReadingBounds, field = "maxKw"): ReadingBounds {
  if (!Number.isFinite(bounds.maxKw) || bounds.maxKw <= 0) throw new RangeError(`${field} must be a number of kW above 0, got ${JSON.stringify(bounds.maxKw)}`);
  return bounds;
}
