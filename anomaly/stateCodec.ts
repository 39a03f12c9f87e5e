import { deflateRawSync, inflateRawSync } from "zlib";
import { StateError } from "./errors";
import { DetectorState } from "./types";

/** Compact bytes for storing a detector state (e.g. a DynamoDB binary attribute): deflated JSON. */
export function encodeState(state: DetectorState): Uint8Array {
  return new Uint8Array(deflateRawSync(Buffer.from(JSON.stringify(state), "utf8"), { level: 6 }));
}

export function decodeState(bytes: Uint8Array): DetectorState {
  let text: string;
  try {
    text = inflateRawSync(bytes).toString("utf8");
  } catch (e) {
    throw new StateError(`cannot decode detector state (${bytes.length} bytes): ${(e as Error).message}`);
  }
  const state = JSON.parse(text) as DetectorState;
  if (!state || typeof state.detector !== "string") throw new StateError("decoded state has no detector name");
  return state;
}
