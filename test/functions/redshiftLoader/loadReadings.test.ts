import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  SubStatementData,
} from "@aws-sdk/client-redshift-data";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { DataApi } from "../../../functions/redshiftLoader/dataApi";
import { handler, s3Storage } from "../../../functions/redshiftLoader/handler";
import { captureOutput, emfMetrics, lambdaContext, logLines } from "../../helpers/captureOutput";
import { LOAD_ATTEMPTS, loadReadings, LoaderDeps } from "../../../functions/redshiftLoader/loadReadings";
import {
  loadedKeysSql,
  loadErrorsSql,
  loadStatements,
  rejectedKeysSql,
  rejectsInsertSql,
  rowCountsSql,
  rowsUpdateSql,
} from "../../../functions/redshiftLoader/loadSql";
import { manifestBody } from "../../../functions/redshiftLoader/manifest";
import { schemaSql } from "../../../functions/redshiftLoader/schema";
import { LoaderSettings } from "../../../functions/redshiftLoader/settings";

const SETTINGS: LoaderSettings = {
  clusterId: "gridrail-dev-warehouse",
  database: "gridrail",
  secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rs-admin",
  rawBucket: "sharing-raw-bucket",
  copyRoleArn: "arn:aws:iam::123456789012:role/sharing-warehouse-copy-role",
};
const TARGET = { ClusterIdentifier: SETTINGS.clusterId, Database: "gridrail", SecretArn: SETTINGS.secretArn, WithEvent: true };
const EVENT = { scheduledTime: "2026-11-21T11:05:00Z", window: "previous-hour" };
const NOW = Date.UTC(2026, 10, 21, 11, 5, 2);
const DAY = "readings/2026/11/21/";
const MANIFEST = "manifests/readings/2026/11/21/1000-req-1.json";
const WEEK = [14, 15, 16, 17, 18, 19, 20].map((d) => `readings/2026/11/${d}/`).concat(DAY);
const s3Object = (name: string, minute: number, size = 500) => ({
  Key: `${DAY}${name}`,
  ETag: `"etag-${name}"`,
  Size: size,
  LastModified: new Date(Date.UTC(2026, 10, 21, 10, minute)),
});
const raw = (name: string, minute: number) => ({ key: `${DAY}${name}`, etag: `etag-${name}`, size: 500, lastModified: Date.UTC(2026, 10, 21, 10, minute) });
const COPY_ERROR = "Load into table 'readings_staging' failed.  Check 'stl_load_errors' system table for details.";
const url = (name: string) => `s3://sharing-raw-bucket/${DAY}${name}`;
const subs = (id: string, n: number, extra: Record<number, Partial<SubStatementData>> = {}): SubStatementData[] =>
  Array.from({ length: n }, (_, i) => ({ Id: `${id}:${i + 1}`, Status: "FINISHED", ...extra[i] }));

