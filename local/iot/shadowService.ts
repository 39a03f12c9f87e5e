/**
 * The AWS IoT Device Shadow service's documents, shared by the MQTT topics (shadowTopics.ts) and the data-plane
 * HTTP API (dataPlaneServer.ts), so a device and a Lambda see the same shadow. Reproduced: classic (shadow name
 * "") and named shadows; merge rules (objects merge, null deletes a key or a whole section, arrays and values
 * replace); per-field metadata timestamps; versions that count accepted updates, optimistic `version` in a
 * request (409 "Version conflict"); delta (desired values reported lacks or differs in, recursively); delete
 * keeps the version so a re-created shadow continues it (AWS does within 48 hours); clientToken echoed.
 * Deliberately not reproduced: the 8 KB state / 6 levels / 30-per-second limits, "state": null on a
 * missing shadow, persistence across restarts.
 */

export type Json = Record<string, unknown>;

export const CLASSIC_SHADOW = "";

export interface ShadowState {
  desired?: Json;
  reported?: Json;
}

export interface ShadowDocument {
  state: ShadowState;
  metadata: ShadowState;
  version: number;
  /** Seconds since the epoch, as AWS stamps shadows. */
  timestamp: number;
}

export interface Rejection {
  readonly code: number;
  readonly message: string;
}

export type ShadowResult = { accepted: Json } | { rejected: Rejection };

