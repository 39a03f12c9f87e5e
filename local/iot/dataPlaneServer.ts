/**
 * The AWS IoT data plane's HTTP API (restJson1) on loopback, enough for @aws-sdk/client-iot-data-plane to work
 * unchanged when its endpoint is this server's URL: GetThingShadow, UpdateThingShadow, DeleteThingShadow
 * (`/things/{thing}/shadow?name=`), ListNamedShadowsForThing and Publish (`POST /topics/{topic}?qos=&retain=`,
 * delivered on the broker as if IoT Core received it, so topic rules and subscribers see it).
 * Errors carry the type the SDK maps to an exception class (x-amzn-errortype). HTTP, not TLS, and no SigV4
 * check: any credentials are accepted. Not served: retained-message and connection APIs, MQTT 5 properties.
 */
import type { Aedes } from "aedes";
import { IncomingMessage, Server, ServerResponse, createServer } from "http";
import { decodeSegment, requestUrl } from "../requestTarget";
import { AddressInfo } from "net";
import { publishFromBroker } from "./broker";
import { CLASSIC_SHADOW, ShadowResult, ShadowService } from "./shadowService";

export interface DataPlaneOptions {
  readonly shadows: ShadowService;
  /** Where Publish delivers. */
  readonly broker?: Aedes;
  /** Called for each Publish instead of (or, with a broker, before) delivering; with neither, Publish answers 503. */
  readonly onPublish?: (message: PublishedMessage) => void;
  /** Each request handled, e.g. "UpdateThingShadow train-1~anomaly", "Publish trains/train-1/anomalies". */
  readonly calls?: string[];
}

export interface PublishedMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: 0 | 1;
  readonly retain: boolean;
}

export interface DataPlaneServer {
  /** `http://127.0.0.1:<port>`: the SDK client's `endpoint`. */
  readonly endpoint: string;
  readonly calls: string[];
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  400: "InvalidRequestException",
  404: "ResourceNotFoundException",
  405: "MethodNotAllowedException",
  409: "ConflictException",
  413: "RequestEntityTooLargeException",
  503: "ServiceUnavailableException",
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (status >= 400) headers["x-amzn-errortype"] = ERROR_TYPES[status] ?? "InternalFailureException";
  res.writeHead(status, headers);
  res.end(body === undefined ? "" : JSON.stringify(body));
}

function answer(res: ServerResponse, result: ShadowResult): void {
  if ("rejected" in result) sendJson(res, result.rejected.code, { message: result.rejected.message });
  else sendJson(res, 200, result.accepted);
}

/**
 * Handles one data-plane request whose body has been read; false when the path is not a data-plane route
 * (so a server hosting several stand-ins can try the next one).
 */
export function handleDataPlaneRequest(options: DataPlaneOptions, req: IncomingMessage, body: Buffer, res: ServerResponse): boolean {
  const url = requestUrl(req.url);
  if (url === undefined) {
    sendJson(res, 400, { message: "the request target is not a valid URL" });
    return true;
  }
  const calls = options.calls ?? [];
  const badEncoding = (segment: string) => {
    sendJson(res, 400, { message: `${JSON.stringify(segment)} is not valid percent-encoding` });
    return true;
  };
  let m: RegExpExecArray | null;
  if ((m = /^\/things\/([^/]+)\/shadow$/.exec(url.pathname))) {
    const thing = decodeSegment(m[1]);
    if (thing === undefined) return badEncoding(m[1]);
    const shadow = url.searchParams.get("name") ?? CLASSIC_SHADOW;
    const id = shadow === CLASSIC_SHADOW ? thing : `${thing}~${shadow}`;
    if (req.method === "GET") {
      calls.push(`GetThingShadow ${id}`);
      answer(res, options.shadows.read(thing, shadow));
    } else if (req.method === "DELETE") {
      calls.push(`DeleteThingShadow ${id}`);
      answer(res, options.shadows.delete(thing, shadow));
    } else if (req.method === "POST") {
      calls.push(`UpdateThingShadow ${id}`);
      let request: unknown;
      try {
        request = JSON.parse(body.toString("utf8"));
      } catch {
        sendJson(res, 400, { message: "Payload contains invalid json" });
        return true;
      }
      answer(res, options.shadows.update(thing, shadow, request));
    } else sendJson(res, 405, { message: `${req.method} is not allowed on ${url.pathname}` });
    return true;
  }
  if ((m = /^\/api\/things\/shadow\/ListNamedShadowsForThing\/([^/]+)$/.exec(url.pathname)) && req.method === "GET") {
    const thing = decodeSegment(m[1]);
    if (thing === undefined) return badEncoding(m[1]);
    calls.push(`ListNamedShadowsForThing ${thing}`);
    const names = options.shadows.list(thing);
    const pageSize = Number(url.searchParams.get("pageSize") ?? 25);
    const start = Number(url.searchParams.get("nextToken") ?? 0);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100 || !Number.isInteger(start) || start < 0) {
      sendJson(res, 400, { message: "pageSize must be 1-100 and nextToken one this API returned" });
      return true;
    }
    const end = start + pageSize;
    sendJson(res, 200, { results: names.slice(start, end), ...(end < names.length ? { nextToken: String(end) } : {}), timestamp: options.shadows.seconds() });
    return true;
  }
  if ((m = /^\/topics\/(.+)$/.exec(url.pathname)) && req.method === "POST") {
    const topic = decodeSegment(m[1]);
    if (topic === undefined) return badEncoding(m[1]);
    calls.push(`Publish ${topic}`);
    const qos = Number(url.searchParams.get("qos") ?? 0);
    if (qos !== 0 && qos !== 1) {
      sendJson(res, 400, { message: `qos must be 0 or 1, got ${url.searchParams.get("qos")}` });
      return true;
    }
    const retain = url.searchParams.get("retain") === "true";
    options.onPublish?.({ topic, payload: body, qos, retain });
    if (!options.broker) {
      if (options.onPublish) sendJson(res, 200, undefined);
      else sendJson(res, 503, { message: "the local data plane has no broker to publish on" });
      return true;
    }
    publishFromBroker(options.broker, topic, body, qos, retain).then(
      () => sendJson(res, 200, undefined),
      (e: Error) => sendJson(res, 503, { message: e.message }),
    );
    return true;
  }
  return false;
}

/** Starts the data plane on 127.0.0.1 (ephemeral port unless given). */
export async function startDataPlaneServer(options: DataPlaneOptions, port = 0): Promise<DataPlaneServer> {
  const calls = options.calls ?? [];
  const opts = { ...options, calls };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (!handleDataPlaneRequest(opts, req, Buffer.concat(chunks), res)) sendJson(res, 404, { message: `no route ${req.method} ${req.url}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
