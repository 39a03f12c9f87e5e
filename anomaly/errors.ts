/** Errors with stable names, so callers can branch on `error.name` and messages say what, where, why. */

export class AnomalyError extends Error {
  constructor(message: string) {
    super(message);
    // Pulumi's function serialization (the inline train Lambda) turns classes into functions that call
    // Error.call(this, message), which sets nothing: keep the message explicitly
    this.message = message;
    this.name = "AnomalyError";
  }
}

/** A data point the detector refused: wrong dimension, NaN/Infinity, time going backwards. */
export class InputError extends AnomalyError {
  /** The input dimension at fault, when one is. */
  readonly dimension?: number;

  constructor(message: string, dimension?: number) {
    super(message);
    this.name = "InputError";
    this.dimension = dimension;
  }
}

/** An option with a bad value: names the option and the value. */
export class OptionError extends AnomalyError {
  constructor(message: string) {
    super(message);
    this.name = "OptionError";
  }
}

/** A saved state that cannot be restored (wrong detector, version, or corrupted). */
export class StateError extends AnomalyError {
  constructor(message: string) {
    super(message);
    this.name = "StateError";
  }
}

/** Throws unless a saved state is of this detector and version (all detectors check alike). */
export function checkState(state: { detector: string; version: number }, detector: string, version: number): void {
  if (state.detector !== detector || state.version !== version) {
    throw new StateError(`expected the state of detector ${detector} version ${version}, got ${state.detector} version ${state.version}`);
  }
}
