import type { FirehoseTransformationEvent } from "aws-lambda";
import { EventError } from "./errors";

/**
 * Checks the envelope only: a broken envelope fails the invocation (Firehose retries it, then writes the batch
 * under the error prefix), while a broken record inside a good envelope fails alone.
 */
export function checkEvent(event: unknown): FirehoseTransformationEvent {
  if (typeof event !== "object" || event === null || !Array.isArray((event as { records?: unknown }).records)) {
    throw new EventError('not a Firehose transformation event: no "records" array');
  }
  const records = (event as { records: unknown[] }).records;
  const seen = new Set<string>();
  records.forEach((r, i) => {
    const id = (r as { recordId?: unknown } | null)?.recordId;
    if (typeof id !== "string" || id === "") throw new EventError(`Firehose record ${i} has no recordId`);
    if (seen.has(id)) throw new EventError(`Firehose record ${i} repeats recordId ${JSON.stringify(id)}`);
    seen.add(id);
  });
  return event as FirehoseTransformationEvent;
}
