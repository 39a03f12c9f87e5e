import { spawn } from "child_process";
import { expect } from "chai";
import { readFileSync, readdirSync, symlinkSync, writeFileSync } from "fs";
import { join } from "path";
import { runCli } from "../helpers/runCli";
import { summaryCsv } from "../../functions/usageSummary/format";
import { FIXTURE_ANSWER, buildFixtureLake } from "../summary/fixtureLake";
import { startAthenaStandIn } from "../summary/athenaStandIn";
import { tempDir } from "../helpers/tempDir";

const ROOT = join(__dirname, "..", "..");

/** Like runCli, but asynchronous so the loopback Athena stand-in in this process can answer. */
function runCliAsync(args: string[], env: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  const child = spawn(process.execPath, [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), join(ROOT, "cli", "summary.ts"), ...args], {
    cwd: ROOT,
    env: { ...clean, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString("utf8");
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString("utf8");
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr })));
}

/** Nothing reaches AWS: the Athena endpoint is the loopback stand-in, credentials are fake, IMDS is off. */
const athenaEnv = (endpoint: string) => ({
  AWS_ENDPOINT_URL_ATHENA: endpoint,
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "AKIDTEST",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_EC2_METADATA_DISABLED: "true",
});

const lake = buildFixtureLake();
const out = tempDir("gridrail-summary-cli-");