describe("Redshift loader flow (Data API and S3 mocked)", () => {
  const s3 = mockClient(S3Client);
  const data = mockClient(RedshiftDataClient);
  let logs: Record<string, unknown>[];
  let sleeps: number[];
  let clock: number;

  function deps(deadline = NOW + 60_000): LoaderDeps {
    clock = NOW;
    const poll = {
      deadline,
      now: () => clock,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        clock += ms;
      },
    };
    return {
      settings: SETTINGS,
      storage: s3Storage(new S3Client({}), SETTINGS.rawBucket),
      dataApi: new DataApi(new RedshiftDataClient({}), SETTINGS, poll),
      runId: "req-1",
      now: () => NOW,
      log: (e) => logs.push(e),
    };
  }

  /** The week before is empty; today holds a loaded object, two new ones, one written after the window and a stray key. */
  function givenBucket(): void {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3.on(ListObjectsV2Command, { Prefix: DAY }).resolves({
      Contents: [s3Object("old.gz", 5), s3Object("b.gz", 40), s3Object("a.gz", 20), s3Object("late.gz", 0), s3Object("notes .txt", 1)].map((o) =>
        o.Key.endsWith("late.gz") ? { ...o, LastModified: new Date(Date.UTC(2026, 10, 21, 11, 1)) } : o,
      ),
      IsTruncated: false,
    });
  }

  /** load_history has old.gz and older.gz (two pages); load_rejects has the given key and ETag pairs. */
  function givenHistory(rejects: [string, string][] = []): void {
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-history" }).resolves({ Id: "hist" });
    data.on(DescribeStatementCommand, { Id: "hist" }).resolves({ Id: "hist", Status: "FINISHED", SubStatements: subs("hist", 5) });
    data
      .on(GetStatementResultCommand, { Id: "hist:4" })
      .resolvesOnce({ Records: [[{ stringValue: `${DAY}old.gz` }]], NextToken: "page-2" })
      .resolvesOnce({ Records: [[{ stringValue: `${DAY}older.gz` }]] });
    data.on(GetStatementResultCommand, { Id: "hist:5" }).resolves({ Records: rejects.map(([k, e]) => [{ stringValue: k }, { stringValue: e }]) });
  }

  /** A COPY that fails with Redshift's stl_load_errors pointer; its rejected lines are `lines`. */
  function givenFailedCopy(id: string, queryId: number, lines: [string, number, string, string][]): void {
    data.on(DescribeStatementCommand, { Id: id }).resolves({
      Id: id,
      Status: "FAILED",
      Error: COPY_ERROR,
      SubStatements: subs(id, 9, { 3: { Status: "FAILED", RedshiftQueryId: queryId } }),
    });
    data.on(ExecuteStatementCommand, { Sql: loadErrorsSql(queryId) }).resolves({ Id: `errs-${id}` });
    data.on(DescribeStatementCommand, { Id: `errs-${id}` }).resolves({ Id: `errs-${id}`, Status: "FINISHED" });
    data.on(GetStatementResultCommand, { Id: `errs-${id}` }).resolves({
      Records: lines.map(([file, line, column, reason]) => [{ stringValue: file }, { longValue: line }, { stringValue: column }, { stringValue: reason }]),
    });
  }

  beforeEach(() => {
    s3.reset();
    data.reset();
    logs = [];
    sleeps = [];
    s3.on(PutObjectCommand).resolves({});
  });

  it("loads the new objects of the window in one transaction, then records rows per object", async () => {
    givenBucket();
    givenHistory();
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" }).resolves({ Id: "load" });
    data
      .on(DescribeStatementCommand, { Id: "load" })
      .resolvesOnce({ Id: "load", Status: "SUBMITTED" })
      .resolvesOnce({ Id: "load", Status: "STARTED" })
      .resolves({ Id: "load", Status: "FINISHED", SubStatements: subs("load", 9, { 3: { RedshiftQueryId: 4242, ResultRows: 30 }, 5: { ResultRows: 28 } }) });
    data.on(ExecuteStatementCommand, { StatementName: "gridrail-loader-row-counts" }).resolves({ Id: "counts" });
    data.on(ExecuteStatementCommand, { StatementName: "gridrail-loader-row-counts-update" }).resolves({ Id: "update" });
    data.on(DescribeStatementCommand, { Id: "counts" }).resolves({ Id: "counts", Status: "FINISHED" });
    data.on(DescribeStatementCommand, { Id: "update" }).resolves({ Id: "update", Status: "FINISHED" });
    data.on(GetStatementResultCommand, { Id: "counts" }).resolves({
      Records: [
        [{ stringValue: `s3://sharing-raw-bucket/${DAY}a.gz` }, { longValue: 12 }],
        [{ stringValue: `s3://sharing-raw-bucket/${DAY}b.gz` }, { longValue: 18 }],
      ],
    });

    const report = await loadReadings(EVENT, deps());

    expect(report).to.deep.equal({
      window: { start: "2026-11-21T10:00:00.000Z", end: "2026-11-21T11:00:00.000Z" },
      listed: 4,
      skipped: [{ key: `${DAY}notes .txt`, reason: "key is not readings/yyyy/MM/dd/<name> of S3-safe characters" }],
      alreadyLoaded: 1,
      alreadyRejected: 0,
      deferred: 0,
      rejected: [],
      loaded: [`${DAY}a.gz`, `${DAY}b.gz`],
      manifestKey: MANIFEST,
      statementId: "load",
      rowsWritten: 28,
    });
    const objects = [raw("a.gz", 20), raw("b.gz", 40)];
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input)).to.deep.equal([
      {
        Bucket: "sharing-raw-bucket",
        Key: MANIFEST,
        Body: manifestBody("sharing-raw-bucket", objects),
        ContentType: "application/json",
      },
    ]);
    expect(data.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input)).to.deep.equal([
      {
        ...TARGET,
        Sqls: [...schemaSql("redshift"), loadedKeysSql(WEEK), rejectedKeysSql(WEEK)],
        StatementName: "gridrail-loader-history",
      },
      {
        ...TARGET,
        Sqls: loadStatements({ bucket: "sharing-raw-bucket", manifestKey: MANIFEST, copyRoleArn: SETTINGS.copyRoleArn, objects, loadedAt: NOW }),
        StatementName: "gridrail-loader-copy-2026-11-21T10",
      },
    ]);
    expect(data.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input)).to.deep.equal([
      { ...TARGET, Sql: rowCountsSql(4242), StatementName: "gridrail-loader-row-counts" },
      {
        ...TARGET,
        Sql: rowsUpdateSql([
          { key: `${DAY}a.gz`, rows: 12 },
          { key: `${DAY}b.gz`, rows: 18 },
        ]),
        StatementName: "gridrail-loader-row-counts-update",
      },
    ]);
    expect(sleeps).to.deep.equal([250, 500]);
    expect(logs.map((l) => l.message)).to.deep.equal(["raw object skipped", "readings loaded"]);
  });

  it("touches neither Redshift nor the bucket's manifests when no object was written", async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    const report = await loadReadings(EVENT, deps());
    expect(report).to.deep.equal({
      window: { start: "2026-11-21T10:00:00.000Z", end: "2026-11-21T11:00:00.000Z" },
      listed: 0,
      skipped: [],
      alreadyLoaded: 0,
      alreadyRejected: 0,
      deferred: 0,
      rejected: [],
      loaded: [],
    });
    expect(data.calls()).to.have.length(0);
    expect(s3.commandCalls(PutObjectCommand)).to.have.length(0);
  });

  it("loads nothing twice: a re-run after everything was loaded writes no manifest and runs no COPY", async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3.on(ListObjectsV2Command, { Prefix: DAY }).resolves({ Contents: [s3Object("old.gz", 5)] });
    givenHistory();
    const report = await loadReadings(EVENT, deps());
    expect(report).to.include({ listed: 1, alreadyLoaded: 1, deferred: 0 });
    expect(report.loaded).to.deep.equal([]);
    expect(data.commandCalls(BatchExecuteStatementCommand)).to.have.length(1);
    expect(s3.commandCalls(PutObjectCommand)).to.have.length(0);
    expect(logs.map((l) => l.message)).to.deep.equal(["nothing new to load"]);
  });

  it("sets aside the object a rejected line names, records it in load_rejects and loads the others in the same run", async () => {
    givenBucket();
    givenHistory();
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" }).resolvesOnce({ Id: "load" }).resolves({ Id: "load2" });
    givenFailedCopy("load", 777, [[url("a.gz"), 3, "value", "Invalid digit, Value 'x'"]]);
    data.on(ExecuteStatementCommand, { StatementName: "gridrail-loader-reject" }).resolves({ Id: "reject" });
    data.on(DescribeStatementCommand, { Id: "reject" }).resolves({ Id: "reject", Status: "FINISHED" });
    data
      .on(DescribeStatementCommand, { Id: "load2" })
      .resolves({ Id: "load2", Status: "FINISHED", SubStatements: subs("load2", 9, { 5: { ResultRows: 18 } }) });

    const report = await loadReadings(EVENT, deps());

    const retry = MANIFEST.replace(".json", "-2.json");
    expect(report).to.deep.include({
      rejected: [{ key: `${DAY}a.gz`, reason: "line 3 column value: Invalid digit, Value 'x'" }],
      loaded: [`${DAY}b.gz`],
      manifestKey: retry,
      statementId: "load2",
      rowsWritten: 18,
    });
    expect(s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Key, c.args[0].input.Body])).to.deep.equal([
      [MANIFEST, manifestBody("sharing-raw-bucket", [raw("a.gz", 20), raw("b.gz", 40)])],
      [retry, manifestBody("sharing-raw-bucket", [raw("b.gz", 40)])],
    ]);
    expect(data.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.Sql)).to.deep.equal([
      loadErrorsSql(777),
      rejectsInsertSql([{ object: raw("a.gz", 20), line: 3, column: "value", reason: "Invalid digit, Value 'x'" }], MANIFEST, NOW),
    ]);
    const rejected = logs.find((l) => l.message === "raw object rejected");
    expect(rejected).to.deep.equal({
      level: "ERROR",
      message: "raw object rejected",
      key: `${DAY}a.gz`,
      etag: "etag-a.gz",
      reason: "line 3 column value: Invalid digit, Value 'x'",
      manifestKey: MANIFEST,
      statementId: "load",
    });
  });

  it("loads nothing, and says so, when every new object is rejected", async () => {
    givenBucket();
    givenHistory();
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" }).resolves({ Id: "load" });
    givenFailedCopy("load", 777, [
      [url("b.gz"), 1, "source", "Missing data for not-null field"],
      [url("a.gz"), 2, "value", "Invalid digit"],
    ]);
    data.on(ExecuteStatementCommand, { StatementName: "gridrail-loader-reject" }).resolves({ Id: "reject" });
    data.on(DescribeStatementCommand, { Id: "reject" }).resolves({ Id: "reject", Status: "FINISHED" });

    const report = await loadReadings(EVENT, deps());

    expect(report).to.deep.include({
      rejected: [
        { key: `${DAY}a.gz`, reason: "line 2 column value: Invalid digit" },
        { key: `${DAY}b.gz`, reason: "line 1 column source: Missing data for not-null field" },
      ],
      loaded: [],
    });
    expect(report).to.not.have.property("manifestKey");
    expect(data.commandCalls(BatchExecuteStatementCommand)).to.have.length(2);
    expect(logs.map((l) => l.message)).to.deep.equal([
      "raw object skipped",
      "raw object rejected",
      "raw object rejected",
      "nothing loaded: every new object was rejected",
    ]);
  });

  it("does not load again an object set aside with the same ETag; the same key uploaded again is loaded", async () => {
    givenBucket();
    givenHistory([
      [`${DAY}a.gz`, "etag-a.gz"],
      [`${DAY}b.gz`, "etag-before-the-fix"],
    ]);
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" }).resolves({ Id: "load" });
    data.on(DescribeStatementCommand, { Id: "load" }).resolves({ Id: "load", Status: "FINISHED", SubStatements: subs("load", 9) });

    const report = await loadReadings(EVENT, deps());

    expect(report).to.deep.include({ alreadyLoaded: 1, alreadyRejected: 1, rejected: [], loaded: [`${DAY}b.gz`] });
  });

  it("fails the load when the rejected lines name no object of it, and lists them", async () => {
    givenBucket();
    givenHistory();
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" }).resolves({ Id: "load" });
    // STL_LOAD_ERRORS keeps 256 characters of a file name; a longer one names nothing here
    givenFailedCopy("load", 777, [[url("a.g"), 3, "value", "Invalid digit, Value 'x'"]]);

    const e = await loadReadings(EVENT, deps()).catch((err: Error) => err);

    expect(e).to.include({
      name: "LoadError",
      manifestKey: MANIFEST,
      statementId: "load",
      redshiftError: COPY_ERROR,
      rejected: 0,
      message:
        `load of 2 object(s) from manifest ${MANIFEST} FAILED, nothing committed (statement load): ${COPY_ERROR}; ` +
        `first rejected lines: ${url("a.g")} line 3 column value: Invalid digit, Value 'x'`,
    });
    expect(data.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.Sql)).to.deep.equal([loadErrorsSql(777)]);
    expect(s3.commandCalls(PutObjectCommand)).to.have.length(1);
  });

  it(`stops after ${LOAD_ATTEMPTS} attempts, the objects set aside so far recorded, and says so`, async () => {
    const names = ["a.gz", "b.gz", "c.gz", "d.gz", "e.gz"];
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3.on(ListObjectsV2Command, { Prefix: DAY }).resolves({ Contents: names.map((n, i) => s3Object(n, 10 + i)) });
    givenHistory();
    const copies = data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" });
    names.forEach((n, i) => {
      copies.resolvesOnce({ Id: `load${i + 1}` });
      givenFailedCopy(`load${i + 1}`, 700 + i, [[url(n), 1, "source", "Missing data for not-null field"]]);
    });
    data.on(ExecuteStatementCommand, { StatementName: "gridrail-loader-reject" }).resolves({ Id: "reject" });
    data.on(DescribeStatementCommand, { Id: "reject" }).resolves({ Id: "reject", Status: "FINISHED" });

    const e = await loadReadings(EVENT, deps()).catch((err: Error) => err);

    const last = MANIFEST.replace(".json", `-${LOAD_ATTEMPTS}.json`);
    expect(e).to.include({
      name: "LoadError",
      manifestKey: last,
      rejected: LOAD_ATTEMPTS - 1,
      message:
        `load of 2 object(s) from manifest ${last} (after setting 3 refused object(s) aside) FAILED, nothing committed (statement load4): ${COPY_ERROR}; ` +
        `first rejected lines: ${url("d.gz")} line 1 column source: Missing data for not-null field`,
    });
    expect(data.commandCalls(ExecuteStatementCommand, { StatementName: "gridrail-loader-reject" })).to.have.length(LOAD_ATTEMPTS - 1);
    expect(logs.filter((l) => l.message === "raw object rejected").map((l) => l.key)).to.deep.equal([`${DAY}a.gz`, `${DAY}b.gz`, `${DAY}c.gz`]);
  });

  it("reports an ABORTED load", async () => {
    givenBucket();
    givenHistory();
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" }).resolves({ Id: "load" });
    data.on(DescribeStatementCommand, { Id: "load" }).resolves({ Id: "load", Status: "ABORTED" });
    const e = await loadReadings(EVENT, deps()).catch((err: Error) => err);
    expect(e).to.include({
      name: "LoadError",
      message: `load of 2 object(s) from manifest ${MANIFEST} ABORTED, nothing committed (statement load): no error text from Redshift`,
    });
    expect(data.commandCalls(ExecuteStatementCommand)).to.have.length(0);
  });

  it("gives up polling at the deadline and says the load may still commit", async () => {
    givenBucket();
    givenHistory();
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" }).resolves({ Id: "load" });
    data.on(DescribeStatementCommand, { Id: "load" }).resolves({ Id: "load", Status: "STARTED" });
    const e = await loadReadings(EVENT, deps(NOW + 20_000)).catch((err: Error) => err);
    expect(e).to.include({
      name: "LoadError",
      message: `load of 2 object(s) from manifest ${MANIFEST} still STARTED at the deadline (statement load); it may yet commit, the next run's load_history check tells`,
    });
    expect(sleeps).to.deep.equal([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it("fails the history lookup with the statement's name and Redshift's error", async () => {
    givenBucket();
    data.on(BatchExecuteStatementCommand).resolves({ Id: "hist" });
    data.on(DescribeStatementCommand, { Id: "hist" }).resolves({ Id: "hist", Status: "FAILED", Error: "permission denied for relation load_history" });
    const e = await loadReadings(EVENT, deps()).catch((err: Error) => err);
    expect(e).to.include({ name: "StatementError", message: "statement gridrail-loader-history (hist) FAILED: permission denied for relation load_history" });
  });

  describe("handler", () => {
    const names = ["CLUSTER_ID", "DATABASE", "SECRET_ARN", "RAW_BUCKET", "COPY_ROLE_ARN"];
    let saved: Record<string, string | undefined>;
    beforeEach(() => {
      saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
      for (const n of names) delete process.env[n];
    });
    afterEach(() => {
      for (const n of names) {
        if (saved[n] === undefined) delete process.env[n];
        else process.env[n] = saved[n];
      }
    });

    it("fails fast naming every missing environment variable", async () => {
      const { error: e, lines } = await captureOutput(() => handler({}, lambdaContext("req-0")));
      expect(logLines(lines, "invocation failed").map((l) => [l.level, l.function_request_id, (l.error as { name: string }).name])).to.deep.equal([
        ["ERROR", "req-0", "SettingsError"],
      ]);
      expect(e).to.include({ name: "SettingsError", message: "environment variables CLUSTER_ID, DATABASE, SECRET_ARN, RAW_BUCKET, COPY_ROLE_ARN must be set" });
    });

    it("logs a failed load at ERROR with its statement id and manifest key, and counts it", async () => {
      Object.assign(process.env, {
        CLUSTER_ID: SETTINGS.clusterId,
        DATABASE: "gridrail",
        SECRET_ARN: SETTINGS.secretArn,
        RAW_BUCKET: SETTINGS.rawBucket,
        COPY_ROLE_ARN: SETTINGS.copyRoleArn,
      });
      givenBucket();
      givenHistory();
      data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" }).resolves({ Id: "load" });
      data.on(DescribeStatementCommand, { Id: "load" }).resolves({ Id: "load", Status: "ABORTED" });

      const { error, lines } = await captureOutput(() => handler(EVENT, lambdaContext("req-1")));

      expect(error?.name).to.equal("LoadError");
      const [line] = logLines(lines, "invocation failed");
      expect([line.level, line.service, line.function_request_id, line.statementId, line.manifestKey]).to.deep.equal([
        "ERROR",
        "redshiftLoader",
        "req-1",
        "load",
        MANIFEST,
      ]);
      expect(emfMetrics(lines)).to.deep.equal([
        { namespace: "gridrail", dimensions: [["service"]], service: "redshiftLoader", LoadsFailed: 1, ObjectsRejected: 0 },
      ]);
    });

    it("runs a scheduled invocation against the raw bucket named in its environment", async () => {
      Object.assign(process.env, { CLUSTER_ID: "c", DATABASE: "d", SECRET_ARN: "s", RAW_BUCKET: "sharing-raw-bucket", COPY_ROLE_ARN: "r" });
      s3.on(ListObjectsV2Command).resolves({ Contents: [] });
      const { result, lines } = await captureOutput(() => handler(EVENT, { awsRequestId: "req-1", getRemainingTimeInMillis: () => 300_000 }));
      expect(result!.loaded).to.deep.equal([]);
      expect(logLines(lines).map((l) => [l.level, l.message, l.service, l.function_request_id])).to.deep.equal([
        ["INFO", "nothing new to load", "redshiftLoader", "req-1"],
      ]);
      expect(emfMetrics(lines)).to.deep.equal([
        {
          namespace: "gridrail",
          dimensions: [["service"]],
          service: "redshiftLoader",
          LoadsMerged: 0,
          ObjectsLoaded: 0,
          RowsLoaded: 0,
          ObjectsSkipped: 0,
          ObjectsDeferred: 0,
          ObjectsRejected: 0,
        },
      ]);
      // the window's day and the week before it
      expect(s3.commandCalls(ListObjectsV2Command).map((c) => [c.args[0].input.Bucket, c.args[0].input.Prefix])).to.deep.equal(
        [14, 15, 16, 17, 18, 19, 20].map((d) => ["sharing-raw-bucket", `readings/2026/11/${d}/`]).concat([["sharing-raw-bucket", DAY]]),
      );
    });
  });
});
