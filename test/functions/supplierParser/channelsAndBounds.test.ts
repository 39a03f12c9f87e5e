import { expect } from "chai";
import fc from "fast-check";
import { IngestOptions, IngestResult, ingestStream } from "../../../functions/supplierParser/ingest";
import { Reading } from "../../../functions/supplierParser/readingSchema";

const vals = (k: number, v = "0.1"): string => Array(k).fill(v).join(",");
const h200 = (suffix: string, minutes = 30): string => `200,6407368186,E1B1,1,${suffix},,M1,KWH,${minutes},`;
const d300 = (date: string, values = vals(48), q = "A"): string => `300,${date},${values},${q},,,20240102030312,`;
const WIDE = "NMI,METER SERIAL NUMBER,CON/GEN,DATE,ESTIMATED?," + Array.from({ length: 48 }, (_, i) => `c${i}`).join(",");
const wrow = (date: string, cg: string, values = vals(48)): string => `N1,7625,${cg},${date},No,${values}`;
const LONG = "AccountNumber,NMI,DeviceNumber,DeviceType,RegisterCode,RateTypeDescription,StartDate,EndDate,ProfileReadValue,RegisterReadValue,QualityFlag";

async function run(lines: string[], opts: IngestOptions = {}): Promise<IngestResult & { all: Reading[] }> {
  const all: Reading[] = [];
  const r = await ingestStream(lines, { clientId: "c1", onReading: (x) => all.push(x), ...opts });
  return { ...r, all };
}

const countBy = (rs: Reading[]): Record<string, number> => rs.reduce<Record<string, number>>((m, r) => ({ ...m, [r.channel]: (m[r.channel] ?? 0) + 1 }), {});

describe("supplierParser: NEM12 channels by NMI suffix", () => {
  it("reads a B1-only file as generation, not consumption", async () => {
    const r = await run([h200("B1"), d300("20240101")]);
    expect([r.accepted, r.rejected, countBy(r.all)]).to.deep.equal([1, 0, { generation: 48 }]);
  });

  it("keeps E1 and B1 of the same day apart instead of rejecting the second as a duplicate", async () => {
    const r = await run([h200("E1"), d300("20240101", vals(48, "0.5")), h200("B1"), d300("20240101", vals(48, "0.2"))]);
    expect([r.accepted, r.rejected, r.errors, countBy(r.all)]).to.deep.equal([2, 0, [], { consumption: 48, generation: 48 }]);
    expect([r.all[0].kwh, r.all[0].channel, r.all[48].kwh, r.all[48].channel]).to.deep.equal([0.5, "consumption", 0.2, "generation"]);
  });

  it("still rejects a day repeated within one channel", async () => {
    const r = await run([h200("B1"), d300("20240101"), h200("B2"), d300("20240101")]);
    expect(r.errors).to.deep.equal([{ line: 4, reason: "duplicate generation day 2024-01-01 (first seen at line 2)" }]);
  });

  it("rejects the days of a stream whose suffix is neither E nor B, naming the suffix", async () => {
    const r = await run([h200("Q1"), d300("20240101"), h200("E1"), d300("20240101")]);
    expect([r.accepted, r.errors]).to.deep.equal([1, [{ line: 2, reason: 'NMI suffix "Q1" of the 200 record is neither E (import) nor B (export)' }]]);
  });

  it("reads a wide Generation row as generation, a day apart from its Consumption row", async () => {
    const r = await run([WIDE, wrow("1/7/24", "Consumption"), wrow("1/7/24", "Generation")]);
    expect([r.accepted, countBy(r.all)]).to.deep.equal([2, { consumption: 48, generation: 48 }]);
  });
});

