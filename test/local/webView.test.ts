import { expect } from "chai";
import { spawn } from "child_process";
import { IncomingHttpHeaders, IncomingMessage, get, request } from "http";
import { join } from "path";
import type { LiveEvent, ReadingsEvent } from "../../local/web/liveEvents";
import { FLUSH_MS, WebView, startWebView } from "../../local/web/webView";
import { rawRequest } from "../helpers/rawRequest";

const T0 = Date.UTC(2026, 2, 14, 9, 0, 0);
const hello: LiveEvent = { type: "hello", startedAt: T0, durationS: 60, trains: ["train-0001"], meters: ["MTR0001"], sensors: ["Reservoirs"] };
const reading = (i: number): ReadingsEvent => ({
  type: "readings",
  items: [{ trainId: "train-0001", t: T0 + i * 1000, values: { Reservoirs: 9 }, score: 0.1 }],
});

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

function fetchText(url: string, options: { method?: string; host?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, method: options.method ?? "GET", headers: options.host ? { Host: options.host } : {} }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** An SSE client that keeps the raw text, so framing can be asserted exactly. */
interface Stream {
  readonly response: IncomingMessage;
  text(): string;
  /** The JSON of every `data:` frame so far. */
  events(): { type: string; [k: string]: unknown }[];
  waitFor(check: (text: string) => boolean, what: string): Promise<void>;
  readonly ended: Promise<void>;
  destroy(): void;
}

function openStream(url: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}events`, (response) => {
      let text = "";
      const waiters: (() => void)[] = [];
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
        waiters.forEach((w) => w());
      });
      const ended = new Promise<void>((done) => response.on("end", () => done()));
      resolve({
        response,
        ended,
        text: () => text,
        events: () =>
          text
            .split("\n\n")
            .filter((f) => f.startsWith("data: "))
            .map((f) => JSON.parse(f.slice(6))),
        waitFor: (check, what) =>
          new Promise<void>((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}; got ${JSON.stringify(text.slice(0, 400))}`)), 5000);
            const test = () => {
              if (!check(text)) return;
              clearTimeout(timer);
              ok();
            };
            waiters.push(test);
            test();
          }),
        destroy: () => req.destroy(),
      });
    });
    req.on("error", reject);
  });
}

const frames = (text: string) => text.split("\n\n").filter((f) => f !== "");

