import { ByteReader, ByteWriter } from "../binary";
import { StateError } from "../errors";
import { Calendar, calendarDimensions, calendarFeatures, MINUTES_PER_DAY, MINUTES_PER_WEEK } from "./preprocessor";

/**
 * How the state mapper writes one stored point. Plain points are float32 per coordinate; points with
 * calendar features store each block's calendar as the minute it encodes (one varint instead of two or
 * four float32s), which keeps a 5-input model with calendar=day inside a DynamoDB item.
 */
export interface PointCodec {
  write(w: ByteWriter, point: Float32Array): void;
  read(r: ByteReader, out: Float32Array): void;
}

export const FLOAT_CODEC: PointCodec = {
  write(w, point) {
    for (let d = 0; d < point.length; d++) w.float32(point[d]);
  },
  read(r, out) {
    for (let d = 0; d < out.length; d++) out[d] = r.float32();
  },
};

/** The minute of the period a block's calendar features (at `at`) encode. */
function minuteOf(calendar: Calendar, point: ArrayLike<number>, at: number): number {
  const week = calendar === "week";
  const period = week ? MINUTES_PER_WEEK : MINUTES_PER_DAY;
  const turn = Math.atan2(point[at + (week ? 2 : 0)], point[at + (week ? 3 : 1)]) / (2 * Math.PI);
  return ((Math.round(turn * period) % period) + period) % period;
}

/**
 * The minute a block's calendar features (`grid.length` of them, at `at`) encode, or -1 when they are not the
 * features the preprocessor writes (as float32, the forest's precision) for any minute. `grid` is the caller's
 * buffer for them (the check runs for every stored point; no typed array may live at module scope, see
 * docs/inline-callbacks.md).
 */
function gridMinute(calendar: Calendar, point: ArrayLike<number>, at: number, grid: Float32Array): number {
  const minute = minuteOf(calendar, point, at);
  calendarFeatures(calendar, minute, grid, 0);
  for (let c = 0; c < grid.length; c++) if (grid[c] !== Math.fround(point[at + c])) return -1;
  return minute;
}

/**
 * Why the calendar features of the first `blocks` blocks of `point` are not features the preprocessor writes
 * for some minute; undefined when they are, or without a calendar.
 */
export function calendarGridProblem(inputs: number, calendar: Calendar, point: ArrayLike<number>, blocks: number): string | undefined {
  const extra = calendarDimensions(calendar);
  if (extra === 0) return undefined;
  const block = inputs + extra;
  const grid = new Float32Array(extra);
  for (let k = 0; k < blocks; k++) {
    const at = k * block + inputs;
    if (gridMinute(calendar, point, at, grid) < 0) return `calendar feature ${point[at]} is not on the minute grid`;
  }
  return undefined;
}

export function calendarCodec(inputs: number, calendar: Calendar, shingleSize: number): PointCodec {
  const extra = calendarDimensions(calendar);
  if (extra === 0) return FLOAT_CODEC;
  const block = inputs + extra;
  const grid = new Float32Array(extra);
  return {
    write(w, point) {
      for (let k = 0; k < shingleSize; k++) {
        const base = k * block;
        for (let j = 0; j < inputs; j++) w.float32(point[base + j]);
        const minute = gridMinute(calendar, point, base + inputs, grid);
        if (minute < 0) throw new StateError(`internal: calendar feature ${point[base + inputs]} is not on the minute grid`);
        w.varint(minute);
      }
    },
    read(r, out) {
      for (let k = 0; k < shingleSize; k++) {
        const base = k * block;
        for (let j = 0; j < inputs; j++) out[base + j] = r.float32();
        calendarFeatures(calendar, r.varint(), out, base + inputs);
      }
    },
  };
}
