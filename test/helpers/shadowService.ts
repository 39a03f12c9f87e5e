/**
 * A loopback stand-in of the AWS IoT Device Shadow service: named shadows with AWS's merge rules (objects merge,
 * null deletes, arrays and values replace), optimistic versions, and the delta (desired values the reported
 * state lacks or differs from). `attachToBroker` serves the MQTT topics a device uses; awsStandIn serves the
 * HTTPS data-plane API the Lambda uses; both see the same documents.
 */
import type { Aedes } from "aedes";

type Json = Record<string, unknown>;

export interface ShadowDocument {
  state: { desired?: Json; reported?: Json };
  version: number;
  timestamp: number;
}

export type UpdateResult = { accepted: ShadowDocument & { state: { desired?: Json; reported?: Json } }; delta?: Json } | { rejected: { code: number; message: string } };

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function mergeState(into: Json | undefined, patch: Json): Json | undefined {
  const out: Json = { ...(into ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObject(v)) {
      const merged = mergeState(isObject(out[k]) ? (out[k] as Json) : undefined, v);
      if (merged) out[k] = merged;
      else delete out[k];
    } else out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

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

export class ShadowService {
  readonly documents = new Map<string, ShadowDocument>();
  /** Called after every accepted update that changed `desired` and leaves a delta. */
  onDelta?: (thingName: string, shadowName: string, delta: Json, version: number) => void;
  updates = 0;

  private key(thingName: string, shadowName: string): string {
    return `${thingName}/${shadowName}`;
  }

  get(thingName: string, shadowName: string): ShadowDocument | undefined {
    const doc = this.documents.get(this.key(thingName, shadowName));
    return doc && JSON.parse(JSON.stringify(doc));
  }

  /** The GET response: state with the delta, version, timestamp. */
  getResponse(thingName: string, shadowName: string): Json | undefined {
    const doc = this.get(thingName, shadowName);
    if (!doc) return undefined;
    const delta = deltaOf(doc.state.desired, doc.state.reported);
    return { state: { ...doc.state, ...(delta ? { delta } : {}) }, metadata: {}, version: doc.version, timestamp: doc.timestamp };
  }

  update(thingName: string, shadowName: string, request: unknown): UpdateResult {
    const req = request as { state?: { desired?: unknown; reported?: unknown }; version?: unknown; clientToken?: unknown };
    if (!isObject(req) || !isObject(req.state)) return { rejected: { code: 400, message: "Missing required node: state" } };
    const key = this.key(thingName, shadowName);
    const current = this.documents.get(key);
    if (req.version !== undefined && req.version !== (current?.version ?? 0)) {
      return { rejected: { code: 409, message: "Version conflict" } };
    }
    const state: ShadowDocument["state"] = { ...(current?.state ?? {}) };
    for (const section of ["desired", "reported"] as const) {
      const patch = req.state[section];
      if (patch === undefined) continue;
      if (patch === null) delete state[section];
      else if (!isObject(patch)) return { rejected: { code: 400, message: `State contains an invalid node: ${section}` } };
      else {
        const merged = mergeState(state[section], patch);
        if (merged) state[section] = merged;
        else delete state[section];
      }
    }
    const doc: ShadowDocument = { state, version: (current?.version ?? 0) + 1, timestamp: Math.floor(Date.now() / 1000) };
    this.documents.set(key, doc);
    this.updates++;
    const delta = deltaOf(state.desired, state.reported);
    if (req.state.desired !== undefined && delta) this.onDelta?.(thingName, shadowName, delta, doc.version);
    const accepted = { state: req.state as ShadowDocument["state"], version: doc.version, timestamp: doc.timestamp };
    return { accepted: { ...accepted, ...(req.clientToken === undefined ? {} : { clientToken: req.clientToken }) } as ShadowDocument, delta };
  }
}

const TOPIC = /^\$aws\/things\/([^/]+)\/shadow\/name\/([^/]+)\/(get|update)$/;

function publish(broker: Aedes, topic: string, body: unknown): void {
  broker.publish({ cmd: "publish", topic, payload: Buffer.from(JSON.stringify(body)), qos: 1, retain: false, dup: false }, () => undefined);
}

/** Answers devices' shadow requests on `broker` the way AWS IoT does (get, update; accepted, rejected, delta). */
export function attachToBroker(service: ShadowService, broker: Aedes): void {
  service.onDelta = (thing, shadow, delta, version) => {
    publish(broker, `$aws/things/${thing}/shadow/name/${shadow}/update/delta`, { state: delta, version, timestamp: Math.floor(Date.now() / 1000) });
  };
  broker.on("publish", (packet, client) => {
    const m = client ? TOPIC.exec(packet.topic) : null;
    if (!m) return;
    const [, thing, shadow, op] = m;
    const base = `$aws/things/${thing}/shadow/name/${shadow}/${op}`;
    let body: unknown = {};
    try {
      body = packet.payload.length > 0 ? JSON.parse(packet.payload.toString()) : {};
    } catch {
      return publish(broker, `${base}/rejected`, { code: 400, message: "Payload contains invalid json" });
    }
    const token = (body as { clientToken?: unknown }).clientToken;
    if (op === "get") {
      const doc = service.getResponse(thing, shadow);
      if (!doc) return publish(broker, `${base}/rejected`, { code: 404, message: `No shadow exists with name: '${thing}~${shadow}'`, clientToken: token });
      return publish(broker, `${base}/accepted`, { ...doc, clientToken: token });
    }
    const result = service.update(thing, shadow, body);
    if ("rejected" in result) return publish(broker, `${base}/rejected`, { ...result.rejected, clientToken: token });
    return publish(broker, `${base}/accepted`, result.accepted);
  });
}