describe("local web view: server", () => {
  let view: WebView | undefined;
  afterEach(async () => {
    await view?.close();
    view = undefined;
  });

  it("serves /state with everything published so far, before any browser connected", async () => {
    view = await startWebView();
    view.publish(hello);
    view.publish(reading(0));
    view.publish({ type: "stats", values: { readingsPublished: 1 } });

    const reply = await fetchText(`${view.url}state`);

    expect([reply.status, reply.headers["content-type"]]).to.deep.equal([200, "application/json; charset=utf-8"]);
    expect(JSON.parse(reply.body)).to.deep.equal({
      type: "snapshot",
      hello,
      trains: [
        { trainId: "train-0001", online: null, onlineChangedAt: null, readings: [{ t: T0, values: { Reservoirs: 9 }, score: 0.1 }], alerts: [], faults: [] },
      ],
      meters: [{ clientId: "MTR0001", readings: [], totalKwh: 0, count: 0 }],
      stats: { readingsPublished: 1 },
      finished: false,
      report: null,
    });
  });

  it("streams a snapshot first, then the live events batched into one readings frame, in order", async () => {
    view = await startWebView();
    view.publish(hello);
    const stream = await openStream(view.url);
    await stream.waitFor((t) => t.endsWith("\n\n"), "the snapshot");
    const snapshotText = stream.text();

    view.publish(reading(0));
    view.publish(reading(1));
    view.publish({ type: "stats", values: { readingsPublished: 2 } });
    view.publish(reading(2));
    await stream.waitFor((t) => frames(t).length === 4, "four frames");

    expect(stream.response.headers["content-type"]).to.equal("text/event-stream");
    expect(frames(snapshotText)).to.have.length(1);
    expect(snapshotText).to.match(/^data: \{"type":"snapshot",.*\}\n\n$/);
    expect(stream.text().slice(snapshotText.length)).to.equal(
      `data: ${JSON.stringify({ type: "readings", items: [...reading(0).items, ...reading(1).items] })}\n\n` +
        `data: ${JSON.stringify({ type: "stats", values: { readingsPublished: 2 } })}\n\n` +
        `data: ${JSON.stringify(reading(2))}\n\n`,
    );
  });

  it("gives a late browser the pending events in its snapshot and not again as live events", async () => {
    view = await startWebView();
    const early = await openStream(view.url);
    await early.waitFor((t) => t.endsWith("\n\n"), "the first snapshot");
    view.publish(reading(0));
    const late = await openStream(view.url);
    await late.waitFor((t) => t.endsWith("\n\n"), "the late snapshot");
    view.publish(reading(1));
    await new Promise((resolve) => setTimeout(resolve, FLUSH_MS * 3));

    expect(late.events().map((e) => e.type)).to.deep.equal(["snapshot", "readings"]);
    expect((late.events()[0] as unknown as { trains: { readings: unknown[] }[] }).trains[0].readings).to.have.length(1);
    expect(late.events()[1]).to.deep.equal(reading(1));
    expect(early.events().slice(1)).to.deep.equal([reading(0), reading(1)]);
  });

  it("sends a ping comment on a quiet stream", async () => {
    view = await startWebView({ pingMs: 50 });
    const stream = await openStream(view.url);

    await stream.waitFor((t) => t.includes("\n\n: ping\n\n"), "a ping");
    expect(frames(stream.text())[1]).to.equal(": ping");
  });

  it("serves one self-contained page with a content security policy of its own hashes", async () => {
    view = await startWebView();

    const reply = await fetchText(view.url);

    expect([reply.status, reply.headers["content-type"]]).to.deep.equal([200, "text/html; charset=utf-8"]);
    expect(reply.headers["content-security-policy"]).to.match(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]{43}='; script-src 'sha256-[A-Za-z0-9+/]{43}='; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    expect(reply.body.match(/(src|href)="[^"]*"/g)).to.deep.equal(['href="data:,"']);
    expect(reply.body).not.to.match(/https?:\/\//);
  });

  const refusals: [string, string, { method?: string; host?: string }, number, string][] = [
    ["an unknown path", "nope", {}, 404, "not found\n"],
    ["a path below /events", "events/x", {}, 404, "not found\n"],
    ["a POST", "state", { method: "POST" }, 405, "method not allowed\n"],
    ["a foreign Host header (DNS rebinding)", "state", { host: "evil.example:80" }, 421, "unexpected Host header\n"],
  ];
  for (const [what, path, options, status, body] of refusals) {
    it(`answers ${what} with ${status}`, async () => {
      view = await startWebView();

      const reply = await fetchText(`${view.url}${path}`, options);

      expect([reply.status, reply.body]).to.deep.equal([status, body]);
    });
  }

  for (const target of ["//[/", "http://a:99999/"]) {
    it(`answers a target no URL parser reads (${target}) with 400, and keeps serving`, async () => {
      view = await startWebView();

      const reply = await rawRequest(view.url, `GET ${target} HTTP/1.1`);

      expect([reply.status, reply.body]).to.deep.equal([400, "the request target is not a valid URL\n"]);
      expect((await fetchText(`${view.url}state`)).status).to.equal(200);
    });
  }

  it("accepts the localhost name for the page", async () => {
    view = await startWebView();
    const port = new URL(view.url).port;

    const reply = await fetchText(view.url, { host: `localhost:${port}` });

    expect(reply.status).to.equal(200);
  });

  it("close() ends an open event stream, sends what was pending, and stops listening", async () => {
    view = await startWebView();
    const stream = await openStream(view.url);
    await stream.waitFor((t) => t.endsWith("\n\n"), "the snapshot");
    view.publish(reading(0));

    await view.close();
    await stream.ended;

    expect(stream.events().map((e) => e.type)).to.deep.equal(["snapshot", "readings"]);
    const error = await fetchText(view.url).then(
      () => null,
      (e: NodeJS.ErrnoException) => e.code,
    );
    expect(error).to.equal("ECONNREFUSED");
    view.publish(reading(1)); // after close: kept in the state, sent nowhere, no error
  });

  it("leaves nothing open after close(): a process with a connected stream exits on its own", async function () {
    this.timeout(30_000);
    const webView = join(__dirname, "..", "..", "local", "web", "webView.ts");
    const script = `
      const http = require("http");
      require(${JSON.stringify(webView)}).startWebView().then((view) => {
        view.publish({ type: "stats", values: { a: 1 } });
        http.get(view.url + "events", (res) => {
          res.once("data", () => view.close().then(() => console.log("closed")));
          res.resume();
        });
      });`;
    const child = spawn(process.execPath, ["-r", "tsx/cjs", "-e", script], { cwd: join(__dirname, "..", ".."), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => child.kill(), 20_000);

    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    clearTimeout(killer);

    expect([code, out]).to.deep.equal([0, "closed\n"]);
  });

  const badOptions: [string, Parameters<typeof startWebView>[0], string][] = [
    ["a port above 65535", { port: 70000 }, "web view: port must be an integer 0..65535, got 70000"],
    ["a fractional port", { port: 1.5 }, "web view: port must be an integer 0..65535, got 1.5"],
    ["a host other than loopback", { host: "0.0.0.0" as "127.0.0.1" }, 'web view: host must be 127.0.0.1, got "0.0.0.0"'],
    ["a zero ping interval", { pingMs: 0 }, "web view: pingMs must be a positive integer, got 0"],
  ];
  for (const [what, options, message] of badOptions) {
    it(`refuses ${what}`, async () => {
      const error = await startWebView(options).then(
        () => null,
        (e: Error) => e.message,
      );

      expect(error).to.equal(message);
    });
  }

  it("names the port it cannot listen on", async () => {
    view = await startWebView();
    const port = Number(new URL(view.url).port);

    const error = await startWebView({ port }).then(
      () => null,
      (e: Error) => e.message,
    );

    expect(error).to.equal(`web view: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
  });
});
