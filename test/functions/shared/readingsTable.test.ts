import { expect } from "chai";
import { readFileSync } from "fs";
import { READINGS, createTableSql } from "../../../functions/redshiftLoader/schema";
import { READINGS_COLUMNS, ReadingRow, rowLine } from "../../../functions/shared/readingsTable";
import { readingsTable } from "../../../infra/dataSharing/catalogDefinitions";

describe("the shared readings table has one definition", () => {
  const names = READINGS_COLUMNS.map((c) => c.name);

  it("the Glue table Athena reads has its columns, types and comments, in order", () => {
    expect(readingsTable.columns).to.deep.equal(READINGS_COLUMNS.map((c) => ({ name: c.name, type: c.glue, comment: c.comment })));
  });

  it("the Redshift table the loader creates has its columns, types and nullability, in order", () => {
    expect(READINGS.columns.map((c) => [c.name, c.type, c.nullable ?? false])).to.deep.equal(READINGS_COLUMNS.map((c) => [c.name, c.redshift, c.nullable]));
    expect(createTableSql(READINGS, "redshift")).to.include(
      `"source" VARCHAR(16) NOT NULL, "device_id" VARCHAR(128) NOT NULL, "event_time" TIMESTAMP NOT NULL, "received_at" BIGINT NOT NULL, "metric" VARCHAR(64) NOT NULL, "value" DOUBLE PRECISION NOT NULL, "detail" VARCHAR(4096)`,
    );
  });

  it("the transform's JSON line has exactly its columns, in table order", () => {
    const row: ReadingRow = {
      detail: null,
      value: 0.5,
      metric: "kwh",
      received_at: 7,
      event_time: "2026-11-21T10:30:00.000Z",
      device_id: "C1",
      source: "meters",
    };
    expect(Object.keys(JSON.parse(rowLine(row)))).to.deep.equal(names);
    expect(rowLine(row)).to.equal(
      '{"source":"meters","device_id":"C1","event_time":"2026-11-21T10:30:00.000Z","received_at":7,"metric":"kwh","value":0.5,"detail":null}\n',
    );
  });

  it("docs/contracts.md documents the same columns and Glue types", () => {
    const doc = readFileSync("docs/contracts.md", "utf8");
    const section = doc.slice(doc.indexOf("## Shared `readings` table"));
    const rows = [...section.matchAll(/^\| `([a-z_]+)` \| ([a-z]+) \|/gm)].map((m) => [m[1], m[2]]);
    expect(rows).to.deep.equal(READINGS_COLUMNS.map((c) => [c.name, c.glue]));
  });

  it("writes a value closer to zero than the smallest normal double as 0 (Redshift refuses a subnormal), and keeps the smallest normal", () => {
    const row = (value: number): ReadingRow => ({
      source: "trains",
      device_id: "train-1",
      event_time: "2026-11-21T10:30:00.000Z",
      received_at: 1,
      metric: "TP2",
      value,
      detail: null,
    });
    const values = [5e-324, -1e-310, 2.2250738585072014e-308, 0.5].map((v) => JSON.parse(rowLine(row(v))).value);
    expect(values).to.deep.equal([0, 0, 2.2250738585072014e-308, 0.5]);
  });
});
