import { expect } from "chai";
import fc from "fast-check";
import { IngestResult, ingestFile, ingestStream } from "../../../functions/supplierParser/ingest";
import { Reading } from "../../../functions/supplierParser/readingSchema";
import { requireShared } from "../../helpers/sharedData";
import { ingest, vals, H200, WIDE, d300, nem12, wide, wrow, lrow, longDay, long, reading } from "./ingestFixtures";

describe("supplierParser ingest: each layout", () => {
  it("parses NEM12 200/300 records into 48 half-hour readings in market time (UTC+10)", async () => {
    const r = await ingest(nem12(d300("20240101", ["1.5", vals(47)].join(","))), { sample: 2 });
    expect(r).to.deep.equal({
      layout: "nem12",
      rows: 1,
      accepted: 1,
      rejected: 0,
      readingCount: 48,
      readings: [reading("2023-12-31T14:00:00.000Z", 1.5), reading("2023-12-31T14:30:00.000Z", 0.1)],
      errors: [],
      reasons: [],
    });
  });

  it("parses the NEM12 variant whose update timestamps Excel mangled", async () => {
    const r = await ingest([H200, `300,20240101,${vals(48)},A,,,2.01811E+13`].join("\n"), { sample: 1 });
    expect([r.layout, r.rows, r.accepted, r.readings]).to.deep.equal(["nem12-excel", 1, 1, [reading("2023-12-31T14:00:00.000Z", 0.1)]]);
  });

  it("applies NEM12 400 records to a day of variable quality", async () => {
    const r = await ingest(nem12(d300("20240101", vals(48), "V"), "400,1,1,A,,", "400,2,47,S14,89,", "400,48,48,E,,"), { sample: 48 });
    expect([r.accepted, r.readings[0].quality, r.readings[1].quality, r.readings[46].quality, r.readings[47].quality]).to.deep.equal([1, "A", "S", "S", "E"]);
  });

  it("reads a 300 record's quality method as its flag: E52 and S14 days are estimated and substituted", async () => {
    const r = await ingest(nem12(d300("20240101", vals(48), "E52"), d300("20240102", vals(48), "S14"), d300("20240103", vals(48), "A")), { sample: 144 });
    expect([r.accepted, r.rejected, r.readings[0].quality, r.readings[48].quality, r.readings[96].quality]).to.deep.equal([3, 0, "E", "S", "A"]);
  });

  it("parses the wide layout, ESTIMATED? Yes as quality E", async () => {
    const r = await ingest(wide(wrow("22/6/19", vals(48, "0.7")), wrow("23/6/19", vals(48, "0.2"), "Yes")), { sample: 49 });
    expect([r.layout, r.rows, r.accepted, r.readingCount]).to.deep.equal(["wide", 2, 2, 96]);
    expect([r.readings[0], r.readings[48]]).to.deep.equal([reading("2019-06-21T14:00:00.000Z", 0.7), reading("2019-06-22T14:00:00.000Z", 0.2, "E")]);
  });

  it("reads a file whose header ends in a separator as one without: wide and plain, rows with and without it", async () => {
    const w = await ingest([`${WIDE},`, `${wrow("22/6/19", vals(48, "0.7"))},`, wrow("23/6/19", vals(48, "0.2"))].join("\n"));
    expect([w.layout, w.accepted, w.rejected, w.readingCount]).to.deep.equal(["wide", 2, 0, 96]);
    const p = await ingest("timestamp,kwh,\n2024-01-01T00:00Z,0.6,\n2024-01-01T00:30Z,0.7\n2024-01-01T01:00Z,0.8,,\n", { sample: 3 });
    expect([p.layout, p.accepted, p.readings.map((x) => x.kwh), p.errors]).to.deep.equal([
      "plain",
      2,
      [0.6, 0.7],
      [{ line: 4, reason: "expected 2 fields, found 3" }],
    ]);
  });

  it("parses the long layout, one reading per row, interval length from Start/EndDate", async () => {
    const r = await ingest(long(...longDay("26/9/18")), { sample: 2 });
    expect([r.layout, r.rows, r.accepted, r.readingCount]).to.deep.equal(["long", 48, 48, 48]);
    expect(r.readings).to.deep.equal([reading("2018-09-25T14:00:00.000Z", 0.1), reading("2018-09-25T14:30:00.000Z", 0.1)]);
  });

  it("accepts a long-layout day one hour short, as on a daylight-saving change", async () => {
    const r = await ingest(long(...longDay("7/10/18").filter((_, i) => i !== 4 && i !== 5)));
    expect([r.rows, r.accepted, r.rejected]).to.deep.equal([46, 46, 0]);
  });

  it("rejects a long-layout day two half-hours short on a day the clocks do not change", async () => {
    const r = await ingest(long(...longDay("1/10/18").filter((_, i) => i !== 20 && i !== 21)));
    expect([r.rows, r.accepted, r.rejected, r.errors[0]?.reason]).to.deep.equal([
      46,
      0,
      46,
      "day 2018-10-01 has 46 intervals, expected 48 (missing 10:00, 10:30)",
    ]);
  });

  describe("long layout: the register's direction and days apart", () => {
    const reg = (code: string, date: string, v = "0.1") => Array.from({ length: 48 }, (_, i) => lrow(date, i, v).replace("2#E1", code));
    const cases: [string, string[], [number, number, number], string[]][] = [
      [
        "import then export of one day: a day each, the export as generation",
        [...reg("29641#E1", "26/9/18"), ...reg("29641#B1", "26/9/18", "0.2")],
        [96, 96, 0],
        ["consumption", "generation"],
      ],
      ["export first, then import", [...reg("29641#B1", "26/9/18", "0.2"), ...reg("29641#E1", "26/9/18")], [96, 96, 0], ["consumption", "generation"]],
      ["a code without #: consumption", reg("29641", "26/9/18"), [48, 48, 0], ["consumption"]],
      [
        "a row of the next day amid a day: both days stand",
        [
          ...reg("2#E1", "26/9/18").slice(0, 24),
          ...reg("2#E1", "27/9/18").slice(0, 1),
          ...reg("2#E1", "26/9/18").slice(24),
          ...reg("2#E1", "27/9/18").slice(1),
        ],
        [96, 96, 0],
        ["consumption"],
      ],
    ];
    for (const [title, rows, counts, channels] of cases) {
      it(title, async () => {
        const readings: Reading[] = [];
        const r = await ingestStream(long(...rows).split("\n"), { clientId: "c1", onReading: (x) => readings.push(x) });
        expect([r.rows, r.accepted, r.rejected]).to.deep.equal(counts);
        expect([...new Set(readings.map((x) => x.channel))].sort()).to.deep.equal(channels);
      });
    }

    it("holds up to four days a channel: three days of import and export interleaved row by row all stand", async () => {
      const days = ["26/9/18", "27/9/18", "28/9/18"];
      const rows = Array.from({ length: 48 }, (_, i) => days.flatMap((d) => [reg("2#E1", d)[i], reg("2#B1", d, "0.2")[i]])).flat();
      const r = await ingestStream(long(...rows).split("\n"), { clientId: "c1" });
      expect([r.rows, r.accepted, r.rejected]).to.deep.equal([288, 288, 0]);
    });

    it("lists rejected rows in line order, though a day is settled at a time", async () => {
      // four short days interleaved, then two more: the first two are settled (rejected, short) as those begin,
      // each with rows from all over the lines before
      const days = ["21/9/18", "22/9/18", "23/9/18", "24/9/18"];
      const rows = [...Array.from({ length: 10 }, (_, i) => days.map((d) => reg("2#E1", d)[i])).flat(), ...reg("2#E1", "25/9/18"), ...reg("2#E1", "26/9/18")];
      const r = await ingestStream(long(...rows).split("\n"), { clientId: "c1", maxErrors: 10 });
      expect(r.errors.map((e) => e.line)).to.deep.equal([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    });

    it("refuses a register that is neither import nor export, naming the code", async () => {
      const r = await ingest(long(...reg("29641#Q1", "26/9/18")));
      expect([r.accepted, r.rejected, r.errors[0].reason]).to.deep.equal([0, 48, 'RegisterCode "29641#Q1": suffix "Q1" is neither E (import) nor B (export)']);
    });
  });

  it("parses plain timestamp,kwh, with Z, an offset, or no zone (the supplier's wall clock: Melbourne, daylight time in January)", async () => {
    const r = await ingest("timestamp,kwh\n2024-01-01T00:00:00Z,0.5\n2024-01-01 11:30,0.25\n2024-01-01T02:00+01:00,1\n");
    expect(r).to.deep.equal({
      layout: "plain",
      rows: 3,
      accepted: 3,
      rejected: 0,
      readingCount: 3,
      readings: [reading("2024-01-01T00:00:00.000Z", 0.5), reading("2024-01-01T00:30:00.000Z", 0.25), reading("2024-01-01T01:00:00.000Z", 1)],
      errors: [],
      reasons: [],
    });
  });

  it("parses plain timestamps with fractional seconds, as toISOString writes them (intervals start on whole minutes)", async () => {
    const r = await ingest("timestamp,kwh\n2024-01-01T00:00:00.000Z,0.5\n2024-01-01T00:30:00.5Z,0.25\n");
    expect(r.readings).to.deep.equal([reading("2024-01-01T00:00:00.000Z", 0.5), reading("2024-01-01T00:30:00.000Z", 0.25)]);
    expect(r.rejected).to.equal(0);
  });
});

describe("supplierParser ingest: invariants", () => {
  const good = (i: number): string => d300(`202401${String(i + 1).padStart(2, "0")}`);
  const corruptions = [
    (l: string): string => l.replace(",0.1,", ",x,"),
    (l: string): string => l.replace(",0.1,", ",-1,"),
    (l: string): string => l.replace(",0.1,", ","),
    (l: string): string => l.replace("2024", "2023").replace("20230", "20231"),
  ];

  it("counts every data row as accepted or rejected, whatever is corrupted", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), fc.nat(corruptions.length - 1), fc.boolean()), { maxLength: 28 }), async (spec) => {
        const lines = spec.map(([bad, k, dup], i) => (bad ? corruptions[k](good(dup && i > 0 ? i - 1 : i)) : good(dup && i > 0 ? i - 1 : i)));
        const r = await ingestStream([H200, ...lines], { clientId: "c1" });
        expect(r.rows).to.equal(lines.length);
        expect(r.accepted + r.rejected).to.equal(r.rows);
        expect(r.errors.length).to.equal(r.rejected);
        expect(r.readingCount).to.equal(48 * r.accepted);
      }),
      { numRuns: 100, seed: 5 },
    );
  });

  it("gives identical results and readings when the same file is processed twice", async () => {
    const text = nem12(d300("20240101"), d300("20240101"), d300("20240102", vals(48, "0.25")));
    const runs: [IngestResult, Reading[]][] = [];
    for (let i = 0; i < 2; i++) {
      const all: Reading[] = [];
      runs.push([await ingest(text, { onReading: (x) => all.push(x) }), all]);
    }
    expect(runs[0]).to.deep.equal(runs[1]);
    expect(runs[0][1].length).to.equal(96);
  });
});

