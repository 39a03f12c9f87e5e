import { Transform } from "stream";
import { NamedError } from "../shared/errors";

/** The object is bigger than the parser will read; the file is refused with a quarantine report. */
export class ObjectTooLargeError extends NamedError {
  constructor(message: string) {
    super("ObjectTooLargeError", message);
  }
}

export const MB = 1024 * 1024;
/** 100 MB: a year of 5-minute readings for one NMI in NEM12 is about 3 MB, so this is far past any real file. */
export const DEFAULT_MAX_OBJECT_BYTES = 100 * MB;

/** `atLeast` when the stream was cut short: only a lower bound of the size is known. */
export function tooLarge(bytes: number, max: number, atLeast = false): ObjectTooLargeError {
  return new ObjectTooLargeError(`object is ${atLeast ? "at least " : ""}${bytes} bytes, over the limit of ${max} bytes`);
}

/** Passes bytes through until more than `max` have gone by, then fails: a stream without a known length stays bounded. */
export function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) done(tooLarge(seen, max, true));
      else done(null, chunk);
    },
  });
}