describe("supplierParser: physical bounds of a value", () => {
  // default 250 kW: 125 kWh in a half hour, 20.8333... in five minutes
  const cases: [string, string[], IngestOptions, { line: number; reason: string }[]][] = [
    [
      "1e999 kWh, which parses as Infinity",
      [h200("E1"), d300("20240101", ["1e999", vals(47)].join(","))],
      {},
      [{ line: 2, reason: "interval 1: 1e999 is not a finite number" }],
    ],
    [
      "1e300 kWh",
      [h200("E1"), d300("20240101", [vals(47), "1e300"].join(","))],
      {},
      [{ line: 2, reason: "interval 48: 1e300 is over 125 kWh, the most a 30-minute interval holds at 250 kW" }],
    ],
    [
      "a half hour just over the bound",
      [h200("B1"), d300("20240101", ["125.001", vals(47)].join(","))],
      {},
      [{ line: 2, reason: "interval 1: 125.001 is over 125 kWh, the most a 30-minute interval holds at 250 kW" }],
    ],
    [
      "a five-minute value within a half-hour's bound",
      [h200("E1", 5), d300("20240101", ["21", vals(287)].join(","))],
      {},
      [{ line: 2, reason: "interval 1: 21 is over 20.833333333333332 kWh, the most a 5-minute interval holds at 250 kW" }],
    ],
    [
      "a value over a configured bound",
      [h200("E1"), d300("20240101", ["3", vals(47)].join(","))],
      { maxKw: 5 },
      [{ line: 2, reason: "interval 1: 3 is over 2.5 kWh, the most a 30-minute interval holds at 5 kW" }],
    ],
    ["a negative generation value", [h200("B1"), d300("20240101", ["-0.5", vals(47)].join(","))], {}, [{ line: 2, reason: "interval 1: -0.5 is negative" }]],
    ["a plain kwh of 1e999", ["timestamp,kwh", "2024-01-01T00:00Z,1e999"], {}, [{ line: 2, reason: "kwh 1e999 is not a finite number" }]],
    [
      "a plain kwh of 1e300",
      ["timestamp,kwh", "2024-01-01T00:00Z,1e300"],
      {},
      [{ line: 2, reason: "kwh 1e300 is over 125 kWh, the most a 30-minute interval holds at 250 kW" }],
    ],
    [
      "a wide value of 1e300",
      [WIDE, wrow("1/7/24", "Consumption", [vals(47), "1e300"].join(","))],
      {},
      [{ line: 2, reason: "interval 48: 1e300 is over 125 kWh, the most a 30-minute interval holds at 250 kW" }],
    ],
    [
      "a long value of 1e999",
      [LONG, "7,6,2,MRIM,2#E1,G,1/1/24 0:00,1/1/24 0:29,1e999,0,A"],
      {},
      [{ line: 2, reason: "ProfileReadValue 1e999 is not a finite number" }],
    ],
  ];
  for (const [name, lines, opts, errors] of cases) {
    it(`rejects ${name}`, async () => {
      const r = await run(lines, opts);
      expect(r.errors).to.deep.equal(errors);
      expect(r.rows).to.equal(r.accepted + r.rejected);
    });
  }

  it("accepts a value exactly at the bound", async () => {
    const r = await run([h200("E1"), d300("20240101", ["125", vals(47)].join(","))]);
    expect([r.accepted, r.all[0].kwh]).to.deep.equal([1, 125]);
  });

  it("refuses a bound that is not a positive number of kW, naming it", async () => {
    for (const maxKw of [0, -1, Number.NaN, Infinity]) {
      let err: Error | undefined;
      await ingestStream([], { clientId: "c1", maxKw }).catch((e: Error) => (err = e));
      expect([err?.name, err?.message]).to.deep.equal(["InputError", `maxKw must be a number of kW above 0, got ${JSON.stringify(maxKw)}`]);
    }
  });

  it("never accepts a value that is non-finite, negative or over the bound, whatever the file says", async () => {
    const value = fc.oneof(
      fc.double({ noNaN: false }).map(String),
      fc.constantFrom("1e999", "-1e999", "1e300", "125", "125.0000001", "-0", "0", "1E2", "abc", ""),
      fc.integer({ min: -200, max: 200 }).map(String),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 30 }), async (values) => {
        const lines = ["timestamp,kwh", ...values.map((v, i) => `${new Date(Date.UTC(2024, 0, 1, 0, 30 * i)).toISOString()},${v}`)];
        const r = await run(lines);
        expect(r.rows).to.equal(values.length);
        expect(r.accepted + r.rejected).to.equal(r.rows);
        for (const x of r.all) expect(Number.isFinite(x.kwh) && x.kwh >= 0 && x.kwh <= 125, `kwh ${x.kwh}`).to.equal(true);
      }),
      { numRuns: 200, seed: 17 },
    );
  });
});

describe("supplierParser: UTC offsets of plain timestamps", () => {
  const bad: [string, string][] = [
    ["+99:99", "2024-01-01T00:00+99:99"],
    ["+05:60", "2024-01-01T00:00+05:60"],
    ["+14:01", "2024-01-01T00:00+14:01"],
    ["-12:30", "2024-01-01T00:00-12:30"],
    ["-1300", "2024-01-01T00:00-1300"],
  ];
  for (const [zone, ts] of bad) {
    it(`rejects the offset ${zone}`, async () => {
      const r = await run(["timestamp,kwh", `${ts},1`]);
      expect(r.errors).to.deep.equal([{ line: 2, reason: `offset "${zone}" is not a UTC offset from -12:00 to +14:00` }]);
    });
  }

  it("accepts the extreme offsets +14:00 and -12:00", async () => {
    const r = await run(["timestamp,kwh", "2024-01-02T00:00+14:00,1", "2024-01-01T00:00-1200,1"]);
    expect(r.all.map((x) => x.intervalStart)).to.deep.equal(["2024-01-01T10:00:00.000Z", "2024-01-01T12:00:00.000Z"]);
  });
});

describe("supplierParser: rejected rows are capped and counted per reason", () => {
  it("lists the first N rejected rows, counts every rejection per reason kind, and keeps accepted + rejected = rows", async () => {
    const rows = Array.from(
      { length: 250 },
      (_, i) => `${new Date(Date.UTC(2024, 0, 1, 0, 30 * i)).toISOString()},${i % 5 === 0 ? "0.1" : i % 5 === 1 ? "-1" : i % 5 === 2 ? "1e300" : "x"}`,
    );
    const r = await run(["timestamp,kwh", ...rows], { maxErrors: 3 });
    expect([r.rows, r.accepted, r.rejected]).to.deep.equal([250, 50, 200]);
    expect(r.errors).to.deep.equal([
      { line: 3, reason: "kwh -1 is negative" },
      { line: 4, reason: "kwh 1e300 is over 125 kWh, the most a 30-minute interval holds at 250 kW" },
      { line: 5, reason: 'kwh "x" is not a number' },
    ]);
    expect(r.reasons).to.deep.equal([
      { reason: 'kwh "…" is not a number', count: 100 },
      { reason: "kwh <n> is negative", count: 50 },
      { reason: "kwh <n> is over <n> kWh, the most a <n>-minute interval holds at <n> kW", count: 50 },
    ]);
  });

  it("lists 100 rejected rows by default", async () => {
    const rows = Array.from({ length: 150 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1, 0, 30 * i)).toISOString()},-1`);
    const r = await run(["timestamp,kwh", ...rows]);
    expect([r.rejected, r.errors.length, r.errors[99], r.reasons]).to.deep.equal([
      150,
      100,
      { line: 101, reason: "kwh -1 is negative" },
      [{ reason: "kwh <n> is negative", count: 150 }],
    ]);
  });
});
