import { ReadingBounds } from "../bounds";
import { LocalClock } from "../localClock";
import { Reading } from "../readingSchema";

/**
 * What became of one data row: its readings (with a note when they are not all the row's times: a wide row of the
 * day the clocks go back), or the reason it was rejected.
 */
export type RowOutcome =
  { readonly line: number; readonly readings: readonly Reading[]; readonly note?: string } | { readonly line: number; readonly reason: string };

export interface ParseContext {
  readonly clientId: string;
  /** YYYYMMDD from the S3 key or --date; rows dated after it are rejected. */
  readonly keyDate?: string;
  /** The clock of wall-clock layouts (wide, long, plain timestamps without a zone); NEM12 is in NEM time. */
  readonly clock: LocalClock;
  /** Interval length for the plain `timestamp,kwh` layout, which does not say. */
  readonly plainIntervalMinutes: number;
  /** Physical bounds every accepted value is held to. */
  readonly bounds: ReadingBounds;
}

/** Fed one line at a time (fields already split); may hold rows back until it knows their fate. */
export interface LineParser {
  line(fields: string[], lineNo: number): RowOutcome[];
  end(): RowOutcome[];
}

export function reasonOf(e: unknown): string {
  if (e instanceof Error && e.name === "RowError") return e.message;
  throw e;
}
