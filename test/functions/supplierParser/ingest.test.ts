import { expect } from "chai";
import fc from "fast-check";
import { writeFileSync } from "fs";
import { join } from "path";
import { IngestOptions, IngestResult, ingestFile, ingestStream } from "../../../functions/supplierParser/ingest";
import { Reading } from "../../../functions/supplierParser/readingSchema";
import { requireShared } from "../../helpers/sharedData";
import { tempDir } from "../../helpers/tempDir";

const dir = tempDir("gridrail-ingest-");
let n = 0;
/** Writes the fixture to a tmp file and parses it through the streaming file reader. */
async function ingest(text: string, opts: IngestOptions = {}): Promise<IngestResult> {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, text);
  return ingestFile(path, { clientId: "c1", ...opts });
}

const vals = (k: number, v = "0.1"): string => Array(k).fill(v).join(",");
const H200 = "200,M1,E1E2,E1,E1,,CZ1,KWH,30,";
const d300 = (date: string, values = vals(48), q = "A"): string => `300,${date},${values},${q},,,20240102030312,`;
const nem12 = (...lines: string[]): string => [H200, ...lines].join("\n") + "\n";
const WIDE = "NMI,METER SERIAL NUMBER,CON/GEN,DATE,ESTIMATED?," + Array.from({ length: 48 }, (_, i) => `c${i}`).join(",");
const wide = (...rows: string[]): string => [WIDE, ...rows].join("\n");
const wrow = (date: string, values = vals(48), est = "No", cg = "Consumption"): string => `N1,7625,${cg},${date},${est},${values}`;
const LONG = "AccountNumber,NMI,DeviceNumber,DeviceType,RegisterCode,RateTypeDescription,StartDate,EndDate,ProfileReadValue,RegisterReadValue,QualityFlag";
const hm = (m: number): string => `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}`;
const lrow = (date: string, i: number, v = "0.1", q = "A"): string => `7,6,2,MRIM,2#E1,G,${date} ${hm(i * 30)},${date} ${hm(i * 30 + 29)},${v},0,${q}`;
const longDay = (date: string, count = 48): string[] => Array.from({ length: count }, (_, i) => lrow(date, i));
const long = (...rows: string[]): string => [LONG, ...rows].join("\n") + "\n";

