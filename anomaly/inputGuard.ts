import { InputError } from "./errors";
import { OptionReader } from "./options";
import { INPUT_LIMIT } from "./robust";

// Per value, through a module-level name (see scoreTree in rcf/forest.ts).
const LIMIT = INPUT_LIMIT;

/**
 * The largest timestamp taken, either sign: JavaScript's date range (epoch ms). A model keeps the latest time it
 * saw, so a far larger one would stand as a time no later point could follow.
 */
export const MAX_TIMESTAMP = 8.64e15;

/** Epoch milliseconds between 1973 and 2286 are told as UTC times; any other timestamp as its number. */
const EPOCH_MS_FROM = 1e11;
const EPOCH_MS_TO = 1e13;

/** A timestamp as a message tells it: `2024-01-01T12:30:00.000Z` for epoch milliseconds, else the number. */
export function timeLabel(timestamp: number): string {
  return timestamp >= EPOCH_MS_FROM && timestamp < EPOCH_MS_TO ? new Date(timestamp).toISOString() : String(timestamp);
}

/**
 * Checks every point before a model sees it, so bad input never corrupts a model.
 *
 * Policies (option `missing`):
 * - `error` (default): NaN, Infinity or a non-number in any dimension throws an InputError; the model is untouched.
 * - `impute`: a NaN/missing value is replaced by the last accepted value of that dimension (0 before any;
 *   a detector can keep a value out, see `accept`) and reported in `imputed`; Infinity is still an error (it
 *   is a broken sensor, not a gap).
 * Option `outOfOrder`:
 * - `error` (default): a timestamp earlier than the previous point's throws an InputError.
 * - `accept`: the point is processed in arrival order (real feeds have clock steps: NAB's
 *   machine_temperature file goes back 55 minutes at line 10151); timestamps only label points.
 * Option `extreme` (a finite value beyond the working range, |value| > INPUT_LIMIT = 1e150, see robust.ts):
 * - `error` (default): throws an InputError naming the input, the value and the timestamp; the model is untouched.
 * - `clip`: the value is clipped to +-INPUT_LIMIT and the input reported in `clipped`.
 * Equal timestamps are always accepted (many feeds repeat a second). Always errors: wrong vector
 * length, a non-finite timestamp.
 */
export type MissingPolicy = "error" | "impute";
export type OutOfOrderPolicy = "error" | "accept";
export type ExtremePolicy = "error" | "clip";

export interface InputPolicy {
  readonly missing: MissingPolicy;
  readonly outOfOrder: OutOfOrderPolicy;
  /** Absent in states saved before the option existed (read as error). */
  readonly extreme?: ExtremePolicy;
}

/** The options of the input policy, which an ensemble applies for all its members. */
export const INPUT_POLICY_OPTIONS = ["missing", "outOfOrder", "extreme"] as const;

/** A value in a message: text quoted, so the string "3" is not mistaken for the number 3. */
const shown = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : typeof v === "bigint" ? `${v}n (a bigint)` : String(v));

export function readInputPolicy(r: OptionReader): InputPolicy {
  return {
    missing: r.choice<MissingPolicy>("missing", "error", ["error", "impute"]),
    outOfOrder: r.choice<OutOfOrderPolicy>("outOfOrder", "error", ["error", "accept"]),
    extreme: r.choice<ExtremePolicy>("extreme", "error", ["error", "clip"]),
  };
}

/** Shared empty list of `CheckedInput.unread` (never changed). */
const NO_DIMENSIONS: number[] = [];

export interface GuardState {
  readonly lastTimestamp: number | null;
  readonly lastValues: number[];
}

export interface CheckedInput {
  readonly values: number[];
  readonly imputed: number[];
  readonly clipped: number[];
  /**
   * Inputs the caller has no reading of (`DataPoint.unread`): filled with their last value here, also listed in
   * `imputed`. A detector estimates them itself if it can and learns nothing of them.
   */
  readonly unread: number[];
}

export class InputGuard {
  private lastTimestamp: number | null = null;
  private lastValues: number[];

  constructor(
    readonly dimensions: number,
    readonly policy: InputPolicy,
    state?: GuardState,
  ) {
    this.lastValues = state ? [...state.lastValues] : new Array<number>(dimensions).fill(0);
    this.lastTimestamp = state ? state.lastTimestamp : null;
  }

