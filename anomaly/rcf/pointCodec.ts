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

export function calendarCodec(inputs: number, calendar: Calendar, shingleSize: number): PointCodec {
  const extra = calendarDimensions(calendar);
  if (extra === 0) return FLOAT_CODEC;
  const block = inputs + extra;
  const check = new Float32Array(extra);
  const minuteOf = (point: Float32Array, at: number): number => {
    const [period, sin, cos] = calendar === "week" ? [MINUTES_PER_WEEK, point[at + 2], point[at + 3]] : [MINUTES_PER_DAY, point[at], point[at + 1]];
    const turn = Math.atan2(sin, cos) / (2 * Math.PI);
    return ((Math.round(turn * period) % period) + period) % period;
  };
  return {
    write(w, point) {
      for (let k = 0; k < shingleSize; k++) {
        const base = k * block;
        for (let j = 0; j < inputs; j++) w.float32(point[base + j]);
        const minute = minuteOf(point, base + inputs);
        calendarFeatures(calendar, minute, check, 0);
        for (let c = 0; c < extra; c++) {
          if (check[c] !== point[base + inputs + c]) throw new StateError(`internal: calendar feature ${point[base + inputs + c]} is not on the minute grid`);
        }
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
