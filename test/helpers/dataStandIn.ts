/**
 * One loopback HTTP server standing in for the AWS APIs of the data-sharing Lambdas, speaking their wire
 * protocols so the real SDK clients work against it (point them here with AWS_ENDPOINT_URL): S3 (s3StandIn),
 * Athena over DuckDB (athenaDuckDb, when a DuckDB engine is given) and the Redshift Data API over PGlite
 * (redshiftDataPglite, when `redshift` is set). Binds 127.0.0.1 on an ephemeral port; always `close()` it.
 */
import { createServer, ServerResponse } from "http";
import { AddressInfo } from "net";
import { DuckDbEngine } from "../../functions/usageSummary/duckdbEngine";
import { AthenaOnDuckDb, athenaOnDuckDb } from "./athenaDuckDb";
import { RedshiftOnPglite, redshiftOnPglite } from "./redshiftDataPglite";
import { Buckets, handleS3 } from "./s3StandIn";

export interface DataStandInOptions {
  /** Athena answers from this engine. Default: no Athena. */
  readonly duckdb?: DuckDbEngine;
  /** Athena ends the queries whose SQL matches FAILED with this reason. */
  readonly failingQuery?: { readonly match: RegExp; readonly reason: string };
  /** Start the Redshift Data API on PGlite. Default false. */
  readonly redshift?: boolean;
}

export interface DataStandIn {
  readonly endpoint: string;
  readonly buckets: Buckets;
  readonly athena?: AthenaOnDuckDb;
  readonly redshift?: RedshiftOnPglite;
  /** Every request, e.g. "athena StartQueryExecution", "redshift-data DescribeStatement", "s3 PutObject b/k". */
  readonly calls: string[];
  /** Runs after each request is answered, with its entry in `calls` (e.g. to change a bucket between two requests). */
  onRequest(hook: (call: string) => void): void;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, [status, body]: [number, unknown]): void {
  const headers: Record<string, string> = { "content-type": "application/x-amz-json-1.1" };
  if (status >= 400) headers["x-amzn-errortype"] = String((body as { __type?: string }).__type);
  res.writeHead(status, headers);
  res.end(JSON.stringify(body));
}

export async function startDataStandIn(options: DataStandInOptions = {}): Promise<DataStandIn> {
  const buckets: Buckets = new Map();
  const calls: string[] = [];
  const athena = options.duckdb ? athenaOnDuckDb(options.duckdb, options.failingQuery) : undefined;
  const redshift = options.redshift ? await redshiftOnPglite(buckets) : undefined;
  // one request at a time: DuckDB and PGlite each hold a single connection
  let queue: Promise<unknown> = Promise.resolve();
  let hook: ((call: string) => void) | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const [service, op] = String(req.headers["x-amz-target"] ?? "").split(".");
      queue = queue.then(async () => {
        const before = calls.length;
        try {
          if (!service) return handleS3(buckets, calls, req, body, res);
          const input = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
          const api = service === "AmazonAthena" ? athena : service === "RedshiftData" ? redshift : undefined;
          calls.push(`${service === "AmazonAthena" ? "athena" : service === "RedshiftData" ? "redshift-data" : service} ${op}`);
          if (!api) return sendJson(res, [400, { __type: "UnknownOperationException", message: `the stand-in does not serve ${service}` }]);
          sendJson(res, await api.handle(op, input));
        } catch (e) {
          sendJson(res, [500, { __type: "InternalServerException", message: (e as Error).message }]);
        } finally {
          for (const call of calls.slice(before)) hook?.(call);
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    buckets,
    athena,
    redshift,
    calls,
    onRequest: (h) => {
      hook = h;
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await redshift?.close();
    },
  };
}
