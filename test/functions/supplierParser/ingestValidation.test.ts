import { expect } from "chai";
import { join } from "path";
import { IngestOptions, ingestFile, ingestStream } from "../../../functions/supplierParser/ingest";
import { ingest, vals, d300, nem12, wide, wrow, lrow, longDay, long, fixtureDir } from "./ingestFixtures";

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
    [
      "a 300 record without a quality flag",
      nem12(`300,20240101,${vals(48)}`),
      {},
      [{ line: 2, reason: "no quality method (a flag such as A, or E52) after the interval values" }],
    ],
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
    ["an unknown quality", nem12(d300("20240101", vals(48), "X")), {}, [{ line: 2, reason: 'quality method "X": flag "X" is not one of A, E, F, N, S, V' }]],
    [
      "an unknown quality with a method",
      nem12(d300("20240101", vals(48), "X52")),
      {},
      [{ line: 2, reason: 'quality method "X52": flag "X" is not one of A, E, F, N, S, V' }],
    ],
    [
      "a quality method of three digits (read as no method)",
      nem12(d300("20240101", vals(48), "E521")),
      {},
      [{ line: 2, reason: "no quality method (a flag such as A, or E52) after the interval values" }],
    ],
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
      Array.from({ length: 47 }, (_, i) => ({ line: i + 2, reason: "day 2024-01-01 has 47 intervals, expected 48 (missing 00:30)" })),
    ],
    [
      "a long row an hour long among half-hour rows (overlapping the next), its day with it",
      long(...longDay("1/1/24").slice(0, 1), "7,6,2,MRIM,2#E1,G,1/1/24 0:30,1/1/24 1:29,0.1,0,A", ...longDay("1/1/24").slice(2)),
      {},
      [
        { line: 2, reason: "day 2024-01-01 has 47 intervals, expected 48 (missing 00:30)" },
        { line: 3, reason: "interval 1/1/24 0:30 to 1/1/24 1:29 is 60 minutes, the day's first is 30: rows of a day are of one length" },
        ...Array.from({ length: 46 }, (_, i) => ({ line: i + 4, reason: "day 2024-01-01 has 47 intervals, expected 48 (missing 00:30)" })),
      ],
    ],
    [
      "a long row off the half-hour grid, its day with it",
      long(...longDay("1/1/24").slice(0, 5), "7,6,2,MRIM,2#E1,G,1/1/24 2:45,1/1/24 3:14,0.1,0,A", ...longDay("1/1/24").slice(6)),
      {},
      [
        ...Array.from({ length: 5 }, (_, i) => ({ line: i + 2, reason: "day 2024-01-01 has 47 intervals, expected 48 (missing 02:30)" })),
        { line: 7, reason: 'StartDate "1/1/24 2:45" does not start a 30-minute interval: rows start on the 30-minute grid from midnight' },
        ...Array.from({ length: 42 }, (_, i) => ({ line: i + 8, reason: "day 2024-01-01 has 47 intervals, expected 48 (missing 02:30)" })),
      ],
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
      [{ line: 3, reason: 'duplicate timestamp "2024-01-01T10:00+10:00" (2024-01-01T00:00:00.000Z; first seen at line 2)' }],
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
    await ingestFile(join(fixtureDir, "missing.csv"), { clientId: "c1" }).catch((e: Error) => (err = e));
    expect([err?.name, err?.message]).to.deep.equal(["InputError", `cannot read ${join(fixtureDir, "missing.csv")}: ENOENT`]);
  });
});
