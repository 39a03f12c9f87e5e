/**
 * The live web view of the local stack: node http on 127.0.0.1 serving one self-contained page (`GET /`), its
 * Server-Sent Events stream (`GET /events`: a snapshot first, then live events) and the snapshot as JSON
 * (`GET /state`). Published events update the server-side state at once and go to the browsers in batches every
 * FLUSH_MS, so ~200 readings a second cost a few writes per client, not hundreds.
 * Deliberately not done: authentication (loopback only; the Host header is checked against DNS rebinding), TLS.
 */
import { IncomingMessage, Server, ServerResponse, createServer } from "http";
import { requestUrl } from "../requestTarget";
import { AddressInfo } from "net";
import type { LiveEvent } from "./liveEvents";
import { LiveState } from "./liveState";
import { renderPage } from "./page";

export interface WebView {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  publish(event: LiveEvent): void;
  /** Ends the open event streams and the server; resolves when nothing is left open. */
  close(): Promise<void>;
}

export interface WebViewOptions {
  /** Default 0: an ephemeral port. */
  readonly port?: number;
  /** Loopback only. */
  readonly host?: "127.0.0.1";
  /** Default PING_MS; tests shorten it. */
  readonly pingMs?: number;
}

/** How long published events wait to be sent together. */
export const FLUSH_MS = 100;
/** A comment line keeps proxies and idle timers from closing a quiet stream. */
export const PING_MS = 15_000;
/** A browser this far behind (a frozen tab) is dropped; its EventSource reconnects and gets a fresh snapshot. */
export const MAX_CLIENT_BACKLOG_BYTES = 8 * 1024 * 1024;

export async function startWebView(options: WebViewOptions = {}): Promise<WebView> {
  const port = options.port ?? 0;
  const host = options.host ?? "127.0.0.1";
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`web view: port must be an integer 0..65535, got ${port}`);
  const pingMs = options.pingMs ?? PING_MS;
  if (!Number.isInteger(pingMs) || pingMs < 1) throw new Error(`web view: pingMs must be a positive integer, got ${pingMs}`);
  if (host !== "127.0.0.1") throw new Error(`web view: host must be 127.0.0.1, got ${JSON.stringify(host)}`);

  const state = new LiveState();
  const page = renderPage();
  const clients = new Set<ServerResponse>();
  let pending: LiveEvent[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const send = (res: ServerResponse, frames: string) => {
    if (res.writableLength > MAX_CLIENT_BACKLOG_BYTES) {
      clients.delete(res);
      res.destroy();
      return;
    }
    res.write(frames);
  };
  const flush = () => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (pending.length === 0) return;
    const frames = coalesce(pending).map(frame).join("");
    pending = [];
    for (const res of clients) send(res, frames);
  };
  const ping = setInterval(() => {
    for (const res of clients) send(res, ": ping\n\n");
  }, pingMs);
  ping.unref();

  let actualPort = port;
  const allowedHosts = () => new Set([`127.0.0.1:${actualPort}`, `localhost:${actualPort}`]);
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!allowedHosts().has(req.headers.host ?? "")) return plain(res, 421, "unexpected Host header\n");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return plain(res, 405, "method not allowed\n");
    }
    const path = requestUrl(req.url)?.pathname;
    if (path === undefined) return plain(res, 400, "the request target is not a valid URL\n");
    if (path === "/") {
      res.writeHead(200, {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "Content-Security-Policy": page.contentSecurityPolicy,
        "X-Content-Type-Options": "nosniff",
      });
      return void res.end(req.method === "HEAD" ? undefined : page.html);
    }
    if (path === "/state") {
      res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
      return void res.end(req.method === "HEAD" ? undefined : JSON.stringify(state.snapshot()));
    }
    if (path === "/events") {
      if (closed) return plain(res, 503, "closing\n");
      res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no" });
      if (req.method === "HEAD") return void res.end();
      res.socket?.setNoDelay(true);
      // what is pending is already in the snapshot: send it to the others first, so this client does not get it twice
      flush();
      res.write(frame(state.snapshot()));
      clients.add(res);
      res.on("close", () => clients.delete(res));
      return;
    }
    plain(res, 404, "not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.removeListener("error", reject);
      resolve();
    });
  }).catch((e: Error) => {
    clearInterval(ping);
    throw new Error(`web view: cannot listen on ${host}:${port}: ${e.message}`);
  });
  actualPort = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${actualPort}/`,
    publish(event) {
      state.apply(event);
      if (closed) return;
      pending.push(event);
      flushTimer ??= setTimeout(flush, FLUSH_MS);
    },
    close: () =>
      (closing ??= (async () => {
        flush();
        closed = true;
        clearInterval(ping);
        // end the streams cleanly (EventSource sees the end, not a reset), then drop whatever is still connected
        await Promise.all([...clients].map((res) => ended(res)));
        clients.clear();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
  };
}

function frame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** Joins neighbouring readings (and meter) events, keeping the order of everything else. */
function coalesce(events: readonly LiveEvent[]): LiveEvent[] {
  const out: LiveEvent[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (e.type === "readings" && last?.type === "readings") out[out.length - 1] = { type: "readings", items: [...last.items, ...e.items] };
    else if (e.type === "meter" && last?.type === "meter") out[out.length - 1] = { type: "meter", items: [...last.items, ...e.items] };
    else out.push(e);
  }
  return out;
}

/** Ends a response and waits until it is written out (at most a second: a stuck client is cut off after). */
function ended(res: ServerResponse): Promise<void> {
  if (res.writableFinished || res.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    res.once("finish", done);
    res.once("close", done);
    res.end();
  });
}

function plain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
  res.end(body);
}
