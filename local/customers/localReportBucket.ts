import { randomBytes } from "crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "fs";
import { Server, createServer } from "http";
import { requestUrl } from "../requestTarget";
import { AddressInfo } from "net";
import { join, relative, resolve, sep } from "path";
import { ReportLister } from "../../functions/reportUrl/reportList";
import { ReportStore } from "../../functions/reportUrl/reportRoute";
import { DataEvent, getObjectEvent } from "./dataEvents";
import { checkPresignedUrl, presignUrl } from "./presignedUrl";

// the message may quote the request's own query values
const xmlText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export const LOCAL_REPORTS_BUCKET = "gridrail-local-reports";
/** The bucket's objects are the daily analysis' `reports/{clientId}/{YYYYMMDD}.{html,json}`. */
const PREFIX = "reports/";

/**
 * The reports bucket as the report routes see it (exists, list, presign), over the run folder whose
 * `reports/` the daily analysis wrote, and a loopback HTTP server that answers presigned GETs as S3 does:
 * the bytes of the object for a URL it signed and that has not expired, S3's XML error otherwise.
 */
export class LocalReportBucket implements ReportStore, ReportLister {
  private readonly secret = randomBytes(32);
  private server?: Server;
  /** CloudTrail's data events of the GETs the bucket authenticated (served, or refused for a missing key). */
  readonly dataEvents: DataEvent[] = [];

  /** `root`: the folder holding `reports/`. */
  constructor(
    private readonly root: string,
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const answer = (status: number, code: string, message: string) => {
        res
          .writeHead(status, { "content-type": "application/xml" })
          .end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlText(message)}</Message></Error>`);
      };
      if (req.method !== "GET") return answer(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
      const check = checkPresignedUrl(this.secret, LOCAL_REPORTS_BUCKET, req.url ?? "/", this.now());
      if (!check.ok) return answer(check.status, check.code, check.message);
      const file = this.file(check.key);
      const event = (errorCode?: string) =>
        getObjectEvent(
          LOCAL_REPORTS_BUCKET,
          check.key,
          new Date(this.now()),
          req.socket.remoteAddress ?? "127.0.0.1",
          req.headers["user-agent"] ?? "",
          requestUrl(req.url)?.searchParams.get("X-Amz-Expires") ?? undefined,
          errorCode,
        );
      if (file === undefined || !existsSync(file) || !statSync(file).isFile()) {
        this.dataEvents.push(event("NoSuchKey"));
        return answer(404, "NoSuchKey", "The specified key does not exist.");
      }
      const body = readFileSync(file);
      this.dataEvents.push(event());
      res
        .writeHead(200, {
          "content-type": check.key.endsWith(".json") ? "application/json" : "text/html; charset=utf-8",
          "content-length": String(body.length),
        })
        .end(body);
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
  }

  get endpoint(): string {
    if (!this.server) throw new Error("the local reports bucket is not started");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** The file of a key, or undefined for a key outside `reports/` or one that would escape the folder. */
  file(key: string): string | undefined {
    if (!key.startsWith(PREFIX)) return undefined;
    const base = resolve(this.root, "reports");
    const p = resolve(base, key.slice(PREFIX.length));
    return p.startsWith(base + sep) ? p : undefined;
  }

  /** The object's size in bytes, or undefined when there is none. */
  size(key: string): number | undefined {
    const file = this.file(key);
    return file !== undefined && existsSync(file) && statSync(file).isFile() ? statSync(file).size : undefined;
  }

  async exists(key: string): Promise<boolean> {
    return this.size(key) !== undefined;
  }

  async keys(prefix: string): Promise<string[]> {
    const base = resolve(this.root, "reports");
    if (!existsSync(base)) return [];
    return readdirSync(base, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => `${PREFIX}${relative(base, join(d.parentPath, d.name)).split(sep).join("/")}`)
      .filter((k) => k.startsWith(prefix))
      .sort();
  }

  async presign(key: string, ttlSeconds: number, signedAt: Date): Promise<string> {
    return presignUrl(this.secret, this.endpoint, LOCAL_REPORTS_BUCKET, key, ttlSeconds, signedAt);
  }
}
