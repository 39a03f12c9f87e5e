/**
 * Errors of the Firehose transform, with stable names. A RecordError fails one record (`ProcessingFailed`, it
 * lands under the error prefix); an EventError means the invocation is not a Firehose transformation event.
 */

import { NamedError } from "../shared/errors";

export class TransformError extends NamedError {
  constructor(message: string) {
    super("TransformError", message);
  }
}

/** The invocation is not a Firehose data-transformation event: Firehose retries the whole batch. */
export class EventError extends TransformError {
  constructor(message: string) {
    super(message);
    this.name = "EventError";
  }
}

/** One record cannot become readings rows; the message names the record, the field and the value. */
export class RecordError extends TransformError {
  constructor(message: string) {
    super(message);
    this.name = "RecordError";
  }
}
