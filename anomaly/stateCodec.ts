import * as zlib from "zlib";
import { StateError } from "./errors";
import { DetectorState } from "./types";

/**
 * Compact bytes for storing a detector state (e.g. a DynamoDB binary attribute): deflated JSON in an
 * envelope with a checksum:
 *   "GRDS" | envelope version (1 byte, 1) | CRC-32 of the payload (uint32, little-endian) | raw deflate of the JSON
 * A raw deflate stream cannot start with "G" (0x47: its block type bits, 11, are reserved), so bytes without
 * the magic are read as the format before the envelope (raw deflate, no checksum) and old checkpoints stay
 * valid. Inflating stops at MAX_STATE_JSON_BYTES, so a deflate bomb fails fast instead of taking gigabytes.
 */
export const STATE_MAGIC = "GRDS";
export const STATE_ENVELOPE_VERSION = 1;
const HEADER_BYTES = STATE_MAGIC.length + 1 + 4;

/** The largest state JSON encoded or decoded (a DynamoDB item holds 400 KB; bench models take ~1 MB). */
export const MAX_STATE_JSON_BYTES = 16 * 1024 * 1024;

/**
 * JSON writes NaN and ±Infinity as null, so a state holding one would restore as a different model: refused,
 * naming the field (a registered detector's state is the one that can hold one; the built-in ones keep finite).
 */
function finiteOnly(key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new StateError(`field ${JSON.stringify(key)} is ${value}: JSON has no such number (it would be restored as null)`);
  }
  return value;
}

/** Written in place of -0 while stringifying, then turned into the text `-0`; no state may hold it as a key or a string. */
const NEGATIVE_ZERO = "\u0000-0";
const NEGATIVE_ZERO_JSON = JSON.stringify(NEGATIVE_ZERO);
/**
 * The stand-in where a value starts (after `[`, `,` or `:`, or first): a quote inside a string is escaped, so a
 * longer string holding the stand-in's text (`x"\u0000-0`) is never matched.
 */
