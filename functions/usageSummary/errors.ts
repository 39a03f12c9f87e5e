/**
 * Errors of the usage summary with stable names. `InputError` is the name cli/args.ts `runMain` prints as a
 * one-line `error: ...` with exit 1, so a bad date, a missing folder or a failed Athena query read the same.
 */

import { NamedError } from "../shared/errors";
export class InputError extends NamedError {
  constructor(message: string) {
    super("InputError", message);
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
