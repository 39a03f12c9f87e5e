import { CLIENT_ID } from "../supplierParser/s3Key";
import { isTrainId } from "../trainAnomaly/telemetry";
import { inReadingYears, readingTime } from "../shared/readingYears";
import { showValue } from "../shared/showValue";

/**
 * Field checks shared by the three message kinds. Each returns a problem text (naming the field and the value)
 * or the parsed value; the callers collect every problem of a record into one message.
 */

export type Checked<T> = { readonly ok: T } | { readonly problem: string };

/** JSON of a value for an error message, cut to a readable length. */
export const show = (value: unknown): string => showValue(value);

/** Epoch milliseconds or ISO 8601 with a zone, within 2000..2100, as epoch milliseconds. */
export function checkTime(field: string, value: unknown): Checked<number> {
  const ms = readingTime(field, value);
  return typeof ms === "string" ? { problem: ms } : { ok: ms };
}

/** `receivedAt`, added by the IoT rule (`timestamp()`), epoch ms. */
export function checkReceivedAt(value: unknown): Checked<number> {
  if (value === undefined) return { problem: `field "receivedAt" is required (the IoT rule adds it)` };
  if (typeof value !== "number" || !Number.isSafeInteger(value) || !inReadingYears(value)) {
    return { problem: `field "receivedAt" must be epoch milliseconds, got ${show(value)}` };
  }
  return { ok: value };
}

/** `deviceId`, the topic's second level (the IoT rule's `topic(2)`): a meter client id or a train thing name. */
export function checkDeviceId(value: unknown, kind: "meter" | "train"): Checked<string> {
  if (value === undefined) return { problem: `field "deviceId" is required (the IoT rule adds it)` };
  if (kind === "meter" && !(typeof value === "string" && CLIENT_ID.test(value))) {
    return { problem: `field "deviceId" must be a meter client id (1-64 of A-Z, a-z, 0-9, _ or -), got ${show(value)}` };
  }
  if (kind === "train" && !isTrainId(value)) {
    return { problem: `field "deviceId" must be a train thing name train-<id>, got ${show(value)}` };
  }
  return { ok: value as string };
}

/** Problems for every key of `message` not in `known` (typo guard: an unknown field would otherwise vanish). */
export function unknownFields(message: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(message)
    .filter((k) => !known.includes(k))
    .map((k) => `unknown field ${show(k)} (known: ${known.join(", ")})`);
}

export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}
