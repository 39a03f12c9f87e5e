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
  const [period, sin, cos] = calendar === "week" ? [MINUTES_PER_WEEK, point[at + 2], point[at + 3]] : [MINUTES_PER_DAY, point[at], point[at + 1]];
  const turn = Math.atan2(sin, cos) / (2 * Math.PI);
  return ((Math.round(turn * period) % period) + period) % period;
}

/**
 * Why the calendar features of the first `blocks` blocks of `point` are not features the preprocessor writes
 * (as float32, the forest's precision) for some minute; undefined when they are, or without a calendar.
 */
export function calendarGridProblem(inputs: number, calendar: Calendar, point: ArrayLike<number>, blocks: number): string | undefined {
  const extra = calendarDimensions(calendar);
  if (extra === 0) return undefined;
  const block = inputs + extra;
  const check = new Float32Array(extra);
  for (let k = 0; k < blocks; k++) {
    const at = k * block + inputs;
    calendarFeatures(calendar, minuteOf(calendar, point, at), check, 0);
    for (let c = 0; c < extra; c++) if (check[c] !== Math.fround(point[at + c])) return `calendar feature ${point[at + c]} is not on the minute grid`;
  }
  return undefined;
}

export function calendarCodec(inputs: number, calendar: Calendar, shingleSize: number): PointCodec {
  const extra = calendarDimensions(calendar);
  if (extra === 0) return FLOAT_CODEC;
  const block = inputs + extra;
  return {
    write(w, point) {
      const problem = calendarGridProblem(inputs, calendar, point, shingleSize);
      if (problem) throw new StateError(`internal: ${problem}`);
      for (let k = 0; k < shingleSize; k++) {
        const base = k * block;
        for (let j = 0; j < inputs; j++) w.float32(point[base + j]);
        w.varint(minuteOf(calendar, point, base + inputs));
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
