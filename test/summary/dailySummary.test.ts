import { AthenaClient } from "@aws-sdk/client-athena";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { dayOfEvent, writeDailySummary } from "../../functions/usageSummary/dailySummary";
import { handler } from "../../functions/usageSummary/handler";
import { captureOutput, emfMetrics, lambdaContext, logLines } from "../helpers/captureOutput";
import { SummaryQuery } from "../../functions/usageSummary/queries";
import { QueryEngine, Row } from "../../functions/usageSummary/summary";
import { SummaryDay } from "../../functions/usageSummary/summaryDay";
import { FIXTURE_ANSWER } from "./fixtureLake";
import { MB, mockSummaryQueries } from "./athenaMocks";

describe("usage summary event", () => {
  const days: [object, string][] = [
    [{ scheduledTime: "2026-02-22T02:00:00Z", window: "previous-day" }, "2026-02-21"],
    [{ scheduledTime: "2026-01-01T02:00:00Z", window: "previous-day" }, "2025-12-31"],
    [{ date: "2026-02-10" }, "2026-02-10"],
  ];
  for (const [event, iso] of days) {
    it(`summarises ${iso} for ${JSON.stringify(event)}`, () => {
      expect(dayOfEvent(event).iso).to.equal(iso);
    });
  }

  const refused: [object, string][] = [
    [{}, 'event window undefined is not supported; expected "previous-day"'],
    [{ scheduledTime: "2026-02-22T02:00:00Z", window: "previous-week" }, 'event window "previous-week" is not supported; expected "previous-day"'],
    [{ window: "previous-day" }, "event scheduledTime undefined must be an ISO 8601 time"],
    [{ scheduledTime: "yesterday", window: "previous-day" }, 'scheduledTime "yesterday" is not an ISO 8601 time with a zone'],
    [{ date: "2026-02-30" }, 'date "2026-02-30" is not a real day in the form YYYY-MM-DD'],
    [{ date: 20260210 }, "event date 20260210 must be a string YYYY-MM-DD"],
  ];
  for (const [event, message] of refused) {
    it(`refuses ${JSON.stringify(event)}`, () => {
      expect(() => dayOfEvent(event)).to.throw(message);
    });
  }

  it("stores the summary of the day before the schedule under summaries/{YYYY-MM-DD}.json", async () => {
    const asked: string[] = [];
    const engine: QueryEngine = {
      async run(q: SummaryQuery, day: SummaryDay): Promise<Row[]> {
        asked.push(`${q.name} ${day.iso}`);
        return q.name === "daily-train-activity"
          ? []
          : [{ installations: 1, unreadable: 0, files: 0, rejected_rows: null, profile_updates: 0, report_downloads: 0 }];
      },
    };
    const puts: [string, string][] = [];
    const out = await writeDailySummary(
      engine,
      {
        put: async (k, b) => {
          puts.push([k, b]);
        },
      },
      { scheduledTime: "2026-02-22T02:00:00Z", window: "previous-day" },
    );
    const summary = {
      date: "2026-02-21",
      installationsWithRealtimeData: 1,
      supplierFiles: 0,
      rejectedRows: 0,
      profileUpdates: 0,
      reportDownloads: 0,
      trains: [],
    };
    expect(out).to.deep.equal({ key: "summaries/2026-02-21.json", summary });
    expect(puts).to.deep.equal([["summaries/2026-02-21.json", `${JSON.stringify(summary, null, 2)}\n`]]);
    expect(asked).to.deep.equal(
      ["daily-meter-installations", "daily-supplier-files", "daily-customer-activity", "daily-train-activity"].map((n) => `${n} 2026-02-21`),
    );
  });
});

describe("usageSummary handler", () => {
  const ENV = { WORKGROUP: "gridrail-dev-data-sharing", DATABASE: "gridrail_dev_sharing", RESULTS_BUCKET: "sharing-results-bucket" };
  let athena: AwsClientStub<AthenaClient>;
  let s3: AwsClientStub<S3Client>;
  const saved: Record<string, string | undefined> = {};
  before(() => {
    athena = mockClient(AthenaClient);
    s3 = mockClient(S3Client);
  });
  beforeEach(() => {
    athena.reset();
    s3.reset();
    for (const k of Object.keys(ENV)) saved[k] = process.env[k];
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  after(() => {
    athena.restore();
    s3.restore();
  });

  it("fails fast naming every missing environment variable", async () => {
    for (const k of Object.keys(ENV)) delete process.env[k];
    let message = "";
    const first = await captureOutput(() => handler({}, lambdaContext("req-us-0")));
    message = first.error?.message ?? "";
    expect(message).to.equal("environment variables WORKGROUP, DATABASE, RESULTS_BUCKET must be set");
    expect(logLines(first.lines).map((l) => [l.level, l.message, l.function_request_id])).to.deep.equal([["ERROR", "invocation failed", "req-us-0"]]);
    expect(emfMetrics(first.lines)).to.deep.equal([{ namespace: "gridrail", dimensions: [["service"]], service: "usageSummary", SummaryFailures: 1 }]);
    process.env.WORKGROUP = "wg";
    process.env.DATABASE = "db";
    message = (await captureOutput(() => handler({}))).error?.message ?? "";
    expect(message).to.equal("environment variable RESULTS_BUCKET must be set");
  });

  it("runs the queries in WORKGROUP and writes the previous day's summary JSON to RESULTS_BUCKET", async () => {
    Object.assign(process.env, ENV);
    mockSummaryQueries(athena, [12, 1, 1, 12]);
    s3.on(PutObjectCommand).resolves({});
    const { result, lines } = await captureOutput(() => handler({ scheduledTime: "2026-02-22T02:00:00Z", window: "previous-day" }, lambdaContext("req-us-1")));
    expect(result).to.deep.equal({ key: "summaries/2026-02-21.json", date: "2026-02-21" });
    const put = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(put.map((p) => [p.Bucket, p.Key, p.ContentType])).to.deep.equal([["sharing-results-bucket", "summaries/2026-02-21.json", "application/json"]]);
    // 12 + 10 + 10 + 12 = 44 billed MB: $0.0002098 rounded to the micro-dollar
    expect(JSON.parse(put[0].Body as string)).to.deep.equal({ ...FIXTURE_ANSWER, bytesScanned: 26 * MB, costUsd: 0.00021 });
    const queries = logLines(lines, "summary query finished");
    expect(queries.map((l) => [l.level, l.service, l.function_request_id, l.state])).to.deep.equal(
      Array(4).fill(["INFO", "usageSummary", "req-us-1", "SUCCEEDED"]),
    );
    expect(queries.every((l) => typeof l.executionId === "string" && l.executionId !== "")).to.equal(true);
    expect(logLines(lines, "usage summary written").map((l) => [l.level, l.key, l.date])).to.deep.equal([["INFO", "summaries/2026-02-21.json", "2026-02-21"]]);
    expect(emfMetrics(lines)).to.deep.equal([{ namespace: "gridrail", dimensions: [["service"]], service: "usageSummary", SummariesWritten: 1 }]);
  });
});
