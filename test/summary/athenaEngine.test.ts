import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, StopQueryExecutionCommand } from "@aws-sdk/client-athena";
import { expect } from "chai";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { AthenaEngine, AthenaEngineOptions, AthenaProgress, queryCostUsd } from "../../functions/usageSummary/athenaEngine";
import { supplierQuery, trainsQuery } from "../../functions/usageSummary/queries";
import { summarize } from "../../functions/usageSummary/summary";
import { parseSummaryDay } from "../../functions/usageSummary/summaryDay";
import { FIXTURE_ANSWER } from "./fixtureLake";
import { MB, mockSummaryQueries, page } from "./athenaMocks";

const FAKE_AWS = { region: "eu-west-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" } };
const DAY = parseSummaryDay("2026-02-21");
const status = (State: string, bytes = 0, StateChangeReason?: string) =>
  ({ QueryExecution: { Status: { State, ...(StateChangeReason ? { StateChangeReason } : {}) }, Statistics: { DataScannedInBytes: bytes } } }) as never;

/** An engine on a fake clock: `sleep` advances it and records each delay. */
function engineWithClock(options: Partial<AthenaEngineOptions> = {}) {
  let now = 0;
  const sleeps: number[] = [];
  const progress: AthenaProgress[] = [];
  const engine = new AthenaEngine(new AthenaClient(FAKE_AWS), {
    workgroup: "gridrail-dev-data-sharing",
    database: "gridrail_dev_sharing",
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    onProgress: (p) => progress.push(p),
    ...options,
  });
  return { engine, sleeps, progress };
}

async function failure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  return "resolved";
}

