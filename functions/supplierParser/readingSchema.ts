/** One normalised meter reading, whatever layout the supplier sent. */
export interface Reading {
  readonly clientId: string;
  /** Start of the interval, ISO 8601 UTC. */
  readonly intervalStart: string;
  readonly intervalMinutes: number;
  readonly kwh: number;
  /** NEM12 quality method letter: A actual, E estimated, S/F substituted, N null. */
  readonly quality: string;
  /** Energy drawn from the grid (NEM12 suffix E, wide CON/GEN Consumption) or fed into it (suffix B, Generation). */
  readonly channel: Channel;
}

export const CHANNELS = ["consumption", "generation"] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * The reading as one JSON line, byte for byte what JSON.stringify writes, without its per-call cost (a
 * million-row upload spends a tenth of its time there). Safe because no field can hold a character JSON
 * escapes: client ids are [A-Za-z0-9_-], times ISO, quality a flag letter, kwh a finite number.
 */
export function readingJson(r: Reading): string {
  return `{"clientId":"${r.clientId}","intervalStart":"${r.intervalStart}","intervalMinutes":${r.intervalMinutes},"kwh":${r.kwh},"quality":"${r.quality}","channel":"${r.channel}"}`;
}

/**
 * The time zone of wall-clock layouts unless told otherwise: the real exports' NMIs are Victorian (Sydney,
 * Canberra and Hobart keep the same clocks). NEM12 files are in NEM time whatever this says.
 */
export const DEFAULT_TIME_ZONE = "Australia/Melbourne";
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

/** `HH:MM` of minute `minute` of a day. */
export function timeOfDay(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(Math.floor(minute % 60)).padStart(2, "0")}`;
}
