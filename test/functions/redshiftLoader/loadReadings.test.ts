import { BatchExecuteStatementCommand, DescribeStatementCommand, ExecuteStatementCommand, GetStatementResultCommand } from "@aws-sdk/client-redshift-data";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { handler } from "../../../functions/redshiftLoader/handler";
import { captureOutput, emfMetrics, lambdaContext, logLines } from "../../helpers/captureOutput";
import { loadReadings } from "../../../functions/redshiftLoader/loadReadings";
import { loadedKeysSql, loadStatements, rejectedKeysSql, rowCountsSql, rowsUpdateSql } from "../../../functions/redshiftLoader/loadSql";
import { manifestBody } from "../../../functions/redshiftLoader/manifest";
import { schemaSql } from "../../../functions/redshiftLoader/schema";
import { DAY, EVENT, loaderFlow, MANIFEST, NOW, raw, s3Object, SETTINGS, subs, TARGET, WEEK } from "./loaderFlow";

describe("Redshift loader flow (Data API and S3 mocked)", () => {
  const { s3, data, state, deps, givenBucket, givenHistory } = loaderFlow();

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
    expect(state.sleeps).to.deep.equal([250, 500]);
    expect(state.logs.map((l) => l.message)).to.deep.equal(["raw object skipped", "readings loaded"]);
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
    expect(state.logs.map((l) => l.message)).to.deep.equal(["nothing new to load"]);
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
    expect(state.sleeps).to.deep.equal([250, 500, 1000, 2000, 4000, 5000, 5000]);
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
