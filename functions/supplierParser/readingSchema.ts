/** One normalised meter reading, whatever layout the supplier sent. */
export interface Reading {
  readonly clientId: string;
  /** Start of the interval, ISO 8601 UTC. */
  readonly intervalStart: string;
  readonly intervalMinutes: number;
  readonly kwh: number;
  /** NEM12 quality method letter: A actual, E estimated, S/F substituted, N null. */
  readonly quality: string;
}

/** NEM12 dates are market time (AEST, UTC+10 all year); we apply that offset unless told otherwise. */
export const DEFAULT_UTC_OFFSET_MINUTES = 600;
export const QUALITY_FLAGS = ["A", "E", "F", "N", "S", "V"] as const;

/** A calendar day as parsed from a file. */
export interface Day {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

export function dayString(day: Day): string {
  return `${day.y}-${String(day.m).padStart(2, "0")}-${String(day.d).padStart(2, "0")}`;
}

/** ISO UTC start of minute `minute` of local `day`, for a fixed UTC offset. */
export function intervalStart(day: Day, minute: number, utcOffsetMinutes: number): string {
  return new Date(Date.UTC(day.y, day.m - 1, day.d, 0, minute) - utcOffsetMinutes * 60_000).toISOString();
}
