/**
 * A loopback HTTP stand-in for the four Athena operations the summary uses (JSON 1.1, X-Amz-Target
 * AmazonAthena.*), so the real SDK client in the CLI runs against it (AWS_ENDPOINT_URL_ATHENA). Each summary
 * query is recognised by its SQL and answered with the fixture lake's 2026-02-21 answer after one RUNNING poll;
 * `failing` makes that query end FAILED with the given reason. Binds 127.0.0.1; always `close()` it.
 */
import { createServer, ServerResponse } from "http";
import { AddressInfo } from "net";
import { SUMMARY_QUERIES } from "../../functions/usageSummary/queries";
import { FIXTURE_ANSWERS, MB } from "./athenaMocks";

export interface AthenaStandIn {
  readonly endpoint: string;
  /** Every request: operation, and the StartQueryExecution inputs. */
  readonly calls: string[];
  readonly started: Record<string, unknown>[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/x-amz-json-1.1", ...(status >= 400 ? { "x-amzn-errortype": "InvalidRequestException" } : {}) });
  res.end(JSON.stringify(body));
}

export async function startAthenaStandIn(failing?: { query: string; reason: string }): Promise<AthenaStandIn> {
  const polls = new Map<string, number>();
  const stand = { endpoint: "", calls: [] as string[], started: [] as Record<string, unknown>[], close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const op = String(req.headers["x-amz-target"] ?? "").replace("AmazonAthena.", "");
      const input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      stand.calls.push(op);
      if (op === "StartQueryExecution") {
        stand.started.push(input);
        const i = SUMMARY_QUERIES.findIndex((q) => q.sql === input.QueryString);
        if (i < 0) return send(res, 400, { __type: "InvalidRequestException", Message: "unknown query" });
        return send(res, 200, { QueryExecutionId: SUMMARY_QUERIES[i].name });
      }
      const id = input.QueryExecutionId as string;
      const i = SUMMARY_QUERIES.findIndex((q) => q.name === id);
      if (op === "GetQueryExecution") {
        const n = (polls.get(id) ?? 0) + 1;
        polls.set(id, n);
        const failed = failing?.query === id;
        const State = n === 1 ? "RUNNING" : failed ? "FAILED" : "SUCCEEDED";
        return send(res, 200, {
          QueryExecution: {
            QueryExecutionId: id,
            Status: { State, ...(State === "FAILED" ? { StateChangeReason: failing!.reason } : {}) },
            Statistics: { DataScannedInBytes: n === 1 ? 0 : (i + 1) * MB },
          },
        });
      }
      if (op === "GetQueryResults") return send(res, 200, FIXTURE_ANSWERS[i]);
      return send(res, 400, { __type: "InvalidRequestException", Message: `the stand-in does not implement ${op}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stand.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stand.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return stand;
}
