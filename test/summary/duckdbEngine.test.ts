import { expect } from "chai";
import { rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { gzipSync } from "zlib";
import { DuckDbEngine, GLOB_REASON, LOCAL_TABLES, TRINO_MACROS, viewSql } from "../../functions/usageSummary/duckdbEngine";
import { SUMMARY_QUERIES, renderSql } from "../../functions/usageSummary/queries";
import { summarize } from "../../functions/usageSummary/summary";
import { parseSummaryDay } from "../../functions/usageSummary/summaryDay";
import { FIXTURE_ANSWER, buildFixtureLake, writeFile } from "./fixtureLake";
import { tempDir } from "../helpers/tempDir";

const ZEROS = { installationsWithRealtimeData: 0, supplierFiles: 0, rejectedRows: 0, profileUpdates: 0, reportDownloads: 0, trains: [] };

describe("DuckDB engine over a local lake", () => {
  let lake: string;
  let engine: DuckDbEngine;
  before(async () => {
    lake = buildFixtureLake();
    engine = await DuckDbEngine.open(lake);
  });
  after(() => {
    engine.close();
    rmSync(lake, { recursive: true, force: true });
  });

  it("gives the fixture's known answer for its day", async () => {
    expect(await summarize(engine, parseSummaryDay("2026-02-21"))).to.deep.equal(FIXTURE_ANSWER);
  });

  it("counts only the asked day: the day before has its own meter, supplier file and train", async () => {
    expect(await summarize(engine, parseSummaryDay("2026-02-20"))).to.deep.equal({
      date: "2026-02-20",
      installationsWithRealtimeData: 1,
      supplierFiles: 1,
      rejectedRows: 7,
      profileUpdates: 1,
      reportDownloads: 0,
      trains: [{ trainId: "train-c", readings: 1, anomalies: 0 }],
    });
  });

  it("gives zeros for a day without data", async () => {
    expect(await summarize(engine, parseSummaryDay("2030-01-01"))).to.deep.equal({ date: "2030-01-01", ...ZEROS });
  });

  it("returns the same rows for the SQL with its literals rendered in as for the bound parameters", async () => {
    const day = parseSummaryDay("2026-02-21");
    for (const q of SUMMARY_QUERIES) expect(await engine.sql(renderSql(q, day)), q.name).to.deep.equal(await engine.run(q, day));
  });

  it("answers per-installation questions on the meter lake view with client_id and dt from the path", async () => {
    expect(
      await engine.sql("SELECT client_id, dt, count(*) AS readings, sum(kwh) AS kwh FROM meter_readings WHERE client_id = ? AND dt = ? GROUP BY ALL", [
        "meter-1",
        "20260221",
      ]),
    ).to.deep.equal([{ client_id: "meter-1", dt: "20260221", readings: 2, kwh: 1 }]);
  });

  it("maps CloudTrail records to the Athena table's columns, requestparameters as JSON text", async () => {
    expect(
      await engine.sql(
        "SELECT useridentity.arn AS principal, eventsource, eventname, requestparameters, readonly, dt FROM cloudtrail_data_events WHERE errorcode IS NOT NULL",
      ),
    ).to.deep.equal([
      {
        principal: "arn:aws:sts::123456789012:assumed-role/r/s",
        eventsource: "dynamodb.amazonaws.com",
        eventname: "UpdateItem",
        requestparameters: '{"tableName":"customers-profiles","key":{"customerId":"c-1"}}',
        readonly: "false",
        dt: "2026/02/21",
      },
    ]);
  });
});

describe("DuckDB shim", () => {
  it("defines the Trino functions the queries use that DuckDB lacks, as macros", () => {
    expect(TRINO_MACROS).to.deep.equal([
      "CREATE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)",
      "CREATE MACRO regexp_like(s, p) AS regexp_matches(s, p)",
    ]);
  });

  it("creates one view per Athena table, typed and empty when the table has no files", () => {
    expect(LOCAL_TABLES.map((t) => [t.name, t.folder])).to.deep.equal([
      ["readings", "telemetry"],
      ["meter_readings", "meter-lake"],
      ["supplier_uploads", "supplier"],
      ["supplier_reports", "quarantine"],
      ["cloudtrail_data_events", "cloudtrail"],
    ]);
    expect(viewSql(LOCAL_TABLES[2], [])).to.equal(
      'CREATE VIEW "supplier_uploads" AS SELECT CAST(NULL AS VARCHAR) AS "line", CAST(NULL AS VARCHAR) AS "dt", CAST(NULL AS VARCHAR) AS "$path" WHERE false',
    );
  });

  it("gives zeros for an empty folder and for empty table folders", async () => {
    const dir = tempDir("gridrail-summary-empty-");
    writeFile(dir, "telemetry/2026/02/21/README.txt", "not a data file\n");
    writeFile(dir, "cloudtrail/2026/02/21/empty.json", '{"Records":[]}');
    const engine = await DuckDbEngine.open(dir);
    try {
      expect(await summarize(engine, parseSummaryDay("2026-02-21"))).to.deep.equal({ date: "2026-02-21", ...ZEROS });
    } finally {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("counts an empty (0-byte) upload through its quarantine report, and each upload once", async () => {
    const dir = tempDir("gridrail-summary-uploads-");
    const report = (file: string, layout: string, rejected: number) =>
      `${JSON.stringify({ file, layout, rows: rejected, accepted: 0, rejected, errors: [] }, null, 2)}\n`;
    writeFile(dir, "supplier/20260221/empty.csv", "");
    writeFile(dir, "quarantine/20260221/empty.json", report("20260221/empty.csv", "empty", 0));
    writeFile(dir, "supplier/20260221/rows.csv", "timestamp,kwh\n2026-02-20T00:00:00Z,x\n");
    writeFile(dir, "quarantine/20260221/rows.json", report("20260221/rows.csv", "plain", 1));
    writeFile(dir, "supplier/20260221/waiting.csv", "timestamp,kwh\n");
    const engine = await DuckDbEngine.open(dir);
    try {
      expect(await summarize(engine, parseSummaryDay("2026-02-21"))).to.deep.include({ supplierFiles: 3, rejectedRows: 1 });
    } finally {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("skips a non-gzip .json.gz and a truncated CloudTrail file, naming them, and still answers from the good files", async () => {
    const dir = buildFixtureLake();
    const notGzip = join(dir, "telemetry", "2026", "02", "21", "bad.json.gz");
    const truncated = join(dir, "cloudtrail", "2026", "02", "21", "trunc.json");
    writeFile(dir, "telemetry/2026/02/21/bad.json.gz", "this is not gzip\n");
    writeFile(dir, "cloudtrail/2026/02/21/trunc.json", '{"Records":[{"eventVersion":"1.09","eventTime":"2026-02-21T');
    const engine = await DuckDbEngine.open(dir);
    try {
      expect(await summarize(engine, parseSummaryDay("2026-02-21"))).to.deep.equal(FIXTURE_ANSWER);
      expect(engine.skipped).to.deep.equal([
        { file: notGzip, reason: `IO Error: Input is not a GZIP stream: ${notGzip}` },
        { file: truncated, reason: `Invalid Input Error: Malformed JSON in file "${truncated}", at byte 60 in record/value 2: unexpected end of data.` },
      ]);
    } finally {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads .json, .json.gz and Firehose's .gz names, and reports the other files of a table's folder without reading them", async () => {
    const dir = buildFixtureLake();
    writeFile(dir, "telemetry/2026/02/21/notes.txt", "not part of the table\n");
    // a day copied one level too high, and a gzip copy under its Firehose name with the extension the stream sets
    writeFile(dir, "telemetry/2026/02/readings-3.json", "{}\n");
    writeFile(dir, "telemetry/2026/02/22/share-1-2026-02-22-00-00-01-u.json.gz", gzipSync("{}\n"));
    const engine = await DuckDbEngine.open(dir);
    try {
      expect(await summarize(engine, parseSummaryDay("2026-02-21"))).to.deep.equal(FIXTURE_ANSWER);
      const reason = "not read: the readings table's files are telemetry/yyyy/MM/dd/*.json, *.json.gz or *.gz";
      expect(engine.skipped).to.deep.equal([
        { file: join(dir, "telemetry", "2026", "02", "21", "notes.txt"), reason },
        { file: join(dir, "telemetry", "2026", "02", "readings-3.json"), reason },
      ]);
    } finally {
      engine.close();
    }
  });

  it("reports a file of another kind in a supplier or quarantine day folder without reading it", async () => {
    const dir = buildFixtureLake();
    writeFile(dir, "supplier/20260221/notes.txt", "2026-02-21 uploads checked\n");
    writeFile(dir, "quarantine/20260221/notes.txt", '  "rejected": 99\n');
    const engine = await DuckDbEngine.open(dir);
    try {
      expect(await summarize(engine, parseSummaryDay("2026-02-21"))).to.deep.equal(FIXTURE_ANSWER);
      expect(engine.skipped).to.deep.equal([
        { file: join(dir, "supplier", "20260221", "notes.txt"), reason: "not read: the supplier_uploads table's files are supplier/YYYYMMDD/*.csv" },
        { file: join(dir, "quarantine", "20260221", "notes.txt"), reason: "not read: the supplier_reports table's files are quarantine/YYYYMMDD/*.json" },
      ]);
    } finally {
      engine.close();
    }
  });

  it("neither reads nor reports what the stack writes beside a table: the parser's processed readings, the refused-key reports", async () => {
    const dir = buildFixtureLake();
    writeFile(dir, "meter-lake/processed/20260221/C1.jsonl", '{"clientId":"C1"}\n');
    writeFile(dir, "meter-lake/processed/20260221/generation/C1.jsonl", '{"clientId":"C1"}\n');
    writeFile(dir, "quarantine/_invalid-keys/uploads%2Fx.xlsx.json", "{}\n");
    // a stray file beside them is still reported
    writeFile(dir, "meter-lake/C1/readings.json", "{}\n");
    const engine = await DuckDbEngine.open(dir);
    try {
      expect(await summarize(engine, parseSummaryDay("2026-02-21"))).to.deep.equal(FIXTURE_ANSWER);
      expect(engine.skipped).to.deep.equal([
        {
          file: join(dir, "meter-lake", "C1", "readings.json"),
          reason: "not read: the meter_readings table's files are meter-lake/{ClientID}/YYYYMMDD/*.json, *.json.gz or *.gz",
        },
      ]);
    } finally {
      engine.close();
    }
  });

  it("reports a file whose name DuckDB would read as a pattern, and does not count its neighbours twice", async () => {
    const dir = tempDir("gridrail-summary-glob-");
    const report = (file: string, rejected: number) =>
      `${JSON.stringify({ file, layout: "plain", rows: rejected, accepted: 0, rejected, errors: [] }, null, 2)}\n`;
    writeFile(dir, "supplier/20260221/C1.csv", "timestamp,kwh\n");
    writeFile(dir, "supplier/20260221/C2.csv", "timestamp,kwh\n");
    writeFile(dir, "quarantine/20260221/C1.json", report("20260221/C1.csv", 3));
    writeFile(dir, "quarantine/20260221/C2.json", report("20260221/C2.csv", 4));
    writeFile(dir, "quarantine/20260221/C*.json", report("20260221/C*.csv", 1));
    const engine = await DuckDbEngine.open(dir);
    try {
      expect(await summarize(engine, parseSummaryDay("2026-02-21"))).to.deep.include({ rejectedRows: 7 });
      expect(engine.skipped).to.deep.equal([{ file: join(dir, "quarantine", "20260221", "C*.json"), reason: GLOB_REASON }]);
    } finally {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a table folder that is a file, naming it", async () => {
    const dir = tempDir("gridrail-summary-file-");
    writeFile(dir, "telemetry", "not a folder\n");
    let message = "";
    await DuckDbEngine.open(dir).catch((e: Error) => {
      message = `${e.name}: ${e.message}`;
    });
    expect(message).to.equal(`InputError: local data folder ${dir}: telemetry is a file, not a folder`);
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a missing folder, naming it", async () => {
    const missing = join(tmpdir(), "gridrail-summary-does-not-exist");
    let message = "";
    await DuckDbEngine.open(missing).catch((e: Error) => {
      message = `${e.name}: ${e.message}`;
    });
    expect(message).to.equal(`InputError: local data folder ${missing} does not exist or is not a folder`);
  });
});
