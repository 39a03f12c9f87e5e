import { expect } from "chai";
import { rmSync } from "fs";
import { DuckDbEngine } from "../../functions/usageSummary/duckdbEngine";
import {
  PRESTO_EXPANDED_TEXT,
  VIEWS,
  ViewShape,
  dailyConsumptionView,
  dailySupplierFilesView,
  dailyTrainActivityView,
  decodePrestoView,
  prestoViewDefinition,
  prestoViewText,
} from "../../infra/dataSharing/views";
import { Synthesis } from "../../infra/synth/recorder";
import { STACKS, ofType, runProgram } from "../helpers/pulumiRecorder";
import { buildFixtureLake, writeFile } from "../summary/fixtureLake";

/** DuckDB's names for the Glue types the views use. */
const DUCKDB_TYPES: Record<string, string> = { string: "VARCHAR", bigint: "BIGINT", double: "DOUBLE" };

describe("business views on DuckDB over the summary's fixture lake", () => {
  let lake: string;
  let engine: DuckDbEngine;
  before(async () => {
    lake = buildFixtureLake();
    // a meter reading delivered twice (Firehose and IoT are at least once) must count once
    writeFile(
      lake,
      "telemetry/2026/02/21/readings-3.json",
      `${JSON.stringify({
        source: "meters",
        device_id: "meter-2",
        event_time: "2026-02-21T10:00:00.000Z",
        received_at: 1771668000900,
        metric: "kwh",
        value: 0.42,
        detail: null,
      })}\n`,
    );
    // a meter reading sent again with a corrected value counts once, at the value received last
    const corrected = (value: number, receivedAt: number) =>
      JSON.stringify({
        source: "meters",
        device_id: "meter-5",
        event_time: "2026-02-21T11:00:00.000Z",
        received_at: receivedAt,
        metric: "kwh",
        value,
        detail: null,
      });
    writeFile(lake, "telemetry/2026/02/21/readings-4.json", `${corrected(0.7, 1771671700000)}\n${corrected(0.5, 1771671600900)}\n`);
    engine = await DuckDbEngine.open(lake);
    for (const v of VIEWS) await engine.sql(`CREATE VIEW ${v.name} AS ${v.sql}`);
  });
  after(() => {
    engine.close();
    rmSync(lake, { recursive: true, force: true });
  });

  it("gives each meter's distinct readings and kWh per day, a corrected reading at its value received last", async () => {
    expect(await engine.sql("SELECT * FROM daily_meter_consumption ORDER BY dt, client_id")).to.deep.equal([
      { dt: "2026/02/20", client_id: "meter-4", readings: 1, kwh: 0.42 },
      { dt: "2026/02/21", client_id: "meter-1", readings: 2, kwh: 0.84 },
      { dt: "2026/02/21", client_id: "meter-2", readings: 1, kwh: 0.42 },
      { dt: "2026/02/21", client_id: "meter-3", readings: 1, kwh: 0.42 },
      { dt: "2026/02/21", client_id: "meter-5", readings: 1, kwh: 0.7 },
    ]);
  });

  it("gives the supplier files and rejected rows per upload day, as the summary counts them", async () => {
    expect(await engine.sql("SELECT * FROM daily_supplier_files ORDER BY dt")).to.deep.equal([
      { dt: "20260220", files: 1, rejected_rows: 7 },
      { dt: "20260221", files: 2, rejected_rows: 4 },
    ]);
  });

  it("gives each train's readings and anomaly episodes opened per day", async () => {
    expect(await engine.sql("SELECT * FROM daily_train_activity ORDER BY dt, train_id")).to.deep.equal([
      { dt: "2026/02/20", train_id: "train-c", readings: 1, anomalies: 0 },
      { dt: "2026/02/21", train_id: "train-a", readings: 5, anomalies: 2 },
      { dt: "2026/02/21", train_id: "train-b", readings: 2, anomalies: 0 },
    ]);
  });

  it("lets a day filter on the view select one day", async () => {
    expect(await engine.sql("SELECT files, rejected_rows FROM daily_supplier_files WHERE dt = ?", ["20260221"])).to.deep.equal([
      { files: 2, rejected_rows: 4 },
    ]);
  });

  for (const v of VIEWS) {
    it(`produces exactly the declared columns and types of ${v.name}`, async () => {
      const described = await engine.sql(`DESCRIBE ${v.name}`);
      expect(described.map((c) => [c.column_name, c.column_type])).to.deep.equal(v.columns.map((c) => [c.name, DUCKDB_TYPES[c.type]]));
    });
  }
});

