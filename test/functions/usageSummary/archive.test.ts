import { expect } from "chai";
import { rmSync } from "fs";
import { queryCostUsd } from "../../../functions/usageSummary/athenaEngine";
import { DuckDbEngine } from "../../../functions/usageSummary/duckdbEngine";
import { zipBytes } from "../../../infra/shared/callbackArchive";
import { DataStandIn, startDataStandIn } from "../../helpers/dataStandIn";
import { UnpackedFunction, metricValues, unpackFunction } from "../../helpers/lambdaArchive";
import { runProgram } from "../../helpers/pulumiRecorder";
import { FIXTURE_ANSWER, buildFixtureLake } from "../../summary/fixtureLake";

const RESULTS = "sharing-results-bucket";

describe("the usage summary Lambda archive as Pulumi uploads it", function () {
  this.timeout(120_000);
  let fn: UnpackedFunction;
  let lake: string;
  let engine: DuckDbEngine;

  before(async () => {
    fn = await unpackFunction(await runProgram("prod"), "sharing-usage-summary-fn");
    lake = buildFixtureLake();
    engine = await DuckDbEngine.open(lake);
  });

  after(() => {
    engine?.close();
    if (lake) rmSync(lake, { recursive: true, force: true });
    fn?.remove();
  });

  /** A stand-in for one test: Athena over the fixture lake, an empty results bucket. */
  async function withStandIn<T>(run: (stand: DataStandIn) => Promise<T>, failingQuery?: { match: RegExp; reason: string }): Promise<T> {
    const stand = await startDataStandIn({ duckdb: engine, failingQuery });
    try {
      return await run(stand);
    } finally {
      await stand.close();
    }
  }

  it("holds the serialized handler and Powertools, neither the SDK nor DuckDB, under 1 MB zipped", () => {
    const names = fn.files.map((f) => f.name);
    expect(names).to.include("__index.js");
    expect(names.filter((n) => /@aws-sdk|duckdb|@pulumi|pglite/.test(n))).to.deep.equal([]);
    expect(zipBytes(fn.files)).to.be.below(1024 * 1024);
  });

  it("runs the four queries on Athena in the stack's workgroup and writes the day's figures to the results bucket", async () => {
    await withStandIn(async (stand) => {
      const { outcomes, lines } = await fn.invoke([{ scheduledTime: "2026-02-22T02:00:00Z", window: "previous-day" }], stand.endpoint);

      expect(outcomes).to.deep.equal([{ ok: { key: "summaries/2026-02-21.json", date: "2026-02-21" } }]);
      const written = stand.buckets.get(RESULTS)!.get("summaries/2026-02-21.json")!;
      const summary = JSON.parse(written.body.toString("utf8"));
      const executions = stand.athena!.executions;
      const scanned = executions.map((e) => Buffer.byteLength(JSON.stringify(e.rows)));
      expect(summary).to.deep.equal({
        ...FIXTURE_ANSWER,
        bytesScanned: scanned.reduce((a, b) => a + b, 0),
        costUsd: Math.round(scanned.reduce((a, b) => a + queryCostUsd(b), 0) * 1e6) / 1e6,
      });
      expect(written.contentType).to.equal("application/json");
      expect(executions.map((e) => [e.workgroup, e.database])).to.deep.equal(Array(4).fill(["gridrail-prod-data-sharing", "gridrail_prod_sharing"]));
      expect(executions[0].sql).to.contain("THEN device_id END) AS installations").and.contain("WHERE dt = '2026/02/21'");
      expect(metricValues(lines, "gridrail/prod")).to.deep.include({ SummariesWritten: 1 });
      const done = lines.find((l) => l.message === "usage summary written");
      expect(done).to.deep.include({ level: "INFO", service: "usageSummary", function_request_id: "req-0", key: "summaries/2026-02-21.json", trains: 2 });
    });
  });

  it("reruns a day by hand with { date } and overwrites the same key", async () => {
    await withStandIn(async (stand) => {
      const { outcomes } = await fn.invoke([{ date: "2026-02-20" }, { date: "2026-02-20" }], stand.endpoint);

      expect(outcomes).to.deep.equal([
        { ok: { key: "summaries/2026-02-20.json", date: "2026-02-20" } },
        { ok: { key: "summaries/2026-02-20.json", date: "2026-02-20" } },
      ]);
      expect([...stand.buckets.get(RESULTS)!.keys()]).to.deep.equal(["summaries/2026-02-20.json"]);
      const summary = JSON.parse(stand.buckets.get(RESULTS)!.get("summaries/2026-02-20.json")!.body.toString("utf8"));
      expect(summary).to.deep.include({ installationsWithRealtimeData: 1, supplierFiles: 1, rejectedRows: 7, profileUpdates: 1, reportDownloads: 0 });
      expect(summary.trains).to.deep.equal([{ trainId: "train-c", readings: 1, anomalies: 0 }]);
    });
  });

  it("fails the run with Athena's reason when a query fails, writes nothing and counts SummaryFailures", async () => {
    const reason = "HIVE_BAD_DATA: Error parsing field value for field 3: cloudtrail/2026/02/21/bad.json";
    await withStandIn(
      async (stand) => {
        const { outcomes, lines } = await fn.invoke([{ date: "2026-02-21" }], stand.endpoint);

        expect(outcomes).to.deep.equal([{ error: { name: "InputError", message: `query daily-customer-activity (query-3) FAILED: ${reason}` } }]);
        expect(stand.buckets.get(RESULTS)).to.equal(undefined);
        expect(stand.calls.filter((c) => c === "athena StartQueryExecution")).to.have.length(3);
        expect(metricValues(lines, "gridrail/prod")).to.deep.include({ SummaryFailures: 1 });
        const warn = lines.find((l) => l.message === "summary query did not succeed");
        expect(warn).to.deep.include({ level: "WARN", query: "daily-customer-activity", executionId: "query-3", state: "FAILED" });
      },
      { match: /cloudtrail_data_events/, reason },
    );
  });

  it("refuses an event that names no day, naming the field and the value", async () => {
    await withStandIn(async (stand) => {
      const { outcomes } = await fn.invoke([{ window: "previous-week" }], stand.endpoint);

      expect(outcomes).to.deep.equal([{ error: { name: "InputError", message: 'event window "previous-week" is not supported; expected "previous-day"' } }]);
      expect(stand.calls).to.deep.equal([]);
    });
  });
});