const reading = (intervalStart: string, kwh: number, quality = "A", intervalMinutes = 30, channel: Reading["channel"] = "consumption"): Reading => ({
  clientId: "c1",
  intervalStart,
  intervalMinutes,
  kwh,
  quality,
  channel,
});

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

  it("parses the wide layout, ESTIMATED? Yes as quality E", async () => {
    const r = await ingest(wide(wrow("22/6/19", vals(48, "0.7")), wrow("23/6/19", vals(48, "0.2"), "Yes")), { sample: 49 });
    expect([r.layout, r.rows, r.accepted, r.readingCount]).to.deep.equal(["wide", 2, 2, 96]);
    expect([r.readings[0], r.readings[48]]).to.deep.equal([reading("2019-06-21T14:00:00.000Z", 0.7), reading("2019-06-22T14:00:00.000Z", 0.2, "E")]);
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
    expect([r.rows, r.accepted, r.rejected, r.errors[0]?.reason]).to.deep.equal([46, 0, 46, "day 2018-10-01 has 46 intervals, expected 48"]);
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

describe("supplierParser ingest: validation, one rule per row with an exact reason", () => {
  const cases: [string, string, IngestOptions, { line: number; reason: string }[]][] = [
    [
      "a non-numeric NEM12 value",
      nem12(d300("20240101", ["0.1", "0.1", "abc", vals(45)].join(","))),
      {},
      [{ line: 2, reason: 'interval 3: "abc" is not a number' }],
    ],
    ["a negative NEM12 value", nem12(d300("20240101", ["-0.5", vals(47)].join(","))), {}, [{ line: 2, reason: "interval 1: -0.5 is negative" }]],
    ["an empty NEM12 value", nem12(d300("20240101", ["", vals(47)].join(","))), {}, [{ line: 2, reason: 'interval 1: "" is not a number' }]],
    ["47 values in a 30-minute NEM12 day", nem12(d300("20240101", vals(47))), {}, [{ line: 2, reason: "expected 48 interval values, found 47" }]],
    ["a 300 record without a quality flag", nem12(`300,20240101,${vals(48)}`), {}, [{ line: 2, reason: "no quality flag after the interval values" }]],
    ["an impossible NEM12 date", nem12(d300("20240231")), {}, [{ line: 2, reason: 'date "20240231" is not a valid YYYYMMDD date' }]],
    [
      "a repeated NEM12 day",
      nem12(d300("20240101"), d300("20240101")),
      {},
      [{ line: 3, reason: "duplicate consumption day 2024-01-01 (first seen at line 2)" }],
    ],
    [
      "a day after the key date",
      nem12(d300("20240101"), d300("20240102")),
      { date: "20240101" },
      [{ line: 3, reason: "day 2024-01-02 is after the upload's date 2024-01-01" }],
    ],
    [
      "a day after the date in the S3 key",
      nem12(d300("20240102")),
      { clientId: undefined, key: "20240101/c1.csv" },
      [{ line: 2, reason: "day 2024-01-02 is after the upload's date 2024-01-01" }],
    ],
    ["an unknown quality", nem12(d300("20240101", vals(48), "X")), {}, [{ line: 2, reason: 'quality "X" is not one of A, E, F, N, S, V' }]],
    [
      "quality V without 400 records",
      nem12(d300("20240101", vals(48), "V"), "400,1,40,A,,"),
      {},
      [{ line: 2, reason: "quality V without 400 records covering every interval" }],
    ],
    [
      "a 400 record out of range",
      nem12(d300("20240101", vals(48), "V"), "400,40,60,A,,"),
      {},
      [{ line: 2, reason: "400 record: intervals 40-60 are outside 1-48 (line 3)" }],
    ],
    ["a 400 record with no 300 before it", nem12("400,1,48,A,,"), {}, [{ line: 2, reason: "400 record without a preceding 300 record" }]],
    [
      "a 300 record after a 200 record with a bad interval",
      `100,NEM12,202401011200,A,B\n200,6407368186,E1B1,1,E1,,M1,KWH,7,\n${d300("20240101")}\n`,
      {},
      [
        { line: 2, reason: '200 record: interval "7" does not divide a day' },
        { line: 3, reason: 'the 200 record at line 2 has interval "7", which does not divide a day' },
      ],
    ],
    ["a 300 record before the 200", `100,NEM12,202401011200,A,B\n${d300("20240101")}\n`, {}, [{ line: 2, reason: "300 record before any 200 record" }]],
    ["a unit other than kWh", `200,M1,E1,E1,E1,,X,KVARH,30,\n${d300("20240101")}\n`, {}, [{ line: 2, reason: 'unit "KVARH" of the 200 record is not KWH' }]],
    ["an unknown NEM12 record", nem12("700,x"), {}, [{ line: 2, reason: 'unknown NEM12 record type "700"' }]],
    ["a wide row with 47 values", wide(wrow("1/1/24", vals(47))), {}, [{ line: 2, reason: "expected 48 interval values, found 47" }]],
    [
      "a wide row neither consumption nor generation",
      wide(wrow("1/1/24", vals(48), "No", "Net")),
      {},
      [{ line: 2, reason: 'CON/GEN "Net" is not Consumption or Generation' }],
    ],
    ["a wide impossible date", wide(wrow("31/2/24")), {}, [{ line: 2, reason: 'date "31/2/24" is not a valid d/m/yy date' }]],
    ["a wide unknown ESTIMATED?", wide(wrow("1/1/24", vals(48), "Maybe")), {}, [{ line: 2, reason: 'ESTIMATED? "Maybe" is not Yes or No' }]],
    [
      "a wide ESTIMATED? that names an object property",
      wide(wrow("1/1/24", vals(48), "constructor")),
      {},
      [{ line: 2, reason: 'ESTIMATED? "constructor" is not Yes or No' }],
    ],
    [
      "a wide CON/GEN that names an object property",
      wide(wrow("1/1/24", vals(48), "No", "constructor")),
      {},
      [{ line: 2, reason: 'CON/GEN "constructor" is not Consumption or Generation' }],
    ],
    ["a repeated wide day", wide(wrow("1/1/24"), wrow("01/01/2024")), {}, [{ line: 3, reason: "duplicate consumption day 2024-01-01 (first seen at line 2)" }]],
    ["a wide non-numeric value", wide(wrow("1/1/24", [vals(47), "n/a"].join(","))), {}, [{ line: 2, reason: 'interval 48: "n/a" is not a number' }]],
    ["a long row with 10 fields", long("7,6,2,MRIM,2#E1,G,1/1/24 0:00,1/1/24 0:29,0.1,0"), {}, [{ line: 2, reason: "expected 11 fields, found 10" }]],
    ["a long negative value", long(lrow("1/1/24", 0, "-1"), ...longDay("1/1/24").slice(1)), {}, [{ line: 2, reason: "ProfileReadValue -1 is negative" }]],
    [
      "a long bad time",
      long("7,6,2,MRIM,2#E1,G,1/1/24 25:00,1/1/24 0:29,0.1,0,A"),
      {},
      [{ line: 2, reason: 'date "1/1/24 25:00" is not a valid d/m/yy h:mm time' }],
    ],
    [
      "a long interval ending before it starts",
      long("7,6,2,MRIM,2#E1,G,1/1/24 1:00,1/1/24 0:29,0.1,0,A"),
      {},
      [{ line: 2, reason: 'EndDate "1/1/24 0:29" is before StartDate "1/1/24 1:00"' }],
    ],
    [
      "a long unknown quality",
      long(lrow("1/1/24", 0, "0.1", "Q"), ...longDay("1/1/24").slice(1)),
      {},
      [{ line: 2, reason: 'quality "Q" is not one of A, E, F, N, S' }],
    ],
    [
      "a long repeated interval",
      long(...longDay("1/1/24"), lrow("1/1/24", 47)),
      {},
      [{ line: 50, reason: "duplicate interval 2024-01-01 23:30 (first seen at line 49)" }],
    ],
    [
      "a long day with 47 intervals",
      long(...longDay("1/1/24", 2).slice(0, 1), ...longDay("1/1/24").slice(2), ...longDay("2/1/24")),
      {},
      Array.from({ length: 47 }, (_, i) => ({ line: i + 2, reason: "day 2024-01-01 has 47 intervals, expected 48" })),
    ],
    ["a plain bad timestamp", "timestamp,kwh\n2024-02-30T00:00Z,1\n", {}, [{ line: 2, reason: 'timestamp "2024-02-30T00:00Z" is not ISO 8601' }]],
    [
      "a plain timestamp of second 60",
      "timestamp,kwh\n2024-01-01T10:00:60Z,1\n",
      {},
      [{ line: 2, reason: 'timestamp "2024-01-01T10:00:60Z" is not ISO 8601' }],
    ],
    [
      "a plain repeated timestamp",
      "timestamp,kwh\n2024-01-01T00:00Z,1\n2024-01-01T10:00+10:00,1\n",
      {},
      [{ line: 3, reason: "duplicate timestamp 2024-01-01T00:00:00.000Z (first seen at line 2)" }],
    ],
    ["a plain non-numeric kwh", "timestamp,kwh\n2024-01-01T00:00Z,1kWh\n", {}, [{ line: 2, reason: 'kwh "1kWh" is not a number' }]],
    [
      "a plain row off the file's half-hour grid",
      "timestamp,kwh\n2024-01-01T00:00Z,1\n2024-01-01T00:30Z,1\n2024-01-01T01:00Z,1\n2024-01-01T01:10Z,1\n",
      {},
      [
        {
          line: 5,
          reason:
            'timestamp "2024-01-01T01:10Z" does not start a 30-minute interval: the file steps by 30 minutes (from its first rows), and its rows start on that grid',
        },
      ],
    ],
    [
      "a plain row off the grid by minutes",
      "timestamp,kwh\n2024-01-01T00:07:00+05:30,1\n",
      {},
      [
        {
          line: 2,
          reason:
            'timestamp "2024-01-01T00:07:00+05:30" does not start a 30-minute interval: the file steps by 30 minutes (from its first rows), and its rows start on that grid',
        },
      ],
    ],
    [
      "an unknown layout",
      "date,value\n1,2\n",
      {},
      [
        { line: 1, reason: 'unrecognised layout (expected NEM12, wide, long or timestamp,kwh): "date,value"' },
        { line: 2, reason: 'unrecognised layout (expected NEM12, wide, long or timestamp,kwh): "1,2"' },
      ],
    ],
  ];
  for (const [name, text, opts, errors] of cases) {
    it(`rejects ${name}`, async () => {
      const r = await ingest(text, opts);
      expect(r.errors).to.deep.equal(errors);
      expect(r.rejected).to.equal(errors.length);
      expect(r.rows).to.equal(r.accepted + r.rejected);
    });
  }

  it("reports an empty file, and a file of blank lines, as empty with no rows", async () => {
    for (const text of ["", "\n\r\n  \n"]) {
      expect(await ingest(text)).to.deep.equal({
        layout: "empty",
        rows: 0,
        accepted: 0,
        rejected: 0,
        readingCount: 0,
        readings: [],
        errors: [{ line: 0, reason: "file is empty" }],
        reasons: [{ reason: "file is empty", count: 1 }],
      });
    }
  });

  it("reads a BOM and CRLF line endings exactly as plain LF", async () => {
    const lf = nem12(d300("20240101"), d300("20240102"));
    const crlf = "\ufeff" + lf.replace(/\n/g, "\r\n");
    expect(await ingest(crlf, { sample: 96 })).to.deep.equal(await ingest(lf, { sample: 96 }));
    const w = "\ufeff" + wide(wrow("1/1/24")).replace(/\n/g, "\r\n");
    expect([(await ingest(w)).layout, (await ingest(w)).accepted]).to.deep.equal(["wide", 1]);
  });

  it("rejects a bad client id or key before reading a line", async () => {
    let err: Error | undefined;
    await ingestStream([], { clientId: "no spaces" }).catch((e: Error) => (err = e));
    expect(err?.message).to.equal('client id "no spaces" must be 1-64 characters of A-Z, a-z, 0-9, _ or -');
  });

  it("fails with InputError when the file cannot be read", async () => {
    let err: Error | undefined;
    await ingestFile(join(dir, "missing.csv"), { clientId: "c1" }).catch((e: Error) => (err = e));
    expect([err?.name, err?.message]).to.deep.equal(["InputError", `cannot read ${join(dir, "missing.csv")}: ENOENT`]);
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
  const real: [string, string, number, number, Reading][] = [
    ["meter01.csv", "nem12", 1034, 49_632, reading("2017-11-23T14:00:00.000Z", 0)],
    ["meter02.csv", "nem12-excel", 681, 32_688, reading("2018-11-15T14:00:00.000Z", 0)],
    // 6/10/19, the day clocks went forward, has zeros in the two columns of the hour that did not happen
    ["meter03.csv", "wide", 465, 22_318, reading("2019-06-21T14:00:00.000Z", 0.7)],
    ["meter04.csv", "long", 35_132, 35_132, reading("2018-09-25T14:00:00.000Z", 0.813)],
  ];
  for (const [file, layout, rows, readings, first] of real) {
    it(`reads ${file} as ${layout}: ${rows} rows, all accepted, ${readings} readings`, async function () {
      const path = requireShared(this, "meters", file);
      const r = await ingestFile(path, { clientId: "c1", sample: 1 });
      expect(r).to.deep.equal({ layout, rows, accepted: rows, rejected: 0, readingCount: readings, readings: [first], errors: [], reasons: [] });
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
