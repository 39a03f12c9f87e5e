import { expect } from "chai";
import { ingestStream } from "../../../functions/supplierParser/ingest";
import { NEM_TIME } from "../../../functions/supplierParser/localClock";
import { plainStep } from "../../../functions/supplierParser/parsers/plainParser";

const times = (start: string, stepMinutes: number, n: number): string[] =>
  Array.from({ length: n }, (_, i) => new Date(Date.parse(start) + i * stepMinutes * 60_000).toISOString());

describe("supplierParser: a timestamp,kwh file's step", () => {
  const cases: [string, string[], number][] = [
    ["half-hourly", times("2024-01-01T00:00:00Z", 30, 12), 30],
    ["quarter-hourly", times("2024-01-01T00:00:00Z", 15, 12), 15],
    ["five-minutely", times("2024-01-01T00:00:00Z", 5, 12), 5],
    ["hourly", times("2024-01-01T00:00:00Z", 60, 12), 60],
    ["half-hourly with a stray row among the first", [...times("2024-01-01T00:00:00Z", 30, 3), "2024-01-01T01:10:00Z"], 30],
    ["half-hourly with a gap at the start", ["2024-01-01T00:00:00Z", ...times("2024-01-01T02:00:00Z", 30, 6)], 30],
    ["rows out of order", ["2024-01-01T01:00:00Z", "2024-01-01T00:00:00Z", "2024-01-01T00:15:00Z", "2024-01-01T00:45:00Z", "2024-01-01T00:30:00Z"], 15],
    ["one row: the fallback", ["2024-01-01T00:00:00Z"], 30],
    ["irregular (7 minutes): the fallback", times("2024-01-01T00:00:00Z", 7, 6), 30],
    ["zone-less wall times on the clock, and offsets", ["2024-01-01 10:00", "2024-01-01T00:15:00Z", "2024-01-01T01:30+01:00"], 15],
  ];
  for (const [title, texts, step] of cases) it(`${title}: ${step}`, () => expect(plainStep(texts, 30, NEM_TIME)).to.equal(step));

  it("reads a quarter-hourly file as quarter-hours: every row accepted, the day's energy whole", async () => {
    const rows = ["timestamp,kwh", ...times("2024-01-01T00:00:00Z", 15, 96).map((t) => `${t},0.1`)];
    const readings: { intervalMinutes: number; kwh: number }[] = [];
    const r = await ingestStream(rows, { clientId: "c1", onReading: (x) => readings.push(x) });
    expect([r.accepted, r.rejected, new Set(readings.map((x) => x.intervalMinutes)).size, readings[0].intervalMinutes]).to.deep.equal([96, 0, 1, 15]);
    expect(Math.round(readings.reduce((a, x) => a + x.kwh, 0) * 10) / 10).to.equal(9.6);
  });

  it("holds a short file's rows until its end, then reads them", async () => {
    const r = await ingestStream(["timestamp,kwh", "2024-01-01T00:00:00Z,0.5", "2024-01-01T00:30:00Z,0.5"], { clientId: "c1" });
    expect([r.rows, r.accepted]).to.deep.equal([2, 2]);
  });
});
