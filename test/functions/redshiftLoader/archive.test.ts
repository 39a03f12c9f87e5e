import { expect } from "chai";
import { gzipSync } from "zlib";
import { zipBytes } from "../../../infra/shared/callbackArchive";
import { DataStandIn, startDataStandIn } from "../../helpers/dataStandIn";
import { putObject } from "../../helpers/s3StandIn";
import { UnpackedFunction, metricRecords, metricValues, unpackFunction } from "../../helpers/lambdaArchive";
import { runProgram } from "../../helpers/pulumiRecorder";
import { trainRow } from "../../helpers/readingRows";

const RAW = "sharing-raw-bucket";
const DAY = "readings/2026/11/21/";
const EVENT = { scheduledTime: "2026-11-21T11:05:00Z", window: "previous-hour" };
const MANIFEST = "manifests/readings/2026/11/21/1000-req-0.json";
const at = (minute: number) => Date.UTC(2026, 10, 21, 10, minute);

/** A Firehose output object: gzip JSON lines, as the COPY reads them. */
const firehoseObject = (lines: readonly object[]) => gzipSync(lines.map((l) => JSON.stringify(l)).join("\n") + "\n");

describe("the warehouse loader Lambda archive as Pulumi uploads it", function () {
  this.timeout(120_000);
  let fn: UnpackedFunction;

  before(async () => {
    fn = await unpackFunction(await runProgram("prod"), "sharing-warehouse-loader-fn");
  });

  after(() => fn?.remove());

  async function withStandIn<T>(run: (stand: DataStandIn) => Promise<T>, redshift = true): Promise<T> {
    const stand = await startDataStandIn({ redshift });
    try {
      return await run(stand);
    } finally {
      await stand.close();
    }
  }

  async function rows(stand: DataStandIn, sql: string): Promise<unknown[][]> {
    return (await stand.redshift!.db.query<unknown[]>(sql, [], { rowMode: "array" })).rows;
  }

  it("holds the serialized handler and Powertools, neither the SDK nor PGlite, under 1 MB zipped", () => {
    const names = fn.files.map((f) => f.name);
    expect(names).to.include("__index.js");
    expect(names.filter((n) => /@aws-sdk|duckdb|@pulumi|pglite/.test(n))).to.deep.equal([]);
    expect(zipBytes(fn.files)).to.be.below(1024 * 1024);
  });

  it("COPYs the hour's objects through a manifest in one transaction, keeps the latest of a re-delivered reading and records each object once", async () => {
    await withStandIn(async (stand) => {
      putObject(
        stand.buckets,
        RAW,
        `${DAY}a.gz`,
        firehoseObject([trainRow("train-1", "TP2", 1.5), trainRow("train-1", "TP3", 9.1), trainRow("train-2", "TP2", 2.5)]),
        at(10),
      );
      putObject(stand.buckets, RAW, `${DAY}b.gz`, firehoseObject([trainRow("train-1", "TP2", 1.7, 3000), trainRow("train-3", "TP2", 0.5)]), at(40));
      putObject(stand.buckets, RAW, `${DAY}empty.gz`, "", at(41));
      // written after the window closed: the next run's
      putObject(stand.buckets, RAW, `${DAY}late.gz`, firehoseObject([trainRow("train-9", "TP2", 9)]), Date.UTC(2026, 10, 21, 11, 1));

      const { outcomes, lines } = await fn.invoke([EVENT, EVENT], stand.endpoint);

      expect(outcomes[0]).to.deep.equal({
        ok: {
          window: { start: "2026-11-21T10:00:00.000Z", end: "2026-11-21T11:00:00.000Z" },
          listed: 3,
          skipped: [{ key: `${DAY}empty.gz`, reason: "object is empty" }],
          alreadyLoaded: 0,
          alreadyRejected: 0,
          deferred: 0,
          rejected: [],
          loaded: [`${DAY}a.gz`, `${DAY}b.gz`],
          manifestKey: MANIFEST,
          statementId: "stmt-2",
          rowsWritten: 4,
        },
      });
      expect((outcomes[1].ok as { loaded: string[]; alreadyLoaded: number }).loaded).to.deep.equal([]);
      expect((outcomes[1].ok as { alreadyLoaded: number }).alreadyLoaded).to.equal(2);
      expect(await rows(stand, 'SELECT device_id, metric, value, received_at FROM "public"."readings" ORDER BY device_id, metric')).to.deep.equal([
        ["train-1", "TP2", 1.7, 3000],
        ["train-1", "TP3", 9.1, 1000],
        ["train-2", "TP2", 2.5, 1000],
        ["train-3", "TP2", 0.5, 1000],
      ]);
      expect(await rows(stand, 'SELECT object_key, rows_loaded, manifest_key FROM "public"."load_history" ORDER BY object_key')).to.deep.equal([
        [`${DAY}a.gz`, 3, MANIFEST],
        [`${DAY}b.gz`, 2, MANIFEST],
      ]);
      const manifest = JSON.parse(stand.buckets.get(RAW)!.get(MANIFEST)!.body.toString("utf8"));
      expect(manifest.entries.map((e: { url: string; mandatory: boolean }) => [e.url, e.mandatory])).to.deep.equal([
        [`s3://${RAW}/${DAY}a.gz`, true],
        [`s3://${RAW}/${DAY}b.gz`, true],
      ]);
      const copy = stand.redshift!.statements[1];
      expect(copy.target).to.deep.equal({ clusterId: "gridrail-prod-warehouse", database: "gridrail", secretArn: fn.variables.SECRET_ARN });
      expect(copy.subs[3].sql).to.equal(
        `COPY "readings_staging" FROM 's3://${RAW}/${MANIFEST}' IAM_ROLE '${fn.variables.COPY_ROLE_ARN}' MANIFEST FORMAT AS JSON 'auto' GZIP TIMEFORMAT 'auto' COMPUPDATE OFF STATUPDATE OFF`,
      );
      const [first, rerun] = metricRecords(lines, "gridrail/prod");
      expect(first).to.deep.include({ LoadsMerged: 1, ObjectsLoaded: 2, RowsLoaded: 4, ObjectsSkipped: 1, ObjectsDeferred: 0 });
      expect(rerun).to.deep.include({ LoadsMerged: 0, ObjectsLoaded: 0 });
      const loaded = lines.find((l) => l.message === "readings loaded");
      expect(loaded).to.deep.include({ level: "INFO", service: "redshiftLoader", function_request_id: "req-0", rowsWritten: 4, statementId: "stmt-2" });
    });
  });

  it("sets aside an object Redshift refuses, loads the rest in the same run, and loads the object once uploaded again fixed", async () => {
    await withStandIn(async (stand) => {
      const { source: _source, ...bad } = trainRow("train-2", "TP2", 2.5);
      putObject(stand.buckets, RAW, `${DAY}good.gz`, firehoseObject([trainRow("train-1", "TP2", 1.5)]), at(5));
      putObject(stand.buckets, RAW, `${DAY}bad.gz`, firehoseObject([trainRow("train-2", "TP3", 1), bad]), at(6));

      const { outcomes, lines } = await fn.invoke([EVENT, EVENT], stand.endpoint);

      const reason = 'null value in column "source" of relation "readings_staging" violates not-null constraint'.slice(0, 100);
      const retry = MANIFEST.replace(".json", "-2.json");
      expect(outcomes[0].ok).to.deep.include({
        rejected: [{ key: `${DAY}bad.gz`, reason: `line 2 column source: ${reason}` }],
        loaded: [`${DAY}good.gz`],
        manifestKey: retry,
        rowsWritten: 1,
      });
      expect(outcomes[1].ok).to.deep.include({ alreadyLoaded: 1, alreadyRejected: 1, rejected: [], loaded: [] });
      expect(await rows(stand, 'SELECT device_id, metric FROM "public"."readings"')).to.deep.equal([["train-1", "TP2"]]);
      const etag = stand.buckets.get(RAW)!.get(`${DAY}bad.gz`)!.etag;
      expect(
        await rows(stand, 'SELECT object_key, etag, line_number, column_name, reason, manifest_key, rejected_at IS NOT NULL FROM "public"."load_rejects"'),
      ).to.deep.equal([[`${DAY}bad.gz`, etag, 2, "source", reason, MANIFEST, true]]);
      const [first, rerun] = metricRecords(lines, "gridrail/prod");
      expect(first).to.deep.include({ LoadsMerged: 1, ObjectsLoaded: 1, ObjectsRejected: 1 });
      expect(rerun).to.deep.include({ LoadsMerged: 0, ObjectsRejected: 0 });
      expect(metricValues(lines, "gridrail/prod")).to.not.have.property("LoadsFailed");
      const error = lines.find((l) => l.level === "ERROR");
      expect(error).to.deep.include({ message: "raw object rejected", service: "redshiftLoader", key: `${DAY}bad.gz`, etag, manifestKey: MANIFEST });

      // the operator repairs the object and uploads it again under its key: the next hour's run loads it
      putObject(
        stand.buckets,
        RAW,
        `${DAY}bad.gz`,
        firehoseObject([trainRow("train-2", "TP3", 1), trainRow("train-2", "TP2", 2.5)]),
        Date.UTC(2026, 10, 21, 11, 30),
      );
      const next = await fn.invoke([{ ...EVENT, scheduledTime: "2026-11-21T12:05:00Z" }], stand.endpoint);
      expect(next.outcomes[0].ok).to.deep.include({ alreadyLoaded: 1, alreadyRejected: 0, loaded: [`${DAY}bad.gz`], rowsWritten: 2 });
      expect(await rows(stand, 'SELECT device_id, metric FROM "public"."readings" ORDER BY device_id, metric')).to.deep.equal([
        ["train-1", "TP2"],
        ["train-2", "TP2"],
        ["train-2", "TP3"],
      ]);
    });
  });

  it("fails a load Redshift refuses for a reason that names no object, commits nothing and counts LoadsFailed", async () => {
    await withStandIn(async (stand) => {
      putObject(stand.buckets, RAW, `${DAY}good.gz`, firehoseObject([trainRow("train-1", "TP2", 1.5)]), at(5));
      // listed, then gone before the COPY reads it: the manifest's mandatory entry fails the load
      const gone = { key: `${DAY}gone.gz`, body: firehoseObject([trainRow("train-1", "TP3", 2)]) };
      putObject(stand.buckets, RAW, gone.key, gone.body, at(6));
      stand.onRequest((call) => {
        if (call === `s3 PutObject ${RAW}/${MANIFEST}`) stand.buckets.get(RAW)!.delete(gone.key);
      });

      const { outcomes, lines } = await fn.invoke([EVENT], stand.endpoint);

      expect(outcomes[0].error).to.include({ name: "LoadError" });
      expect(outcomes[0].error!.message).to.match(
        new RegExp(
          `^load of 2 object\\(s\\) from manifest ${MANIFEST} FAILED, nothing committed \\(statement stmt-2\\): S3ServiceException:The specified key does not exist`,
        ),
      );
      expect(await rows(stand, 'SELECT count(*)::int FROM "public"."readings"')).to.deep.equal([[0]]);
      expect(await rows(stand, 'SELECT count(*)::int FROM "public"."load_history"')).to.deep.equal([[0]]);
      expect(await rows(stand, 'SELECT count(*)::int FROM "public"."load_rejects"')).to.deep.equal([[0]]);
      expect(metricValues(lines, "gridrail/prod")).to.deep.include({ LoadsFailed: 1, ObjectsRejected: 0 });
      const error = lines.find((l) => l.level === "ERROR");
      expect(error).to.deep.include({ service: "redshiftLoader", statementId: "stmt-2", manifestKey: MANIFEST });
    });
  });

  it("refuses a schedule input without a window, naming the field, and touches nothing", async () => {
    await withStandIn(async (stand) => {
      const { outcomes } = await fn.invoke([{ scheduledTime: "2026-11-21T11:05:00Z" }], stand.endpoint);

      expect(outcomes).to.deep.equal([{ error: { name: "SettingsError", message: 'event field "window" must be "previous-hour", got undefined' } }]);
      expect(stand.calls).to.deep.equal([]);
    }, false);
  });
});
