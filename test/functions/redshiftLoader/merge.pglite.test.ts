import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";
import { COPY_INDEX, loadedKeysSql, loadStatements, RawObject, rowsUpdateSql } from "../../../functions/redshiftLoader/loadSql";
import { schemaSql } from "../../../functions/redshiftLoader/schema";
import { ReadingRow } from "../../../functions/shared/readingsTable";
import { trainRow } from "../../helpers/readingRows";

/**
 * The portable part of the load (staging and batch tables, merge, history, rows update, loaded-keys lookup) run
 * unchanged on PostgreSQL (PGlite). Redshift-only statements stay out: the DDL runs without its DISTKEY/SORTKEY
 * suffix and the test fills the staging table where the COPY would.
 */
const object = (name: string): RawObject => ({ key: `readings/2026/11/21/${name}.gz`, etag: `etag-${name}`, size: 100, lastModified: 0 });

describe("Redshift loader merge on PGlite", () => {
  let db: PGlite;

  // one PGlite for the file (starting one takes seconds); each test starts from empty tables
  before(async () => {
    db = new PGlite();
    for (const sql of schemaSql("postgres")) await db.exec(sql);
  });

  beforeEach(async () => {
    await db.exec('TRUNCATE "public"."readings", "public"."load_history"');
  });

  after(async () => {
    await db.close();
  });

  /** One load as Redshift runs it, in one transaction, with the COPY replaced by inserting `staged`. */
  async function load(objects: RawObject[], staged: readonly ReadingRow[], manifest: string): Promise<void> {
    const sqls = loadStatements({
      bucket: "raw",
      manifestKey: manifest,
      copyRoleArn: "arn:aws:iam::1:role/copy",
      objects,
      loadedAt: Date.UTC(2026, 10, 21, 11, 5),
    });
    await db.exec("BEGIN");
    try {
      for (const [i, sql] of sqls.entries()) {
        if (i !== COPY_INDEX) {
          await db.exec(sql);
          continue;
        }
        for (const r of staged) {
          await db.query('INSERT INTO "readings_staging" VALUES ($1, $2, $3, $4, $5, $6, $7)', [
            r.source,
            r.device_id,
            r.event_time.replace("T", " ").replace("Z", ""),
            r.received_at,
            r.metric,
            r.value,
            r.detail,
          ]);
        }
      }
      await db.exec("COMMIT");
    } catch (e) {
      await db.exec("ROLLBACK");
      throw e;
    }
  }

  async function readings(): Promise<[string, string, number, number][]> {
    const out = await db.query<{ device_id: string; metric: string; value: number; received_at: string }>(
      'SELECT device_id, metric, value, received_at FROM "public"."readings" ORDER BY device_id, metric, event_time',
    );
    return out.rows.map((r) => [r.device_id, r.metric, r.value, Number(r.received_at)]);
  }

  async function history(): Promise<[string, string, string | null][]> {
    const out = await db.query<{ object_key: string; manifest_key: string; rows_loaded: string | null }>(
      'SELECT object_key, manifest_key, rows_loaded FROM "public"."load_history" ORDER BY object_key',
    );
    return out.rows.map((r) => [r.object_key, r.manifest_key, r.rows_loaded === null ? null : String(r.rows_loaded)]);
  }

  it("loads the same staged rows twice without duplicating readings or history", async () => {
    const staged = [trainRow("train-1", "TP2", 1.5), trainRow("train-1", "TP3", 9.1), trainRow("train-2", "TP2", 2.5)];
    await load([object("a"), object("b")], staged, "manifests/run-1.json");
    await load([object("a"), object("b")], staged, "manifests/run-2.json");
    expect(await readings()).to.deep.equal([
      ["train-1", "TP2", 1.5, 1000],
      ["train-1", "TP3", 9.1, 1000],
      ["train-2", "TP2", 2.5, 1000],
    ]);
    expect(await history()).to.deep.equal([
      ["readings/2026/11/21/a.gz", "manifests/run-1.json", null],
      ["readings/2026/11/21/b.gz", "manifests/run-1.json", null],
    ]);
    const dupes = await db.query('SELECT source, device_id, event_time, metric FROM "public"."readings" GROUP BY 1, 2, 3, 4 HAVING COUNT(*) > 1');
    expect(dupes.rows).to.deep.equal([]);
  });

  it("keeps one row per reading when a message was delivered twice, the latest received", async () => {
    await load([object("a")], [trainRow("train-1", "TP2", 1.5, 1000), trainRow("train-1", "TP2", 1.6, 2000)], "manifests/run-1.json");
    expect(await readings()).to.deep.equal([["train-1", "TP2", 1.6, 2000]]);
  });

  it("replaces a reading that a later object carries again and keeps the others", async () => {
    await load([object("a")], [trainRow("train-1", "TP2", 1.5, 1000), trainRow("train-1", "TP3", 9.1, 1000)], "manifests/run-1.json");
    await load(
      [object("b")],
      [trainRow("train-1", "TP2", 1.7, 3000), trainRow("train-1", "TP2", 1.1, 1000, "2026-11-21T10:30:10.000Z")],
      "manifests/run-2.json",
    );
    expect(await readings()).to.deep.equal([
      ["train-1", "TP2", 1.7, 3000],
      ["train-1", "TP2", 1.1, 1000],
      ["train-1", "TP3", 9.1, 1000],
    ]);
    expect((await history()).map((h) => h[0])).to.deep.equal(["readings/2026/11/21/a.gz", "readings/2026/11/21/b.gz"]);
  });

  it("keeps a reading loaded earlier when a later load carries an older copy of it (a record sent again by hand)", async () => {
    await load([object("a")], [trainRow("train-1", "TP2", 0.55, 2000)], "manifests/run-1.json");
    await load([object("b")], [trainRow("train-1", "TP2", 0.42, 1000), trainRow("train-1", "TP3", 9.1, 1000)], "manifests/run-2.json");
    expect(await readings()).to.deep.equal([
      ["train-1", "TP2", 0.55, 2000],
      ["train-1", "TP3", 9.1, 1000],
    ]);
  });

  it("ranks copies received at the same time by value whichever load brings them, and keeps one anomaly row without detail", async () => {
    await load([object("a")], [trainRow("train-1", "TP2", 1, 1000)], "manifests/run-1.json");
    await load([object("b")], [trainRow("train-1", "TP2", 2, 1000)], "manifests/run-2.json");
    await load([object("c")], [trainRow("train-1", "TP2", 1, 1000)], "manifests/run-3.json");
    const bare = { ...trainRow("train-1", "anomaly", 0.5, 1000), source: "anomalies" as const, detail: null };
    await load([object("d")], [bare], "manifests/run-4.json");
    await load([object("e")], [bare], "manifests/run-5.json");
    expect(await readings()).to.deep.equal([
      ["train-1", "TP2", 2, 1000],
      ["train-1", "anomaly", 0.5, 1000],
    ]);
  });

  it("keeps every anomaly event of one reading time: two groups' openings and an episode's clearing", async () => {
    const event = (episodeId: string, state: string, sensors: string[], grade: number, receivedAt = 1000): ReadingRow => ({
      ...trainRow("train-1", "anomaly", grade, receivedAt),
      source: "anomalies",
      detail: JSON.stringify({ episodeId, state, sensors }),
    });
    const events = [
      event("pressure-1", "open", ["TP2"], 0.8),
      event("oil-1", "open", ["Oil_temperature"], 0.7),
      event("motor-0", "cleared", ["Motor_current"], 0.1),
    ];
    await load([object("a")], events, "manifests/run-1.json");
    // the same messages delivered again, one of them twice, in a later object
    await load([object("b")], [events[0], events[0], { ...events[2], received_at: 1500 }], "manifests/run-2.json");
    const out = await db.query<{ detail: string; received_at: string }>('SELECT detail, received_at FROM "public"."readings" ORDER BY detail');
    expect(out.rows.map((r) => [JSON.parse(r.detail).episodeId, Number(r.received_at)])).to.deep.equal([
      ["motor-0", 1500],
      ["oil-1", 1000],
      ["pressure-1", 1000],
    ]);
  });

  it("commits nothing when a statement of the load fails", async () => {
    const bad = trainRow("train-1", "TP2", 1.5);
    await load([object("a")], [bad], "manifests/run-1.json");
    const failing = { ...trainRow("train-2", "TP2", 2), source: null as unknown as ReadingRow["source"] };
    let error = "";
    await load([object("b")], [failing], "manifests/run-2.json").catch((e: Error) => {
      error = e.message;
    });
    expect(error).to.match(/null value in column "source"/);
    expect(await readings()).to.deep.equal([["train-1", "TP2", 1.5, 1000]]);
    expect((await history()).map((h) => h[0])).to.deep.equal(["readings/2026/11/21/a.gz"]);
  });

  it("finds the loaded keys of a day folder and fills rows_loaded once", async () => {
    await load([object("a"), object("b")], [trainRow("train-1", "TP2", 1.5)], "manifests/run-1.json");
    const keys = await db.query<{ object_key: string }>(loadedKeysSql(["readings/2026/11/20/", "readings/2026/11/21/"]));
    expect(keys.rows.map((r) => r.object_key).sort()).to.deep.equal(["readings/2026/11/21/a.gz", "readings/2026/11/21/b.gz"]);
    await db.exec(rowsUpdateSql([{ key: "readings/2026/11/21/a.gz", rows: 7 }]));
    await db.exec(
      rowsUpdateSql([
        { key: "readings/2026/11/21/a.gz", rows: 99 },
        { key: "readings/2026/11/21/b.gz", rows: 3 },
      ]),
    );
    expect((await history()).map((h) => [h[0], h[2]])).to.deep.equal([
      ["readings/2026/11/21/a.gz", "7"],
      ["readings/2026/11/21/b.gz", "3"],
    ]);
  });
});
