import { InputError, OptionError } from "./errors";

/**
 * Checks every point before a model sees it, so bad input never corrupts a model.
 *
 * Policies (option `missing`):
 * - `error` (default): NaN, Infinity or a non-number in any dimension throws an InputError; the model is untouched.
 * - `impute`: a NaN/missing value is replaced by the last accepted value of that dimension (0 before any)
 *   and reported in `imputed`; Infinity is still an error (it is a broken sensor, not a gap).
 * Always errors: wrong vector length, a non-finite timestamp, a timestamp earlier than the previous one
 * (equal timestamps are accepted: many feeds repeat a second).
 */
export type MissingPolicy = "error" | "impute";

export interface GuardState {
  readonly lastTimestamp: number | null;
  readonly lastValues: number[];
}

export class InputGuard {
  private lastTimestamp: number | null = null;
  private lastValues: number[];

  constructor(
    readonly dimensions: number,
    readonly missing: MissingPolicy,
    state?: GuardState,
  ) {
    if (missing !== "error" && missing !== "impute") {
      throw new OptionError(`option missing must be "error" or "impute", got ${JSON.stringify(missing)}`);
    }
    this.lastValues = state ? [...state.lastValues] : new Array<number>(dimensions).fill(0);
    this.lastTimestamp = state ? state.lastTimestamp : null;
  }

  /** Returns the cleaned vector and the imputed dimensions; throws InputError without changing anything. */
  check(timestamp: number, values: ArrayLike<number>): { values: number[]; imputed: number[] } {
    if (typeof timestamp !== "number" || !Number.isFinite(timestamp)) {
      throw new InputError(`timestamp must be a finite number, got ${String(timestamp)}`);
    }
    if (this.lastTimestamp !== null && timestamp < this.lastTimestamp) {
      throw new InputError(
        `timestamp ${timestamp} is earlier than the previous point's ${this.lastTimestamp}: points must arrive in time order`,
      );
    }
    if (values == null || values.length !== this.dimensions) {
      throw new InputError(
        `expected ${this.dimensions} value(s) at timestamp ${timestamp}, got ${values == null ? String(values) : values.length}`,
      );
    }
    const out = new Array<number>(this.dimensions);
    const imputed: number[] = [];
    for (let i = 0; i < this.dimensions; i++) {
      const v = values[i];
      if (typeof v === "number" && Number.isFinite(v)) {
        out[i] = v;
      } else if (this.missing === "impute" && (v === undefined || v === null || Number.isNaN(v))) {
        out[i] = this.lastValues[i];
        imputed.push(i);
      } else {
        throw new InputError(`values[${i}] is ${String(v)} at timestamp ${timestamp}: expected a finite number`);
      }
    }
    return { values: out, imputed };
  }

  /** Records an accepted point (call only after the model took it). */
  accept(timestamp: number, values: readonly number[]): void {
    this.lastTimestamp = timestamp;
    for (let i = 0; i < this.dimensions; i++) this.lastValues[i] = values[i];
  }

  getState(): GuardState {
    return { lastTimestamp: this.lastTimestamp, lastValues: [...this.lastValues] };
  }
}