describe("supplierParser ingest: the real supplier files in ../shared/data/meters", () => {
  // 5/4/20, the day clocks went back, has one column for each half-hour of the repeated 02:00-03:00
  const meter03Notes = {
    notes: [
      {
        line: 290,
        note:
          "2020-04-05: 02:00-03:00 happened twice in Australia/Melbourne (the clocks went back), but the row has one column for each of its intervals: " +
          "read as the first pass; the second, 2020-04-04T16:00:00.000Z to 2020-04-04T17:00:00.000Z, has no reading",
      },
    ],
  };
  const real: [string, string, number, number, Reading, object][] = [
    ["meter01.csv", "nem12", 1034, 49_632, reading("2017-11-23T14:00:00.000Z", 0), {}],
    ["meter02.csv", "nem12-excel", 681, 32_688, reading("2018-11-15T14:00:00.000Z", 0), {}],
    // 6/10/19, the day clocks went forward, has zeros in the two columns of the hour that did not happen
    ["meter03.csv", "wide", 465, 22_318, reading("2019-06-21T14:00:00.000Z", 0.7), meter03Notes],
    ["meter04.csv", "long", 35_132, 35_132, reading("2018-09-25T14:00:00.000Z", 0.813), {}],
  ];
  for (const [file, layout, rows, readings, first, notes] of real) {
    it(`reads ${file} as ${layout}: ${rows} rows, all accepted, ${readings} readings`, async function () {
      const path = requireShared(this, "meters", file);
      const r = await ingestFile(path, { clientId: "c1", sample: 1 });
      expect(r).to.deep.equal({ layout, rows, accepted: rows, rejected: 0, readingCount: readings, readings: [first], errors: [], reasons: [], ...notes });
    });
  }

  it("puts meter04's wall-clock readings on UTC half an hour apart across the clock changes", async function () {
    const path = requireShared(this, "meters", "meter04.csv");
    const starts: number[] = [];
    await ingestFile(path, { clientId: "c1", onReading: (x) => starts.push(Date.parse(x.intervalStart)) });
    const irregular: [string, number][] = [];
    for (let i = 1; i < starts.length; i++) {
      const minutes = (starts[i] - starts[i - 1]) / 60_000;
      if (minutes !== 30) irregular.push([new Date(starts[i - 1]).toISOString(), minutes]);
    }
    // October: the skipped hour has no rows and none is missing in UTC. April: the export has 48 rows for the
    // 25-hour day, the repeated hour once; it is read as its first occurrence, so UTC shows an hour without data.
    expect(irregular).to.deep.equal([
      ["2019-04-06T15:30:00.000Z", 90],
      ["2020-04-04T15:30:00.000Z", 90],
    ]);
  });

  it("resolves meter01's 31 days of quality V through their 400 records (all of which say A)", async function () {
    const path = requireShared(this, "meters", "meter01.csv");
    const counts: Record<string, number> = {};
    await ingestFile(path, { clientId: "c1", onReading: (x) => (counts[x.quality] = (counts[x.quality] ?? 0) + 1) });
    expect(counts).to.deep.equal({ A: 49_632 });
  });
});