  /** `check` of a point as a caller hands it, which may not be an object at all (JavaScript callers). */
  checkPoint(
    point:
      | { readonly timestamp: number; readonly values: ArrayLike<number>; readonly imputed?: readonly number[]; readonly unread?: readonly number[] }
      | null
      | undefined,
  ): CheckedInput {
    if (typeof point !== "object" || point === null) throw new InputError(`expected a point { timestamp, values }, got ${shown(point)}`);
    const dimensionsIn = (field: "imputed" | "unread"): readonly number[] => {
      const list = point[field];
      if (list !== undefined && (!Array.isArray(list) || !list.every((i) => Number.isInteger(i) && i >= 0 && i < this.dimensions))) {
        throw new InputError(`${field} must list input dimensions (integers in [0, ${this.dimensions - 1}]), got ${shown(list)}`);
      }
      return list ?? [];
    };
    const filled = dimensionsIn("imputed");
    const listed = dimensionsIn("unread");
    // each input once: [0, 0] names one input, not two
    const unread = listed.length > 0 ? [...new Set(listed)].sort((a, b) => a - b) : listed;
    if (unread.length > 0 && unread.length >= this.dimensions) {
      throw new InputError(`unread lists every input (${shown(listed)}): a point needs at least one input read`);
    }
    const checked = this.check(point.timestamp, point.values, unread.length > 0 ? [...new Set([...filled, ...unread])] : filled);
    return unread.length > 0 ? { ...checked, unread: unread as number[] } : checked;
  }

  /**
   * Returns the cleaned vector, the imputed and the clipped dimensions; throws InputError without changing
   * anything. The dimensions in `filled` were filled in by the caller: they take this guard's last value.
   */
  check(timestamp: number, values: ArrayLike<number>, filled: readonly number[] = []): CheckedInput {
    if (typeof timestamp !== "number" || !Number.isFinite(timestamp)) {
      throw new InputError(`timestamp must be a finite number, got ${shown(timestamp)}`);
    }
    if (Math.abs(timestamp) > MAX_TIMESTAMP) {
      throw new InputError(`timestamp ${timestamp} is outside the range of dates [-${MAX_TIMESTAMP}, ${MAX_TIMESTAMP}] (epoch milliseconds)`);
    }
    if (this.lastTimestamp !== null && timestamp < this.lastTimestamp && this.policy.outOfOrder === "error") {
      throw new InputError(
        `timestamp ${timeLabel(timestamp)} is earlier than the previous point's ${timeLabel(this.lastTimestamp)}: points must arrive in time order (or set option outOfOrder=accept)`,
      );
    }
    if (values == null || values.length !== this.dimensions) {
      throw new InputError(`expected ${this.dimensions} value(s) at timestamp ${timeLabel(timestamp)}, got ${values == null ? String(values) : values.length}`);
    }
    const out = new Array<number>(this.dimensions);
    const imputed: number[] = [];
    const clipped: number[] = [];
    for (let i = 0; i < this.dimensions; i++) {
      const v = values[i];
      if (filled.length > 0 && filled.includes(i)) {
        out[i] = this.lastValues[i];
        imputed.push(i);
      } else if (typeof v === "number" && Number.isFinite(v)) {
        out[i] = v;
        if (v > LIMIT || v < -LIMIT) {
          if (this.policy.extreme !== "clip") {
            throw new InputError(
              `values[${i}] is ${v} at timestamp ${timeLabel(timestamp)}: outside the working range [-${INPUT_LIMIT}, ${INPUT_LIMIT}] (or set option extreme=clip)`,
              i,
            );
          }
          out[i] = v > 0 ? LIMIT : -LIMIT;
          clipped.push(i);
        }
      } else if (this.policy.missing === "impute" && (v === undefined || v === null || Number.isNaN(v))) {
        out[i] = this.lastValues[i];
        imputed.push(i);
      } else {
        // a missing value may be filled with the input's last one; Infinity or text may not
        const fill = v === undefined || v === null || Number.isNaN(v) ? " (or set option missing=impute to repeat the input's last value)" : "";
        throw new InputError(`values[${i}] is ${shown(v)} at timestamp ${timeLabel(timestamp)}: expected a finite number${fill}`, i);
      }
    }
    return { values: out, imputed, clipped, unread: NO_DIMENSIONS };
  }

  /**
   * Records an accepted point (call only after the model took it). The inputs in `notImputable` keep their last
   * value for imputation: a value the model did not learn (an absurd one) must not fill the gaps after it.
   */
  accept(timestamp: number, values: readonly number[], notImputable: readonly number[] = []): void {
    this.lastTimestamp = this.lastTimestamp === null ? timestamp : Math.max(this.lastTimestamp, timestamp);
    for (let i = 0; i < this.dimensions; i++) if (!notImputable.includes(i)) this.lastValues[i] = values[i];
  }

  getState(): GuardState {
    return { lastTimestamp: this.lastTimestamp, lastValues: [...this.lastValues] };
  }
}
