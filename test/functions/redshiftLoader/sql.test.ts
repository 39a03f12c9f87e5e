import { expect } from "chai";
import {
  loadedKeysSql,
  loadErrorsSql,
  loadStatements,
  rejectedKeysSql,
  rejectsInsertSql,
  rowCountsSql,
  rowsUpdateSql,
} from "../../../functions/redshiftLoader/loadSql";
import { describeLine, rejectedLine, rejectedObjects } from "../../../functions/redshiftLoader/rejects";
import { loadWindow, manifestKey } from "../../../functions/redshiftLoader/loadWindow";
import { manifestBody, skipReason } from "../../../functions/redshiftLoader/manifest";
import { schemaSql } from "../../../functions/redshiftLoader/schema";
import { loaderSettings } from "../../../functions/redshiftLoader/settings";
import { qualified, quoteIdent, quoteLiteral, timestampLiteral } from "../../../functions/redshiftLoader/sqlText";

export const OBJECTS = [
  { key: "readings/2026/11/21/a-1.gz", etag: "e1", size: 100, lastModified: Date.UTC(2026, 10, 21, 10, 20) },
  { key: "readings/2026/11/21/o'brien.gz", etag: "e2", size: 200, lastModified: Date.UTC(2026, 10, 21, 10, 40) },
];
const MANIFEST = "manifests/readings/2026/11/21/1000-req-1.json";
const ROLE = "arn:aws:iam::123456789012:role/sharing-warehouse-copy-role";
const READINGS_COLUMNS =
  '"source" VARCHAR(16) NOT NULL, "device_id" VARCHAR(128) NOT NULL, "event_time" TIMESTAMP NOT NULL, "received_at" BIGINT NOT NULL, ' +
  '"metric" VARCHAR(64) NOT NULL, "value" DOUBLE PRECISION NOT NULL, "detail" VARCHAR(4096)';
const HISTORY_COLUMNS =
  '"object_key" VARCHAR(1024) NOT NULL, "etag" VARCHAR(64) NOT NULL, "size_bytes" BIGINT NOT NULL, "rows_loaded" BIGINT, ' +
  '"manifest_key" VARCHAR(1024) NOT NULL, "loaded_at" TIMESTAMP NOT NULL';
const REJECTS_COLUMNS =
  '"object_key" VARCHAR(1024) NOT NULL, "etag" VARCHAR(64) NOT NULL, "size_bytes" BIGINT NOT NULL, "line_number" BIGINT, ' +
  '"column_name" VARCHAR(127) NOT NULL, "reason" VARCHAR(256) NOT NULL, "manifest_key" VARCHAR(1024) NOT NULL, "rejected_at" TIMESTAMP NOT NULL';
const COLS = '"source", "device_id", "event_time", "received_at", "metric", "value", "detail"';

