/** Errors of the Redshift loader, with stable names; messages say what, which statement or object, and why. */

import { NamedError } from "../shared/errors";

export class LoaderError extends NamedError {
  constructor(message: string) {
    super("LoaderError", message);
  }
}

/** The Lambda's environment or the schedule's input is wrong: nothing can be loaded. */
export class SettingsError extends LoaderError {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

/** A value cannot be written into SQL safely. */
export class SqlError extends LoaderError {
  constructor(message: string) {
    super(message);
    this.name = "SqlError";
  }
}

/** A Data API statement ended FAILED or ABORTED, or did not end in time; carries Redshift's own error text. */
export class StatementError extends LoaderError {
  readonly statementId: string;
  readonly status: string;
  /** Redshift's `Error` text from DescribeStatement ("" when it gave none). */
  readonly redshiftError: string;
  /** Sub-statements of a batch as DescribeStatement reported them (empty for a single statement). */
  readonly subStatements: readonly SubStatement[];

  constructor(message: string, statementId: string, status: string, redshiftError: string, subStatements: readonly SubStatement[] = []) {
    super(message);
    this.name = "StatementError";
    this.statementId = statementId;
    this.status = status;
    this.redshiftError = redshiftError;
    this.subStatements = subStatements;
  }
}

/** The load transaction failed: nothing of it was committed. Names the manifest and Redshift's error. */
export class LoadError extends LoaderError {
  readonly manifestKey: string;
  readonly statementId: string;
  readonly redshiftError: string;
  /** Objects the run set aside (recorded in load_rejects) before this load failed. */
  readonly rejected: number;

  constructor(message: string, manifestKey: string, statementId: string, redshiftError: string, rejected = 0) {
    super(message);
    this.name = "LoadError";
    this.manifestKey = manifestKey;
    this.statementId = statementId;
    this.redshiftError = redshiftError;
    this.rejected = rejected;
  }
}

// `instanceof` fails on errors thrown by Pulumi-serialized code (a class can be captured twice), so callers
// tell errors apart by their stable names.

export function isStatementError(e: unknown): e is StatementError {
  return (e as Error | undefined)?.name === "StatementError";
}

export function isLoadError(e: unknown): e is LoadError {
  return (e as Error | undefined)?.name === "LoadError";
}

export interface SubStatement {
  readonly id: string;
  readonly status: string;
  readonly resultRows?: number;
  readonly redshiftQueryId?: number;
  readonly error?: string;
}