describe("Athena engine (aws-sdk-client-mock)", () => {
  // mocked in a hook, not while mocha loads files: mockClient patches every AthenaClient until restored
  let athena: AwsClientStub<AthenaClient>;
  before(() => {
    athena = mockClient(AthenaClient);
  });
  beforeEach(() => athena.reset());
  after(() => athena.restore());

  it("starts the query in the workgroup with the day as execution parameters, polls with doubling delays and reads the rows", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-1" });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(status("QUEUED"))
      .resolvesOnce(status("RUNNING", 1 * MB))
      .resolvesOnce(status("RUNNING", 2 * MB))
      .resolves(status("SUCCEEDED", 3 * MB));
    athena.on(GetQueryResultsCommand).resolves(
      page(
        [
          ["files", "bigint"],
          ["rejected_rows", "bigint"],
        ],
        [["2", "4"]],
        true,
      ),
    );
    const { engine, sleeps, progress } = engineWithClock();

    const rows = await engine.run(supplierQuery, DAY);

    expect(rows).to.deep.equal([{ files: 2, rejected_rows: 4 }]);
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).to.deep.equal([
      {
        QueryString: supplierQuery.sql,
        ExecutionParameters: ["'20260221'", "'20260221'", "'20260221'"],
        WorkGroup: "gridrail-dev-data-sharing",
        QueryExecutionContext: { Database: "gridrail_dev_sharing" },
      },
    ]);
    expect(sleeps).to.deep.equal([250, 500, 1000]);
    expect(progress.map((p) => [p.query, p.executionId, p.state, p.elapsedMs, p.bytesScanned])).to.deep.equal([
      ["daily-supplier-files", "q-1", "QUEUED", 0, 0],
      ["daily-supplier-files", "q-1", "RUNNING", 250, MB],
      ["daily-supplier-files", "q-1", "RUNNING", 750, 2 * MB],
      ["daily-supplier-files", "q-1", "SUCCEEDED", 1750, 3 * MB],
    ]);
    expect(engine.scanned()).to.deep.equal({ bytesScanned: 3 * MB, costUsd: 0.000048 });
  });

  it("pages through the results with NextToken, skipping the header row only on the first page, nulls for missing cells", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-2" });
    athena.on(GetQueryExecutionCommand).resolves(status("SUCCEEDED", 5));
    const columns: [string, string][] = [
      ["train_id", "varchar"],
      ["readings", "bigint"],
      ["anomalies", "bigint"],
    ];
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce(page(columns, [["train-a", "5", "2"]], true, "page-2"))
      .resolvesOnce(page(columns, [["train-b", "3", undefined]], false, "page-3"))
      .resolvesOnce(page(columns, [["train-c", "1", "0"]], false));
    const { engine } = engineWithClock();

    expect(await engine.run(trainsQuery, DAY)).to.deep.equal([
      { train_id: "train-a", readings: 5, anomalies: 2 },
      { train_id: "train-b", readings: 3, anomalies: null },
      { train_id: "train-c", readings: 1, anomalies: 0 },
    ]);
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).to.deep.equal([
      { QueryExecutionId: "q-2", NextToken: undefined, MaxResults: 1000 },
      { QueryExecutionId: "q-2", NextToken: "page-2", MaxResults: 1000 },
      { QueryExecutionId: "q-2", NextToken: "page-3", MaxResults: 1000 },
    ]);
  });

  const ends: [string, string | undefined, string][] = [
    [
      "FAILED",
      "TABLE_NOT_FOUND: line 3:6: Table 'awsdatacatalog.gridrail_dev_sharing.supplier_uploads' does not exist",
      "InputError: query daily-supplier-files (q-3) FAILED: TABLE_NOT_FOUND: line 3:6: Table 'awsdatacatalog.gridrail_dev_sharing.supplier_uploads' does not exist",
    ],
    ["CANCELLED", "Query cancelled by user", "InputError: query daily-supplier-files (q-3) CANCELLED: Query cancelled by user"],
    ["FAILED", undefined, "InputError: query daily-supplier-files (q-3) FAILED: Athena gave no reason"],
  ];
  for (const [state, reason, message] of ends) {
    it(`reports a ${state} query with Athena's reason (${reason ?? "none"}) and reads no results`, async () => {
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-3" });
      athena
        .on(GetQueryExecutionCommand)
        .resolvesOnce(status("RUNNING"))
        .resolves(status(state, 0, reason));
      const { engine } = engineWithClock();
      expect(await failure(() => engine.run(supplierQuery, DAY))).to.equal(message);
      expect(athena.commandCalls(GetQueryResultsCommand)).to.have.length(0);
    });
  }

  it("stops a query that outlives the timeout, with capped backoff on the way", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-4" });
    athena.on(GetQueryExecutionCommand).resolves(status("RUNNING"));
    athena.on(StopQueryExecutionCommand).resolves({});
    const { engine, sleeps } = engineWithClock({ timeoutMs: 2000, maxPollMs: 1000 });

    expect(await failure(() => engine.run(supplierQuery, DAY))).to.equal(
      "InputError: query daily-supplier-files (q-4) did not finish within 2 s (last state RUNNING); stopped it",
    );
    expect(sleeps).to.deep.equal([250, 500, 1000, 250]);
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).to.deep.equal([{ QueryExecutionId: "q-4" }]);
  });

  it("still reports the timeout when stopping the query fails", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-5" });
    athena.on(GetQueryExecutionCommand).resolves(status("QUEUED"));
    athena.on(StopQueryExecutionCommand).rejects(new Error("AccessDenied"));
    const { engine } = engineWithClock({ timeoutMs: 100 });
    expect(await failure(() => engine.run(supplierQuery, DAY))).to.equal(
      "InputError: query daily-supplier-files (q-5) did not finish within 0.1 s (last state QUEUED); stopped it",
    );
  });

  it("assembles the whole summary with the bytes scanned and the cost of every query", async () => {
    mockSummaryQueries(athena, [1, 25, 0, 40]);
    const { engine } = engineWithClock();
    // 10 + 25 + 10 + 40 = 85 billed MB at $5 per TB
    expect(await summarize(engine, DAY)).to.deep.equal({ ...FIXTURE_ANSWER, bytesScanned: 66 * MB, costUsd: 0.000405 });
  });
});

describe("Athena query cost", () => {
  const cases: [number, number][] = [
    [0, (10 * 5) / MB],
    [1, (10 * 5) / MB],
    [10 * MB, (10 * 5) / MB],
    [10 * MB + 1, (11 * 5) / MB],
    [1024 * 1024 * MB, 5],
  ];
  for (const [bytes, usd] of cases) {
    it(`bills ${bytes} bytes as $${usd} (whole MB, 10 MB minimum, $5 per TB)`, () => {
      expect(queryCostUsd(bytes)).to.equal(usd);
    });
  }
});