describe("Redshift loader SQL", () => {
  describe("quoting", () => {
    const identifiers: [string, string][] = [
      ["readings", '"readings"'],
      ["Mixed Case", '"Mixed Case"'],
      ['we"ird', '"we""ird"'],
      ["value", '"value"'],
    ];
    for (const [name, quoted] of identifiers) {
      it(`quotes the identifier ${JSON.stringify(name)} as ${quoted}`, () => expect(quoteIdent(name)).to.equal(quoted));
    }
    const literals: [string, string][] = [
      ["plain", "'plain'"],
      ["o'brien", "'o''brien'"],
      ["''", "''''''"],
      ["50%_off", "'50%_off'"],
      ["", "''"],
    ];
    for (const [value, quoted] of literals) {
      it(`quotes the literal ${JSON.stringify(value)} as ${quoted}`, () => expect(quoteLiteral(value)).to.equal(quoted));
    }
    const refused: [string, () => string, string][] = [
      ["an empty identifier", () => quoteIdent(""), 'identifier "" must be 1-127 bytes without control characters'],
      ["a 128-byte identifier", () => quoteIdent("x".repeat(128)), `identifier "${"x".repeat(128)}" must be 1-127 bytes without control characters`],
      ["a newline in an identifier", () => quoteIdent("a\nb"), 'identifier "a\\nb" must be 1-127 bytes without control characters'],
      [
        "a backslash in a literal",
        () => quoteLiteral("a\\'; DROP"),
        `literal "a\\\\'; DROP" contains a backslash or a control character, which Redshift and PostgreSQL read differently`,
      ],
      [
        "a NUL in a literal",
        () => quoteLiteral("a\u0000"),
        'literal "a\\u0000" contains a backslash or a control character, which Redshift and PostgreSQL read differently',
      ],
    ];
    for (const [name, run, message] of refused) {
      it(`refuses ${name}`, () => expect(run).to.throw(message));
    }
    it("qualifies tables and writes timestamps as UTC literals both engines parse", () => {
      expect(qualified("public", "readings")).to.equal('"public"."readings"');
      expect(timestampLiteral(Date.UTC(2026, 10, 21, 11, 5, 3, 120))).to.equal("CAST('2026-11-21 11:05:03.120' AS TIMESTAMP)");
    });
  });

  describe("schema", () => {
    it("creates readings distributed by device and sorted by time, a load history and the rejected objects, on Redshift", () => {
      expect(schemaSql("redshift")).to.deep.equal([
        `CREATE TABLE IF NOT EXISTS "public"."readings" (${READINGS_COLUMNS}) DISTSTYLE KEY DISTKEY ("device_id") COMPOUND SORTKEY ("event_time", "device_id")`,
        `CREATE TABLE IF NOT EXISTS "public"."load_history" (${HISTORY_COLUMNS}) DISTSTYLE ALL SORTKEY ("object_key")`,
        `CREATE TABLE IF NOT EXISTS "public"."load_rejects" (${REJECTS_COLUMNS}) DISTSTYLE ALL SORTKEY ("object_key")`,
      ]);
    });

    it("creates the same columns without the physical design on PostgreSQL", () => {
      expect(schemaSql("postgres")).to.deep.equal([
        `CREATE TABLE IF NOT EXISTS "public"."readings" (${READINGS_COLUMNS})`,
        `CREATE TABLE IF NOT EXISTS "public"."load_history" (${HISTORY_COLUMNS})`,
        `CREATE TABLE IF NOT EXISTS "public"."load_rejects" (${REJECTS_COLUMNS})`,
      ]);
    });
  });

  describe("load", () => {
    it("builds the one-transaction batch: staging, batch rows, COPY from the manifest, merge, history, clean-up", () => {
      expect(
        loadStatements({
          bucket: "sharing-raw-bucket",
          manifestKey: MANIFEST,
          copyRoleArn: ROLE,
          objects: OBJECTS,
          loadedAt: Date.UTC(2026, 10, 21, 11, 5, 3, 120),
        }),
      ).to.deep.equal([
        'CREATE TEMP TABLE "readings_staging" (LIKE "public"."readings")',
        'CREATE TEMP TABLE "load_batch" ("object_key" VARCHAR(1024) NOT NULL, "etag" VARCHAR(64) NOT NULL, "size_bytes" BIGINT NOT NULL)',
        `INSERT INTO "load_batch" ("object_key", "etag", "size_bytes") VALUES ('readings/2026/11/21/a-1.gz', 'e1', 100), ('readings/2026/11/21/o''brien.gz', 'e2', 200)`,
        `COPY "readings_staging" FROM 's3://sharing-raw-bucket/${MANIFEST}' IAM_ROLE '${ROLE}' MANIFEST FORMAT AS JSON 'auto' GZIP TIMEFORMAT 'auto' COMPUPDATE OFF STATUPDATE OFF`,
        'DELETE FROM "public"."readings" USING "readings_staging" WHERE "readings"."source" = "readings_staging"."source" AND "readings"."device_id" = "readings_staging"."device_id" ' +
          'AND "readings"."event_time" = "readings_staging"."event_time" AND "readings"."metric" = "readings_staging"."metric" ' +
          `AND ("readings"."source" <> 'anomalies' OR COALESCE("readings"."detail", '') = COALESCE("readings_staging"."detail", '')) ` +
          'AND ("readings"."received_at" < "readings_staging"."received_at" OR ("readings"."received_at" = "readings_staging"."received_at" AND "readings"."value" <= "readings_staging"."value"))',
        `INSERT INTO "public"."readings" (${COLS}) SELECT ${COLS} FROM (SELECT ${COLS}, ROW_NUMBER() OVER (PARTITION BY "source", "device_id", "event_time", "metric", ` +
          `CASE WHEN "source" = 'anomalies' THEN "detail" END ORDER BY "received_at" DESC, "value" DESC) AS "copy_rank" FROM "readings_staging") AS "ranked" WHERE "copy_rank" = 1 ` +
          'AND NOT EXISTS (SELECT 1 FROM "public"."readings" AS "kept" WHERE "kept"."source" = "ranked"."source" AND "kept"."device_id" = "ranked"."device_id" ' +
          `AND "kept"."event_time" = "ranked"."event_time" AND "kept"."metric" = "ranked"."metric" AND ("kept"."source" <> 'anomalies' OR COALESCE("kept"."detail", '') = COALESCE("ranked"."detail", '')))`,
        `INSERT INTO "public"."load_history" ("object_key", "etag", "size_bytes", "rows_loaded", "manifest_key", "loaded_at") SELECT "object_key", "etag", "size_bytes", ` +
          `CAST(NULL AS BIGINT), '${MANIFEST}', CAST('2026-11-21 11:05:03.120' AS TIMESTAMP) FROM "load_batch" ` +
          'WHERE NOT EXISTS (SELECT 1 FROM "public"."load_history" AS "done" WHERE "done"."object_key" = "load_batch"."object_key")',
        'DROP TABLE "readings_staging"',
        'DROP TABLE "load_batch"',
      ]);
    });

    it("looks up the loaded keys of the listed day folders", () => {
      expect(loadedKeysSql(["readings/2026/11/20/", "readings/2026/11/21/"])).to.equal(
        `SELECT "object_key" FROM "public"."load_history" WHERE "object_key" LIKE 'readings/2026/11/20/%' OR "object_key" LIKE 'readings/2026/11/21/%'`,
      );
      expect(() => loadedKeysSql(["readings/2026_11/"])).to.throw('prefix "readings/2026_11/" must not contain LIKE wildcards % or _');
      expect(() => loadedKeysSql([])).to.throw("loadedKeysSql needs at least one prefix");
    });

    it("looks up the objects set aside in the listed day folders, with the ETag they were refused with", () => {
      expect(rejectedKeysSql(["readings/2026/11/21/"])).to.equal(
        `SELECT "object_key", "etag" FROM "public"."load_rejects" WHERE "object_key" LIKE 'readings/2026/11/21/%'`,
      );
      expect(() => rejectedKeysSql(["readings/%/"])).to.throw('prefix "readings/%/" must not contain LIKE wildcards % or _');
      expect(() => rejectedKeysSql([])).to.throw("rejectedKeysSql needs at least one prefix");
    });

    it("records refused objects with their first rejected line; Redshift's text is made safe to quote", () => {
      const at = Date.UTC(2026, 10, 21, 11, 5, 3, 120);
      expect(
        rejectsInsertSql(
          [
            { object: OBJECTS[0], line: 3, column: "value", reason: "Invalid digit, Value 'x', Pos 0, Type: Double" },
            { object: OBJECTS[1], line: null, column: "", reason: "bad \\ text\nhere" },
          ],
          MANIFEST,
          at,
        ),
      ).to.equal(
        `INSERT INTO "public"."load_rejects" ("object_key", "etag", "size_bytes", "line_number", "column_name", "reason", "manifest_key", "rejected_at") VALUES ` +
          `('readings/2026/11/21/a-1.gz', 'e1', 100, 3, 'value', 'Invalid digit, Value ''x'', Pos 0, Type: Double', '${MANIFEST}', CAST('2026-11-21 11:05:03.120' AS TIMESTAMP)), ` +
          `('readings/2026/11/21/o''brien.gz', 'e2', 200, CAST(NULL AS BIGINT), '', 'bad ? text?here', '${MANIFEST}', CAST('2026-11-21 11:05:03.120' AS TIMESTAMP))`,
      );
      expect(rejectsInsertSql([{ object: OBJECTS[0], line: 1, column: "c".repeat(200), reason: "r".repeat(300) }], MANIFEST, at)).to.include(
        `1, '${"c".repeat(127)}', '${"r".repeat(256)}'`,
      );
      expect(() => rejectsInsertSql([], MANIFEST, at)).to.throw("rejectsInsertSql needs at least one object");
    });

    it("reads rows per file and the first load errors of one COPY from the STL tables", () => {
      expect(rowCountsSql(4242)).to.equal(
        "SELECT TRIM(filename) AS filename, SUM(lines_scanned) AS line_count FROM stl_load_commits WHERE query = 4242 GROUP BY TRIM(filename)",
      );
      expect(loadErrorsSql(4242)).to.equal(
        "SELECT TRIM(filename) AS filename, line_number, TRIM(colname) AS colname, TRIM(err_reason) AS err_reason FROM stl_load_errors WHERE query = 4242 ORDER BY line_number LIMIT 100",
      );
      expect(() => rowCountsSql(1.5)).to.throw("COPY query id must be an integer, got 1.5");
    });

    it("fills rows_loaded only where it is still unknown", () => {
      expect(
        rowsUpdateSql([
          { key: OBJECTS[0].key, rows: 10 },
          { key: OBJECTS[1].key, rows: 5 },
        ]),
      ).to.equal(
        `UPDATE "public"."load_history" SET "rows_loaded" = CASE "object_key" WHEN 'readings/2026/11/21/a-1.gz' THEN 10 WHEN 'readings/2026/11/21/o''brien.gz' THEN 5 END ` +
          `WHERE "object_key" IN ('readings/2026/11/21/a-1.gz', 'readings/2026/11/21/o''brien.gz') AND "rows_loaded" IS NULL`,
      );
    });

    it("writes a manifest whose entries are all mandatory, with their sizes", () => {
      expect(JSON.parse(manifestBody("sharing-raw-bucket", OBJECTS))).to.deep.equal({
        entries: [
          { url: "s3://sharing-raw-bucket/readings/2026/11/21/a-1.gz", mandatory: true, meta: { content_length: 100 } },
          { url: "s3://sharing-raw-bucket/readings/2026/11/21/o'brien.gz", mandatory: true, meta: { content_length: 200 } },
        ],
      });
    });

    const skips: [string, number, string | undefined][] = [
      ["readings/2026/11/21/sharing-1-2026-11-21-10-30-00-abc.gz", 10, undefined],
      ["readings/2026/11/21/", 0, "key is not readings/yyyy/MM/dd/<name> of S3-safe characters"],
      ["readings/2026/11/21/back\\slash.gz", 10, "key is not readings/yyyy/MM/dd/<name> of S3-safe characters"],
      ["readings/2026/11/21/x y.gz", 10, "key is not readings/yyyy/MM/dd/<name> of S3-safe characters"],
      ["readings/2026/11/21/empty.gz", 0, "object is empty"],
    ];
    for (const [key, size, reason] of skips) {
      it(`${reason ? "skips" : "loads"} ${JSON.stringify(key)} (${size} bytes)`, () => {
        expect(skipReason({ key, size, etag: "e", lastModified: 0 })).to.equal(reason);
      });
    }
  });

  describe("window and settings", () => {
    it("loads the previous hour and lists its day and the week before, so a week's outage is caught up", () => {
      const w = loadWindow({ scheduledTime: "2026-11-21T00:05:00Z", window: "previous-hour" });
      expect([new Date(w.start).toISOString(), new Date(w.end).toISOString()]).to.deep.equal(["2026-11-20T23:00:00.000Z", "2026-11-21T00:00:00.000Z"]);
      expect(w.prefixes).to.deep.equal([
        "readings/2026/11/13/",
        "readings/2026/11/14/",
        "readings/2026/11/15/",
        "readings/2026/11/16/",
        "readings/2026/11/17/",
        "readings/2026/11/18/",
        "readings/2026/11/19/",
        "readings/2026/11/20/",
      ]);
      expect(manifestKey(w, "8f2c/req 1")).to.equal("manifests/readings/2026/11/20/2300-8f2c-req-1.json");
      expect(manifestKey(w, "8f2c/req 1", 1)).to.equal("manifests/readings/2026/11/20/2300-8f2c-req-1.json");
      expect(manifestKey(w, "8f2c/req 1", 2)).to.equal("manifests/readings/2026/11/20/2300-8f2c-req-1-2.json");
    });

    const badEvents: [unknown, string][] = [
      [{}, 'event field "window" must be "previous-hour", got undefined'],
      [{ scheduledTime: "2026-11-21T00:05:00Z", window: "day" }, 'event field "window" must be "previous-hour", got "day"'],
      [
        { scheduledTime: "<aws.scheduler.scheduled-time>", window: "previous-hour" },
        'event field "scheduledTime" must be an ISO 8601 time with a zone, got "<aws.scheduler.scheduled-time>"',
      ],
      [
        { scheduledTime: "2026-11-21T00:05:00", window: "previous-hour" },
        'event field "scheduledTime" must be an ISO 8601 time with a zone, got "2026-11-21T00:05:00"',
      ],
    ];
    for (const [event, message] of badEvents) {
      it(`refuses the schedule input ${JSON.stringify(event)}`, () => expect(() => loadWindow(event)).to.throw(message));
    }

    it("names every missing environment variable", () => {
      expect(() => loaderSettings({})).to.throw("environment variables CLUSTER_ID, DATABASE, SECRET_ARN, RAW_BUCKET, COPY_ROLE_ARN must be set");
      expect(() => loaderSettings({ CLUSTER_ID: "c", DATABASE: "d", SECRET_ARN: "s", RAW_BUCKET: "b" })).to.throw(
        "environment variable COPY_ROLE_ARN must be set",
      );
      expect(loaderSettings({ CLUSTER_ID: "c", DATABASE: "d", SECRET_ARN: "s", RAW_BUCKET: "b", COPY_ROLE_ARN: "r" })).to.deep.equal({
        clusterId: "c",
        database: "d",
        secretArn: "s",
        rawBucket: "b",
        copyRoleArn: "r",
      });
    });
  });

  describe("rejected lines to refused objects", () => {
    const url = (o: (typeof OBJECTS)[number]) => `s3://raw/${o.key}`;
    const cases: [string, unknown[][], [string, number | null, string][]][] = [
      ["no line names nothing", [], []],
      ["one line names its object", [[url(OBJECTS[1]), 4, "value", "Invalid digit"]], [[OBJECTS[1].key, 4, "Invalid digit"]]],
      [
        "an object's first line is kept, objects in the load's order",
        [
          [url(OBJECTS[1]), 9, "c", "later"],
          [url(OBJECTS[0]), 2, "c", "a's"],
          [url(OBJECTS[1]), 3, "c", "first"],
        ],
        [
          [OBJECTS[0].key, 2, "a's"],
          [OBJECTS[1].key, 3, "first"],
        ],
      ],
      [
        "a file of another bucket or load names nothing",
        [
          ["s3://other/readings/2026/11/21/a-1.gz", 1, "c", "x"],
          ["s3://raw/readings/2026/11/21/zz.gz", 1, "c", "x"],
        ],
        [],
      ],
      ["padding is trimmed, a missing line is null", [[`${url(OBJECTS[0])}   `, null, " c ", " r "]], [[OBJECTS[0].key, null, "r"]]],
    ];
    for (const [name, rows, expected] of cases) {
      it(name, () => {
        const found = rejectedObjects(
          rows.map((r) => rejectedLine(r as never)),
          OBJECTS,
          "raw",
        );
        expect(found.map((r) => [r.object.key, r.line, r.reason])).to.deep.equal(expected);
      });
    }

    it("describes a line as the error message lists it", () => {
      expect(describeLine(rejectedLine(["s3://raw/k.gz ", 3, "value ", "Invalid digit "]))).to.equal("s3://raw/k.gz line 3 column value: Invalid digit");
      expect(describeLine(rejectedLine(["s3://raw/k.gz", null, "", "gzip"]))).to.equal("s3://raw/k.gz line ? column : gzip");
    });
  });
});