/** What an accepted operation publishes on MQTT (whichever protocol asked): topic suffix and body. */
export interface ShadowEvent {
  readonly thingName: string;
  readonly shadowName: string;
  /** "update/accepted", "update/delta", "update/documents" or "delete/accepted". */
  readonly topic: string;
  readonly body: Json;
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** AWS's merge: objects merge key by key, null deletes, anything else replaces; an emptied object disappears. */
export function mergeState(into: Json | undefined, patch: Json): Json | undefined {
  const out: Json = { ...(into ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObject(v)) {
      const merged = mergeState(isObject(out[k]) ? out[k] : undefined, v);
      if (merged) out[k] = merged;
      else delete out[k];
    } else out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Desired values that reported lacks or differs in; objects compared key by key, arrays as wholes. */
export function deltaOf(desired: Json | undefined, reported: Json | undefined): Json | undefined {
  if (!desired) return undefined;
  const out: Json = {};
  for (const [k, v] of Object.entries(desired)) {
    const r = reported?.[k];
    if (isObject(v) && isObject(r)) {
      const d = deltaOf(v, r);
      if (d) out[k] = d;
    } else if (JSON.stringify(v) !== JSON.stringify(r)) out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The metadata of a patch: the same shape with `{ timestamp }` at every leaf (array elements each their own). */
export function metadataOf(patch: unknown, timestamp: number): unknown {
  if (patch === null) return null;
  if (Array.isArray(patch)) return patch.map((v) => metadataOf(v, timestamp));
  if (isObject(patch)) return Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, metadataOf(v, timestamp)]));
  return { timestamp };
}

const isLeafMetadata = (m: Json) => Object.keys(m).length === 1 && typeof m.timestamp === "number";

/** The metadata of the keys present in `shape` only (for a delta's metadata). */
function pickMetadata(metadata: Json | undefined, shape: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(shape)) {
    const m = metadata?.[k];
    if (m === undefined) continue;
    out[k] = isObject(v) && isObject(m) && !isLeafMetadata(m) ? pickMetadata(m, v) : m;
  }
  return out;
}

/** Metadata follows the state's merge: null deletes, objects merge, anything else gets a fresh timestamp. */
function mergeMetadata(into: Json | undefined, patch: Json, timestamp: number): Json | undefined {
  const out: Json = { ...(into ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObject(v)) {
      const prev = out[k];
      const merged = mergeMetadata(isObject(prev) && !isLeafMetadata(prev) ? prev : undefined, v, timestamp);
      if (merged) out[k] = merged;
      else delete out[k];
    } else out[k] = metadataOf(v, timestamp);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

interface Entry {
  doc?: ShadowDocument;
  /** Kept after a delete: a re-created shadow continues from it. */
  version: number;
}

export interface ShadowServiceOptions {
  /** Clock in epoch ms; timestamps are its seconds. Default Date.now. */
  readonly now?: () => number;
}

export class ShadowService {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners: ((event: ShadowEvent) => void)[] = [];
  private readonly now: () => number;
  /** Accepted updates, any shadow. */
  updates = 0;

  constructor(options: ShadowServiceOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Called with what every accepted update or delete publishes (shadowTopics.ts forwards them to MQTT). */
  onEvent(listener: (event: ShadowEvent) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  /** The stored document (a copy), undefined when there is none. */
  get(thingName: string, shadowName: string = CLASSIC_SHADOW): ShadowDocument | undefined {
    const doc = this.entries.get(key(thingName, shadowName))?.doc;
    return doc && copy(doc);
  }

  /** The named shadows of a thing, sorted (the classic shadow is not listed, as in AWS). */
  list(thingName: string): string[] {
    const prefix = `${thingName}\u0000`;
    return [...this.entries.entries()]
      .filter(([k, e]) => k.startsWith(prefix) && e.doc && k.length > prefix.length)
      .map(([k]) => k.slice(prefix.length))
      .sort();
  }

  /** The GET answer: state with delta, metadata, version, timestamp; or 404. */
  read(thingName: string, shadowName: string = CLASSIC_SHADOW, clientToken?: unknown): ShadowResult {
    const doc = this.get(thingName, shadowName);
    if (!doc) return { rejected: { ...notFound(thingName, shadowName), ...token(clientToken) } };
    const delta = deltaOf(doc.state.desired, doc.state.reported);
    return {
      accepted: {
        state: { ...doc.state, ...(delta ? { delta } : {}) },
        metadata: doc.metadata,
        version: doc.version,
        timestamp: this.seconds(),
        ...token(clientToken),
      },
    };
  }

  /** The GET answer's document, or undefined when there is no shadow. */
  getResponse(thingName: string, shadowName: string = CLASSIC_SHADOW): Json | undefined {
    const r = this.read(thingName, shadowName);
    return "accepted" in r ? r.accepted : undefined;
  }

  update(thingName: string, shadowName: string, request: unknown): ShadowResult {
    if (!isObject(request)) return { rejected: { code: 400, message: "Payload contains invalid json" } };
    const clientToken = request.clientToken;
    const reject = (code: number, message: string): ShadowResult => ({ rejected: { code, message, ...token(clientToken) } as Rejection });
    if (!("state" in request)) return reject(400, "Missing required node: state");
    const patch = request.state;
    if (patch !== null && !isObject(patch)) return reject(400, "Invalid JSON: state must be an object");
    for (const section of Object.keys(patch ?? {})) {
      if (section !== "desired" && section !== "reported") return reject(400, `State contains an invalid node: '${section}'`);
      const v = (patch as Json)[section];
      if (v !== null && !isObject(v)) return reject(400, `Invalid JSON: ${section} node must be an object`);
    }
    const k = key(thingName, shadowName);
    const entry = this.entries.get(k) ?? { version: 0 };
    if (request.version !== undefined && request.version !== entry.version) return reject(409, "Version conflict");
    const timestamp = this.seconds();
    const previous = entry.doc;
    const doc: ShadowDocument = { state: copy(previous?.state ?? {}), metadata: copy(previous?.metadata ?? {}), version: entry.version + 1, timestamp };
    for (const section of ["desired", "reported"] as const) {
      const v = patch === null ? null : (patch as Json)[section];
      if (v === undefined) continue;
      const state = v === null ? undefined : mergeState(doc.state[section], v as Json);
      const meta = v === null ? undefined : mergeMetadata(doc.metadata[section], v as Json, timestamp);
      if (state) doc.state[section] = state;
      else delete doc.state[section];
      if (meta) doc.metadata[section] = meta;
      else delete doc.metadata[section];
    }
    this.entries.set(k, { doc, version: doc.version });
    this.updates++;
    const requestMeta = patch === null ? {} : Object.fromEntries(Object.entries(patch as Json).map(([s, v]) => [s, metadataOf(v, timestamp)]));
    const accepted = { state: patch, metadata: requestMeta, version: doc.version, timestamp, ...token(clientToken) };
    this.emit(thingName, shadowName, "update/accepted", accepted);
    const delta = deltaOf(doc.state.desired, doc.state.reported);
    if (delta && isObject(patch) && patch.desired !== undefined) {
      this.emit(thingName, shadowName, "update/delta", {
        version: doc.version,
        timestamp,
        state: delta,
        metadata: pickMetadata(doc.metadata.desired, delta),
        ...token(clientToken),
      });
    }
    const snapshot = (d: ShadowDocument | undefined) => (d ? { state: d.state, metadata: d.metadata, version: d.version } : null);
    this.emit(thingName, shadowName, "update/documents", { previous: snapshot(previous), current: snapshot(doc), timestamp, ...token(clientToken) });
    return { accepted };
  }

  delete(thingName: string, shadowName: string, request: unknown = {}): ShadowResult {
    const clientToken = isObject(request) ? request.clientToken : undefined;
    const k = key(thingName, shadowName);
    const entry = this.entries.get(k);
    if (!entry?.doc) return { rejected: { ...notFound(thingName, shadowName), ...token(clientToken) } };
    if (isObject(request) && request.version !== undefined && request.version !== entry.version) {
      return { rejected: { code: 409, message: "Version conflict", ...token(clientToken) } as Rejection };
    }
    this.entries.set(k, { version: entry.version });
    const accepted = { version: entry.version, timestamp: this.seconds(), ...token(clientToken) };
    this.emit(thingName, shadowName, "delete/accepted", accepted);
    return { accepted };
  }

  private emit(thingName: string, shadowName: string, topic: string, body: Json): void {
    for (const l of [...this.listeners]) l({ thingName, shadowName, topic, body: copy(body) });
  }

  /** The service clock in whole seconds, as shadow timestamps are. */
  seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

function key(thingName: string, shadowName: string): string {
  return `${thingName}\u0000${shadowName}`;
}

function token(clientToken: unknown): Json {
  return clientToken === undefined ? {} : { clientToken };
}

function notFound(thingName: string, shadowName: string): Rejection {
  return { code: 404, message: `No shadow exists with name: '${shadowName === CLASSIC_SHADOW ? thingName : `${thingName}~${shadowName}`}'` };
}

/** The MQTT topic prefix of a shadow: `$aws/things/{thing}/shadow` or `.../shadow/name/{name}`. */
export function shadowTopicPrefix(thingName: string, shadowName: string): string {
  return `$aws/things/${thingName}/shadow${shadowName === CLASSIC_SHADOW ? "" : `/name/${shadowName}`}`;
}
