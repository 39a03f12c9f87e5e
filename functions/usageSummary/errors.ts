/**
 * Errors of the usage summary with stable names. `InputError` is the name cli/args.ts `runMain` prints as a
 * one-line `error: ...` with exit 1, so a bad date, a missing folder or a failed Athena query read the same.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    // Pulumi serializes classes (the inline Lambda) as ES5 functions calling `Error.call(this, message)`, which
    // sets nothing: keep the message explicitly
    this.message = message;
    this.name = "InputError";
  }
}

/** An Athena query ended FAILED or CANCELLED, or did not finish in time. */
export class QueryError extends InputError {
  constructor(
    message: string,
    readonly queryName: string,
    readonly executionId: string,
    readonly state: string,
  ) {
    super(message);
  }
}