describe("summary command", () => {
  it("prints the contract's JSON for a local lake and exits 0", () => {
    const r = runCli("summary", ["--date", "2026-02-21", "--local", lake, "--json"]);
    expect([r.status, r.stderr]).to.deep.equal([0, ""]);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).to.deep.equal([
      "date",
      "installationsWithRealtimeData",
      "supplierFiles",
      "rejectedRows",
      "profileUpdates",
      "reportDownloads",
      "trains",
    ]);
    expect(json).to.deep.equal(FIXTURE_ANSWER);
  });

  it("prints a readable table by default", () => {
    const r = runCli("summary", ["--date", "2026-02-21", "--local", lake]);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.equal(
      [
        `Usage summary for 2026-02-21 (DuckDB, ${lake})`,
        "  installations with real-time data          3",
        "  supplier files received                    2",
        "  supplier rows rejected                     4",
        "  profile updates                            2",
        "  report downloads                           3",
        "  trains with data                           2",
        "    train      readings  anomalies",
        "    train-a           5          2",
        "    train-b           2          0",
        "",
      ].join("\n"),
    );
  });

  it("writes the CSV to standard output with --csv -", () => {
    const r = runCli("summary", ["--date", "2026-02-21", "--local", lake, "--csv", "-"]);
    expect([r.status, r.stderr]).to.deep.equal([0, ""]);
    expect(r.stdout.split("\n").slice(0, 2)).to.deep.equal(["date,train_id,metric,value", "2026-02-21,,installationsWithRealtimeData,3"]);
    expect(r.stdout.split("\n")).to.have.length(11);
  });

  it("puts every row without a train before the trains' rows, the optional totals included", () => {
    const day = { date: "2026-02-21", installationsWithRealtimeData: 1, supplierFiles: 2, rejectedRows: 3, profileUpdates: 4, reportDownloads: 5 };
    const csv = summaryCsv({
      ...day,
      trains: [{ trainId: "t", readings: 6, anomalies: 7 }],
      unreadableReadings: 8,
      skippedFiles: 9,
      bytesScanned: 10,
      costUsd: 0.5,
    });
    expect(csv.split("\n").map((l) => l.split(",").slice(1, 3).join(" "))).to.deep.equal([
      "train_id metric",
      " installationsWithRealtimeData",
      " supplierFiles",
      " rejectedRows",
      " profileUpdates",
      " reportDownloads",
      " unreadableReadings",
      " skippedFiles",
      " bytesScanned",
      " costUsd",
      "t readings",
      "t anomalies",
      "",
    ]);
  });

  it("writes the totals and the per-train rows to --csv", () => {
    const file = join(out, "summary.csv");
    const r = runCli("summary", ["--date", "2026-02-21", "--local", lake, "--csv", file]);
    expect([r.status, r.stdout, r.stderr]).to.deep.equal([0, `wrote 9 rows to ${file}\n`, ""]);
    expect(readFileSync(file, "utf8")).to.equal(
      [
        "date,train_id,metric,value",
        "2026-02-21,,installationsWithRealtimeData,3",
        "2026-02-21,,supplierFiles,2",
        "2026-02-21,,rejectedRows,4",
        "2026-02-21,,profileUpdates,2",
        "2026-02-21,,reportDownloads,3",
        "2026-02-21,train-a,readings,5",
        "2026-02-21,train-a,anomalies,2",
        "2026-02-21,train-b,readings,2",
        "2026-02-21,train-b,anomalies,0",
        "",
      ].join("\n"),
    );
  });

  it("runs the named queries in the stack's workgroup with --stack, with progress on stderr and the scan's bytes and cost", async () => {
    const athena = await startAthenaStandIn();
    try {
      const r = await runCliAsync(["--date", "2026-02-21", "--stack", "prod", "--json"], athenaEnv(athena.endpoint));
      expect(r.status, r.stderr).to.equal(0);
      // 1 + 2 + 3 + 4 MB scanned, each billed as 10 MB: 40 MB at $5 per TB
      expect(JSON.parse(r.stdout)).to.deep.equal({ ...FIXTURE_ANSWER, bytesScanned: 10 * 1024 * 1024, costUsd: 0.000191 });
      expect(athena.started.map((s) => [s.WorkGroup, (s.QueryExecutionContext as { Database: string }).Database, s.ExecutionParameters])).to.deep.equal([
        ["gridrail-prod-data-sharing", "gridrail_prod_sharing", ["'2026/02/21'"]],
        ["gridrail-prod-data-sharing", "gridrail_prod_sharing", ["'20260221'", "'20260221'", "'20260221'"]],
        ["gridrail-prod-data-sharing", "gridrail_prod_sharing", ["'2026/02/21'", "'2026/02/22'", "'2026-02-21'"]],
        ["gridrail-prod-data-sharing", "gridrail_prod_sharing", ["'2026/02/21'"]],
      ]);
      // one line per state change when stderr is not a terminal; elapsed times vary, so they are masked
      // (the SDK's own Node-version warning may precede them)
      const progress = r.stderr
        .split("\n")
        .filter((l) => l.startsWith("daily-"))
        .map((l) => l.replace(/after [0-9.]+ s/, "after T s"));
      expect(progress).to.deep.equal([
        "daily-meter-installations: RUNNING after T s, 0.0 MB scanned",
        "daily-meter-installations: SUCCEEDED after T s, 1.0 MB scanned",
        "daily-supplier-files: RUNNING after T s, 0.0 MB scanned",
        "daily-supplier-files: SUCCEEDED after T s, 2.0 MB scanned",
        "daily-customer-activity: RUNNING after T s, 0.0 MB scanned",
        "daily-customer-activity: SUCCEEDED after T s, 3.0 MB scanned",
        "daily-train-activity: RUNNING after T s, 0.0 MB scanned",
        "daily-train-activity: SUCCEEDED after T s, 4.0 MB scanned",
      ]);
    } finally {
      await athena.close();
    }
  });

  it("exits 1 with Athena's reason when a query fails, honouring --workgroup and --database", async () => {
    const athena = await startAthenaStandIn({
      query: "daily-supplier-files",
      reason: "HIVE_CURSOR_ERROR: Access Denied (Service: Amazon S3; Status Code: 403)",
    });
    try {
      const r = await runCliAsync(["--date", "2026-02-21", "--stack", "dev", "--workgroup", "adhoc", "--database", "scratch"], athenaEnv(athena.endpoint));
      expect([r.status, r.stdout]).to.deep.equal([1, ""]);
      expect(r.stderr.trimEnd().split("\n").pop()).to.equal(
        "error: query daily-supplier-files (daily-supplier-files) FAILED: HIVE_CURSOR_ERROR: Access Denied (Service: Amazon S3; Status Code: 403)",
      );
      expect(athena.started.map((s) => [s.WorkGroup, (s.QueryExecutionContext as { Database: string }).Database])).to.deep.equal([
        ["adhoc", "scratch"],
        ["adhoc", "scratch"],
      ]);
      expect(athena.calls.filter((c) => c === "GetQueryResults")).to.have.length(1);
    } finally {
      await athena.close();
    }
  });

  it("prints usage for --help", () => {
    const r = runCli("summary", ["--help"]);
    expect(r.status).to.equal(0);
    expect(r.stdout.split("\n")[0]).to.equal(
      "usage: gridrail summary --date YYYY-MM-DD (--stack dev|prod [--workgroup NAME] [--database NAME] | --local DIR) [--json | --csv FILE]",
    );
  });

  it("skips an unreadable file with a warning naming it and counts it in the summary", () => {
    const bad = buildFixtureLake();
    writeFileSync(join(bad, "telemetry", "2026", "02", "21", "bad.json.gz"), "this is not gzip\n");
    const r = runCli("summary", ["--date", "2026-02-21", "--local", bad, "--json"]);
    expect([r.status, r.stderr]).to.deep.equal([
      0,
      `warning: skipped ${join(bad, "telemetry", "2026", "02", "21", "bad.json.gz")}: IO Error: Input is not a GZIP stream: ${join(bad, "telemetry", "2026", "02", "21", "bad.json.gz")}\n`,
    ]);
    expect(JSON.parse(r.stdout)).to.deep.equal({ ...FIXTURE_ANSWER, skippedFiles: 1 });
  });

  it("counts the day's readings that are not JSON records with a source and device, and warns, without losing the good ones", () => {
    const lake = buildFixtureLake();
    const day = join(lake, "telemetry", "2026", "02", "21");
    const good = { source: "trains", device_id: "train-c", event_time: "2026-02-21T10:00:00Z", received_at: 1, metric: "speed", value: 1, detail: null };
    const { device_id: _dropped, ...noDevice } = { ...good, event_time: "2026-02-21T10:01:00Z" };
    // a record cut off mid-line, a line of text, a train reading without its device, then a good one
    writeFileSync(
      join(day, "mixed.json"),
      [`{"source":"meters","device_id":"NMI99`, "this is not json", JSON.stringify(noDevice), JSON.stringify(good)].join("\n") + "\n",
    );
    const r = runCli("summary", ["--date", "2026-02-21", "--local", lake, "--json"]);
    expect([r.status, r.stderr]).to.deep.equal([
      0,
      `warning: 3 reading(s) in ${join(lake, "telemetry", "2026/02/21")} are not JSON records with a source and device_id: no count includes them (unreadableReadings)\n`,
    ]);
    expect(JSON.parse(r.stdout)).to.deep.equal({
      ...FIXTURE_ANSWER,
      trains: [...FIXTURE_ANSWER.trains, { trainId: "train-c", readings: 1, anomalies: 0 }],
      unreadableReadings: 3,
    });
    const table = runCli("summary", ["--date", "2026-02-21", "--local", lake]);
    expect(table.stdout).to.contain("  readings not counted (unreadable)          3\n");
  });

  it("fails in one line naming the query when the local data holds a value the SQL cannot convert", () => {
    const lake = buildFixtureLake();
    writeFileSync(join(lake, "quarantine", "20260221", "C9.json"), `{\n  "file": "20260221/C9.csv",\n  "rejected": 99999999999999999999,\n  "errors": []\n}\n`);
    const r = runCli("summary", ["--date", "2026-02-21", "--local", lake]);
    expect([r.status, r.stdout]).to.deep.equal([1, ""]);
    expect(r.stderr).to.match(/^error: query daily-supplier-files failed on the local data: Conversion Error: .*99999999999999999999.*\n$/);
  });

  it("warns, with every count 0, about a folder that has none of the tables' folders", () => {
    const wrong = tempDir("gridrail-summary-wrong-");
    const r = runCli("summary", ["--date", "2026-02-21", "--local", wrong, "--json"]);
    expect([r.status, r.stderr]).to.deep.equal([
      0,
      `warning: ${wrong} has none of telemetry/, meter-lake/, supplier/, quarantine/, cloudtrail/: every count is 0 (the local stack writes them under out/local)\n`,
    ]);
    expect(JSON.parse(r.stdout)).to.deep.equal({
      date: "2026-02-21",
      installationsWithRealtimeData: 0,
      supplierFiles: 0,
      rejectedRows: 0,
      profileUpdates: 0,
      reportDownloads: 0,
      trains: [],
    });
  });

  const fileLake = tempDir("gridrail-summary-filelake-");
  writeFileSync(join(fileLake, "telemetry"), "not a folder\n");
  const missing = join(out, "no-such-lake");
  const failures: [string, string[], number, string][] = [
    ["an impossible --date", ["--date", "2026-02-30", "--local", lake], 2, 'error: date "2026-02-30" is not a real day in the form YYYY-MM-DD\n'],
    ["a --date in another form", ["--date", "20260221", "--local", lake], 2, 'error: date "20260221" is not a real day in the form YYYY-MM-DD\n'],
    ["no --date", ["--local", lake], 2, "error: --date is required\n"],
    ["neither --stack nor --local", ["--date", "2026-02-21"], 2, "error: give exactly one of --stack or --local\n"],
    ["both --stack and --local", ["--date", "2026-02-21", "--stack", "dev", "--local", lake], 2, "error: give exactly one of --stack or --local\n"],
    ["an unknown stack", ["--date", "2026-02-21", "--stack", "test"], 2, 'error: --stack must be dev or prod, not "test"\n'],
    [
      "--workgroup with --local",
      ["--date", "2026-02-21", "--local", lake, "--workgroup", "wg"],
      2,
      "error: --workgroup and --database go with --stack, not --local\n",
    ],
    ["--json with --csv", ["--date", "2026-02-21", "--local", lake, "--json", "--csv", "x.csv"], 2, "error: give at most one of --json or --csv\n"],
    [
      "an unknown flag",
      ["--date", "2026-02-21", "--local", lake, "--yaml"],
      2,
      "error: unknown flag --yaml; known: --date, --stack, --local, --workgroup, --database, --json, --csv\n",
    ],
    ["a missing folder", ["--date", "2026-02-21", "--local", missing], 1, `error: local data folder ${missing} does not exist or is not a folder\n`],
    [
      "a telemetry file where its folder should be",
      ["--date", "2026-02-21", "--local", fileLake],
      1,
      `error: local data folder ${fileLake}: telemetry is a file, not a folder\n`,
    ],
    [
      "a --csv in a missing folder",
      ["--date", "2026-02-21", "--local", lake, "--csv", join(missing, "x.csv")],
      1,
      `error: --csv ${join(missing, "x.csv")}: folder ${missing} does not exist\n`,
    ],
    [
      "a --csv inside the --local folder",
      ["--date", "2026-02-21", "--local", lake, "--csv", join(lake, "summary.csv")],
      2,
      `error: --csv ${join(lake, "summary.csv")} is inside the --local folder ${lake}: it could overwrite its data, and would be read as data next time\n`,
    ],
  ];

  it("refuses a --csv that is one of the data's files, by a path through a symlink, and leaves the file as it was", () => {
    const upload = readdirSync(join(lake, "supplier", "20260221"))[0];
    const before = readFileSync(join(lake, "supplier", "20260221", upload));
    const link = join(out, "lake-link");
    symlinkSync(lake, link);
    const r = runCli("summary", ["--date", "2026-02-21", "--local", lake, "--csv", join(link, "supplier", "20260221", upload)]);
    expect([r.status, r.stderr.split(" is inside ")[1]]).to.deep.equal([
      2,
      `the --local folder ${lake}: it could overwrite its data, and would be read as data next time\n`,
    ]);
    expect(readFileSync(join(lake, "supplier", "20260221", upload)).equals(before)).to.equal(true);
  });

  for (const [name, args, status, stderrStart] of failures) {
    it(`exits ${status} on ${name}, naming it on stderr`, () => {
      const r = runCli("summary", args);
      expect(r.status).to.equal(status);
      expect(r.stderr.startsWith(stderrStart), r.stderr).to.equal(true);
      expect(r.stdout).to.equal("");
    });
  }
});
