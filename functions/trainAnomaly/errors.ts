/**
 * Errors of the train anomaly Lambda, with stable names so callers branch on `error.name` and dead letters
 * carry it. Messages say what, which record or train, and why.
 */

import { NamedError } from "../shared/errors";

export class TrainAnomalyError extends NamedError {
  constructor(message: string) {
    super("TrainAnomalyError", message);
  }
}

/** An error's message, or its name where a serialized library error lost the message (see above). */
export function messageOf(e: unknown): string {
  const err = e as Error | undefined;
  return err?.message || err?.name || String(e);
}

/** The Lambda's environment or the detector settings are wrong: nothing can be processed. */
export class SettingsError extends TrainAnomalyError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.length === 1 ? problems[0] : `invalid train detector settings:\n  ${problems.join("\n  ")}`);
    this.name = "SettingsError";
    this.problems = problems;
  }
}

/** The invocation is not a Kinesis event (or a record lacks its sequence number): the whole batch fails. */
export class EventError extends TrainAnomalyError {
  constructor(message: string) {
    super(message);
    this.name = "EventError";
  }
}

/** Why a record was rejected; the dead letter carries it. */
export type RejectReason = "decode" | "schema" | "clock" | "late" | "conflict" | "detector";
export const REJECT_REASONS: readonly RejectReason[] = ["decode", "schema", "clock", "late", "conflict", "detector"];

/** One Kinesis record that can never be processed (retrying cannot help): it goes to the dead-letter queue. */
export class RecordError extends TrainAnomalyError {
  readonly reason: RejectReason;

  constructor(reason: RejectReason, message: string) {
    super(message);
    this.name = "RecordError";
    this.reason = reason;
  }
}

/** A telemetry message that breaks the schema: names the field and the value. */
export class TelemetryError extends RecordError {
  readonly field: string;

  constructor(field: string, message: string) {
    super("schema", message);
    this.name = "TelemetryError";
    this.field = field;
  }
}

/**
 * A reading dated too far ahead of (or behind) the time its record reached the cloud: a train clock that is
 * wrong. Learning it would move the model's watermark and make every true reading after it "late".
 */
export class ClockError extends RecordError {
  readonly field: string;

  constructor(message: string) {
    super("clock", message);
    this.name = "ClockError";
    this.field = "timestamp";
  }
}

/** Another writer advanced a checkpoint (or a shadow) since it was read: reload and retry. */
export class ConflictError extends TrainAnomalyError {
  constructor(message: string) {
    super(message);
    this.name = "ConflictError";
  }
}

/** A checkpoint could not be read, decoded or written for a reason other than a conflict. */
export class CheckpointError extends TrainAnomalyError {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

/** The anomaly shadow could not be read or updated (after retries on version conflicts). */
export class ShadowError extends TrainAnomalyError {
  constructor(message: string) {
    super(message);
    this.name = "ShadowError";
  }
}

// Errors are told apart by their stable names and fields, not `instanceof` (docs/inline-callbacks.md).

/** A RecordError or a subclass: the record goes to the dead-letter queue. */
export function isRecordError(e: unknown): e is RecordError {
  return typeof e === "object" && e !== null && REJECT_REASONS.includes((e as RecordError).reason);
}

export function isConflict(e: unknown): e is ConflictError {
  return (e as Error | undefined)?.name === "ConflictError";
}