describe("Presto view definitions", () => {
  it("name the three business views", () => {
    expect(VIEWS.map((v) => v.name)).to.deep.equal(["daily_meter_consumption", "daily_supplier_files", "daily_train_activity"]);
  });

  for (const v of VIEWS) {
    it(`decode back to ${v.name}'s SQL, database and Glue columns`, () => {
      const decoded = decodePrestoView(prestoViewText(v, "gridrail_dev_sharing"));
      expect(decoded).to.deep.equal({ originalSql: v.sql, catalog: "awsdatacatalog", schema: "gridrail_dev_sharing", columns: decoded.columns });
      const glueOf: Record<string, string> = { varchar: "string", bigint: "bigint", double: "double" };
      expect(decoded.columns.map((c) => ({ name: c.name, type: glueOf[c.type] }))).to.deep.equal(v.columns.map((c) => ({ name: c.name, type: c.type })));
    });
  }

  it("encodes the definition as base64 JSON inside the Presto View comment", () => {
    const text = prestoViewText(dailySupplierFilesView, "db");
    expect(text.startsWith("/* Presto View: ")).to.equal(true);
    expect(text.endsWith(" */")).to.equal(true);
    expect(JSON.parse(Buffer.from(text.slice(16, -3), "base64").toString("utf8")).columns).to.deep.equal([
      { name: "dt", type: "varchar" },
      { name: "files", type: "bigint" },
      { name: "rejected_rows", type: "bigint" },
    ]);
    expect(PRESTO_EXPANDED_TEXT).to.equal("/* Presto View */");
  });

  it("refuses a column type with no Presto name, naming the view, column and type", () => {
    const bad: ViewShape = { ...dailyConsumptionView, columns: [{ name: "when", type: "timestamp with zone" }] };
    expect(() => prestoViewDefinition(bad, "db")).to.throw('view daily_meter_consumption column when: no Presto type for Glue type "timestamp with zone"');
  });

  it("refuses text that is not a Presto view", () => {
    expect(() => decodePrestoView("SELECT 1")).to.throw('view text is not "/* Presto View: <base64> */": "SELECT 1"');
  });
});

for (const stack of STACKS) {
  describe(`Glue views (${stack})`, () => {
    let s: Synthesis;
    before(async () => {
      s = await runProgram(stack);
    });

    it("registers each business view as a Presto VIRTUAL_VIEW in the stack's database", () => {
      const views = ofType(s, "aws:glue/catalogTable:CatalogTable").filter((t) => t.inputs.tableType === "VIRTUAL_VIEW");
      const database = `gridrail_${stack}_sharing`;
      expect(views.map((t) => ({ ...t.inputs, databaseName: undefined, description: undefined }))).to.deep.equal(
        [dailyConsumptionView, dailySupplierFilesView, dailyTrainActivityView].map((v) => ({
          name: v.name,
          tableType: "VIRTUAL_VIEW",
          databaseName: undefined,
          description: undefined,
          parameters: { presto_view: "true", comment: "Presto View" },
          viewOriginalText: prestoViewText(v, database),
          viewExpandedText: "/* Presto View */",
          storageDescriptor: { columns: v.columns.map((c) => ({ ...c })) },
        })),
      );
      expect(views.map((t) => t.inputs.databaseName)).to.deep.equal([database, database, database]);
    });
  });
}