const NEGATIVE_ZERO_VALUE = /(^|[[,:])"\\u0000-0"/g;

/**
 * A state's JSON that keeps -0: JSON.stringify writes it as `0`, so a value the model keeps (a last value, a
 * warm-up row) would come back as +0, where JSON.parse reads the text `-0` back as -0. `replace` sees every
 * other value, as JSON.stringify's replacer would.
 */
export function stateJson(state: unknown, replace: (key: string, value: unknown) => unknown = (_key, value) => value): string {
  let negativeZero = false;
  const text = JSON.stringify(state, (key: string, value: unknown) => {
    if (key === NEGATIVE_ZERO || value === NEGATIVE_ZERO) {
      throw new StateError(`field ${JSON.stringify(key)}: the text ${NEGATIVE_ZERO_JSON} is reserved in a state`);
    }
    if (Object.is(value, -0)) {
      negativeZero = true;
      return NEGATIVE_ZERO;
    }
    return replace(key, value);
  });
  return negativeZero ? text.replace(NEGATIVE_ZERO_VALUE, "$1-0") : text;
}

export function encodeState(state: DetectorState): Uint8Array {
  let text: string;
  try {
    text = stateJson(state, finiteOnly);
  } catch (e) {
    if (e instanceof StateError) throw new StateError(`state of detector ${state.detector} cannot be saved: ${e.message}`);
    throw e;
  }
  const json = Buffer.from(text, "utf8");
  if (json.length > MAX_STATE_JSON_BYTES) {
    throw new StateError(`state of detector ${state.detector} is ${json.length} bytes of JSON, over the ${MAX_STATE_JSON_BYTES} a state may take`);
  }
  // what decodeState would refuse is refused here, so no checkpoint is written that cannot be read back
  const shape = nestingProblem(text, MAX_STATE_DEPTH, MAX_STATE_CONTAINERS);
  if (shape) throw new StateError(`state of detector ${state.detector} cannot be saved: its JSON is ${shape}`);
  const payload = zlib.deflateRawSync(json, { level: 6 });
  const out = Buffer.alloc(HEADER_BYTES + payload.length);
  out.write(STATE_MAGIC, 0, "latin1");
  out.writeUInt8(STATE_ENVELOPE_VERSION, STATE_MAGIC.length);
  out.writeUInt32LE(crc32(payload), STATE_MAGIC.length + 1);
  payload.copy(out, HEADER_BYTES);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** How deep a state's JSON may nest (a detector's state nests about 6 deep; an ensemble's a few more). */
export const MAX_STATE_DEPTH = 32;
/**
 * How many arrays and objects a state's JSON may hold: a built-in state has a few per input (zscore: one window
 * each; at most 100,000 inputs) and per ensemble member; 16 MiB of `[{},{},...]` would hold millions.
 */
export const MAX_STATE_CONTAINERS = 1_000_000;

/**
 * Where `text` nests arrays and objects deeper than `max`, or holds more than `maxContainers` of them, as a
 * message; undefined when it does not. Run before JSON.parse: 16 KB of deflated `[[[[...` or `[{},{},...`
 * inflates to millions of arrays or objects, which parse to gigabytes.
 */
export function nestingProblem(text: string, max: number, maxContainers = Infinity): string | undefined {
  let depth = 0;
  let containers = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = stringEnd(text, i);
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return `nested deeper than ${max} levels at character ${i}`;
      if (++containers > maxContainers) return `more than ${maxContainers} arrays and objects`;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/**
 * Where the JSON string opening at `open` closes: the next quote not escaped (after an even run of backslashes);
 * the text's end when none. Found with indexOf, as a state's long base64 strings make up most of it.
 */
function stringEnd(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}

/** Bytes, as a Buffer or a Uint8Array of any realm (a vm context's or a test environment's fails instanceof). */
function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || Object.prototype.toString.call(value) === "[object Uint8Array]";
}

export function decodeState(bytes: Uint8Array): DetectorState {
  if (!isBytes(bytes)) {
    const got =
      bytes === null
        ? "null"
        : Array.isArray(bytes)
          ? "an array"
          : typeof bytes === "object"
            ? `an object (${(bytes as object).constructor?.name ?? "no class"})`
            : typeof bytes;
    throw new StateError(`a detector state is bytes (a Uint8Array or Buffer), got ${got}`);
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let payload = buf;
  if (buf.length >= STATE_MAGIC.length && buf.toString("latin1", 0, STATE_MAGIC.length) === STATE_MAGIC) {
    if (buf.length < HEADER_BYTES) throw new StateError(`detector state envelope cut short: ${buf.length} bytes`);
    const version = buf.readUInt8(STATE_MAGIC.length);
    if (version !== STATE_ENVELOPE_VERSION)
      throw new StateError(`detector state envelope version ${version} is not supported (expected ${STATE_ENVELOPE_VERSION})`);
    payload = buf.subarray(HEADER_BYTES);
    const stored = buf.readUInt32LE(STATE_MAGIC.length + 1);
    const actual = crc32(payload);
    if (stored !== actual) throw new StateError(`detector state is corrupted: checksum ${hex(actual)} of ${payload.length} bytes, expected ${hex(stored)}`);
  }
  let text: string;
  try {
    text = zlib.inflateRawSync(payload, { maxOutputLength: MAX_STATE_JSON_BYTES }).toString("utf8");
  } catch (e) {
    const reason = (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" ? `inflates to over ${MAX_STATE_JSON_BYTES} bytes` : (e as Error).message;
    throw new StateError(`cannot decode detector state (${bytes.length} bytes): ${reason}`);
  }
  const deep = nestingProblem(text, MAX_STATE_DEPTH, MAX_STATE_CONTAINERS);
  if (deep) throw new StateError(`cannot decode detector state (${bytes.length} bytes): its JSON is ${deep}`);
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (e) {
    throw new StateError(`cannot decode detector state (${bytes.length} bytes): not JSON: ${(e as Error).message}`);
  }
  if (!state || typeof state !== "object" || typeof (state as DetectorState).detector !== "string") {
    throw new StateError("decoded state has no detector name");
  }
  return state as DetectorState;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}

/** CRC-32 (IEEE, as zip and zlib): zlib's own where Node has it (20.15+), else computed bit by bit. */
export function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  return typeof native === "function" ? native(data) >>> 0 : crc32Bitwise(data);
}

export function crc32Bitwise(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) {
    crc ^= data[i];
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
