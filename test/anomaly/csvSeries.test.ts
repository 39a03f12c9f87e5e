import { expect } from "chai";
import { ChildProcess, execFileSync, spawn } from "child_process";
import { writeFileSync } from "fs";
import { join } from "path";
import { splitCsvLine } from "../../anomaly/io/csvLine";
import { CsvError, CsvProblem, defaultTimeColumn, parseTimestamp, readSeries, SeriesHeader } from "../../anomaly/io/csvSeries";
import { tempDir } from "../helpers/tempDir";

const dir = tempDir("gridrail-csv-");
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function read(path: string, spec: object = {}) {
  let header: SeriesHeader | undefined;
  const rows = [];
  for await (const r of readSeries({ file: path, ...spec }, (h) => (header = h))) rows.push(r);
  return { header: header!, rows };
}

describe("CSV series", () => {
  it("parses timestamps as UTC, with NAB's microseconds and plain epoch numbers", () => {
    expect(parseTimestamp("2014-04-10 07:15:00.000000")).to.equal(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseTimestamp("2020-03-09T10:14:33+01:00")).to.equal(Date.UTC(2020, 2, 9, 9, 14, 33));
    expect(parseTimestamp("1700000000")).to.equal(1700000000);
    expect(Number.isNaN(parseTimestamp("yesterday"))).to.equal(true);
  });

  it("splits quoted fields", () => {
    expect(splitCsvLine('a,"b,c","d ""e"""', ",")).to.deep.equal(["a", "b,c", 'd "e"']);
  });

  it("uses every numeric column but the time column, guesses ';' and strips a BOM and CRLF", async () => {
    const p = file("skab.csv", "\uFEFFdatetime;a;label;b\r\n2020-01-01 00:00:00;1.5;x;2\r\n2020-01-01 00:00:01;;x;3\r\n");
    const { header, rows } = await read(p);
    expect(header).to.deep.equal({ header: ["datetime", "a", "label", "b"], delimiter: ";", timeColumn: "datetime", columns: ["a", "b"] });
    expect(rows.map((r) => r.values)).to.deep.equal([
      [1.5, 2],
      [NaN, 3],
    ]);
    expect(rows[1].line).to.equal(3);
  });

  it("reads a decimal comma as a point in a ';' file (a comma-decimal spreadsheet's export); 1,234,5 stays text", async () => {
    const semi = await read(file("comma.csv", "time;power;temp\n2024-01-01 00:00;1,5;-0,25\n2024-01-01 00:01;2;1.75\n"));
    expect(semi.header.columns).to.deep.equal(["power", "temp"]);
    expect(semi.rows.map((r) => r.values)).to.deep.equal([
      [1.5, -0.25],
      [2, 1.75],
    ]);
    expect(semi.rows[0].cells).to.deep.equal(["2024-01-01 00:00", "1,5", "-0,25"]);
    const thousands = await read(file("thousands.csv", "time;power\n2024-01-01 00:00;1,234,5\n")).catch((e: Error) => e);
    expect((thousands as Error).message).to.contain('read as text: "power" "1,234,5"');
  });

  describe("the time column when none is named", () => {
    const cases: [string[], number][] = [
      [["timestamp", "v"], 0],
      [["v", "DateTime"], 1],
      [["time", "datetime", "v"], 1],
      [["Time", "v"], 0],
      [["v", "date"], 1],
      [["date", "time", "v"], -1],
      [["when", "v"], -1],
    ];
    for (const [header, index] of cases) {
      it(`${header.join(",")}: ${index < 0 ? "none" : header[index]}`, () => expect(defaultTimeColumn(header)).to.equal(index));
    }
  });

  it("decides a column from its first non-empty cell: an empty first cell does not drop it", async () => {
    const p = file("gap.csv", "timestamp,a,note,b\n2020-01-01,,x,1\n2020-01-02,,,2\n2020-01-03,4.5,y,3\n");
    const { header, rows } = await read(p);
    expect(header.columns).to.deep.equal(["a", "b"]);
    expect(rows.map((r) => [r.line, ...r.values])).to.deep.equal([
      [2, NaN, 1],
      [3, NaN, 2],
      [4, 4.5, 3],
    ]);
  });

  it("reads NA, NaN, null, None, N/A and #N/A cells as missing values, also when they come first", async () => {
    const p = file("na.csv", "timestamp,a,b,note\n2020-01-01,NA,nan,x\n2020-01-02,20.5,NULL,y\n2020-01-03, None ,1.5,z\n2020-01-04,#N/A,n/a,w\n");
    const { header, rows } = await read(p);
    expect(header.columns).to.deep.equal(["a", "b"]);
    expect(rows.map((r) => [r.line, ...r.values])).to.deep.equal([
      [2, NaN, NaN],
      [3, 20.5, NaN],
      [4, NaN, 1.5],
      [5, NaN, NaN],
    ]);
  });

  it("leaves out a column with an empty name (pandas' unnamed index) when told to", async () => {
    const p = file("index.csv", ",timestamp,v\n0,2020-01-01,1\n1,2020-01-02,2\n");
    expect((await read(p)).header.columns).to.deep.equal(["", "v"]);
    expect((await read(p, { exclude: [""] })).header.columns).to.deep.equal(["v"]);
  });

  it("reads past the lookahead once every column is decided, streaming the rest", async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `2020-01-01T00:${String(i).padStart(2, "0")}:00Z,${i < 20 ? "" : i},${i}`);
    const { header, rows } = await read(file("late.csv", ["timestamp,a,b", ...lines].join("\n")));
    expect([header.columns, rows.length, rows[29].values]).to.deep.equal([["a", "b"], 30, [29, 29]]);
  });

  it("takes a line just under the limit", async () => {
    const { rows } = await read(file("long.csv", `timestamp,v\n2020-01-01,${"1".repeat(30)}\n`), { maxLineChars: 41 });
    expect(rows.map((r) => r.values)).to.deep.equal([[1.1111111111111111e29]]);
  });

  const errors: [string, string, object, string][] = [
    [
      "no time column",
      "when,v\n1,2\n",
      {},
      'no time column: expected "timestamp", "datetime", "time" or "date" in header (when, v); name it with --time-column, or give --no-time if the rows carry no time',
    ],
    [
      "a column named twice",
      "timestamp,a,b,a\n1,2,3,4\n",
      {},
      ':1 column "a": names fields 2 and 4 of the header: rename one (columns are told apart by name)',
    ],
    ["the time column named twice", "timestamp,v,timestamp\n1,2,3\n", {}, ':1 column "timestamp": names fields 1 and 3 of the header'],
    ["a missing named column", "timestamp,v\n1,2\n", { columns: ["w"] }, 'column "w": no such column in header (timestamp, v)'],
    ["a short row", "timestamp,v\n1,2\n3\n", {}, ":3: expected 2 fields, got 1"],
    ["text in a number column", "timestamp,v\n1,2\n2,abc\n", {}, ':3 column "v": not a number: "abc"'],
    ["a bad time", "timestamp,v\n1,2\nnoon,3\n", {}, ':3 column "timestamp": cannot read time "noon"'],
    ["an empty file", "", {}, ": empty file (no header)"],
    ["a header only", "timestamp,v\n", {}, ": header but no data rows"],
    [
      "decimal commas in a ',' file",
      'timestamp,value,site\n2020-01-01,"1,5",north\n',
      {},
      ':2: no numeric column to use as input (read as text: "value" "1,5" (a decimal comma: numbers need a point), "site" "north")',
    ],
    [
      "every numeric column left out",
      "timestamp,value,site\n2020-01-01,1.5,north\n",
      { exclude: ["value"] },
      ':2: no numeric column to use as input (read as text: "site" "north") (left out with --exclude: "value")',
    ],
    ["an impossible day", "timestamp,v\n2020-02-30 00:00:00,1\n", {}, ':2 column "timestamp": cannot read time "2020-02-30 00:00:00" (expected ISO-8601'],
    ["a hexadecimal cell", "timestamp,v\n2020-01-01,1\n2020-01-02,0x10\n", {}, ':3 column "v": not a number: "0x10"'],
    ["a first cell in hexadecimal", "timestamp,v,w\n2020-01-01,0x10,1\n", {}, ':2 column "v": not a decimal number: "0x10"'],
    [
      "a column empty in every row",
      "timestamp,v,w\n2020-01-01,,1\n2020-01-02,,2\n",
      {},
      ':3 column "v": no value (only empty or missing-value cells) in the first 2 data row(s), so it is unclear whether it is an input: name the inputs with --columns or leave it out with --exclude "v"',
    ],
    [
      "a column of missing values only",
      "timestamp,v,w\n2020-01-01,NA,1\n2020-01-02,NaN,2\n",
      {},
      ':3 column "v": no value (only empty or missing-value cells) in the first 2 data row(s), so it is unclear whether it is an input: name the inputs with --columns or leave it out with --exclude "v"',
    ],
    ["the time column as an input", "timestamp,v\n2020-01-01,1\n", { columns: ["timestamp"] }, ':1 column "timestamp": is the time column, not an input'],
    ["an input named twice", "timestamp,v\n2020-01-01,1\n", { columns: ["v", "v"] }, ':1 column "v": named twice as an input'],
    ["a first cell too large to hold", "timestamp,v,w\n2020-01-01,1e999,1\n", {}, ':2 column "v": not a finite number: "1e999"'],
    ["a line over the limit", `timestamp,v\n2020-01-01,1\n2020-01-02,${"9".repeat(100)}\n`, { maxLineChars: 50 }, ":3: line longer than 50 characters"],
  ];
  it("names a UTF-16 file (a spreadsheet's Unicode text) instead of echoing its header's NUL bytes", async () => {
    const p = join(dir, "utf16.csv");
    writeFileSync(p, Buffer.from("\uFEFFtimestamp,v\n2020-01-01,2\n", "utf16le"));
    const error = await read(p).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.equal(`${p}:1: the header holds NUL bytes: the file looks UTF-16 encoded; save it as UTF-8 CSV`);
  });

  for (const [what, text, spec, message] of errors) {
    it(`names file, line and column for ${what}`, async () => {
      const p = file(`${what.replace(/ /g, "_")}.csv`, text);
      let error: Error | undefined;
      try {
        await read(p, spec);
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.include(message);
      expect(error?.message.startsWith(p)).to.equal(true);
    });
  }

  describe("what --input may name", () => {
    const text = "timestamp,v\n2020-01-01,1\n2020-01-02,2\n";
    // a named pipe is what a shell's process substitution (`<(zcat x.gz)`, /dev/fd/63) hands over
    const kinds: [what: string, make: () => { path: string; writer?: ChildProcess }, rows: number | string][] = [
      ["a file", () => ({ path: file("kind-file.csv", text) }), 2],
      [
        "a named pipe",
        () => {
          const path = join(dir, "kind-fifo.csv");
          execFileSync("mkfifo", [path]);
          return { path, writer: spawn("sh", ["-c", `printf '%s' '${text}' > "${path}"`]) };
        },
        2,
      ],
      ["a folder", () => ({ path: dir }), `${dir}: is a folder, not a file`],
      ["a missing file", () => ({ path: join(dir, "kind-none.csv") }), `${join(dir, "kind-none.csv")}: no such file`],
    ];
    for (const [what, make, expected] of kinds) {
      it(`${what}: ${typeof expected === "number" ? `reads its ${expected} rows` : expected}`, async () => {
        const { path, writer } = make();
        const outcome = await read(path).then(
          ({ rows }) => rows.length,
          (e: Error) => e.message,
        );
        writer?.kill();
        expect(outcome).to.equal(expected);
      });
    }
  });

  describe("rows that cannot be read, with onBadRow", () => {
    const cases: [
      what: string,
      text: string,
      spec: object,
      rows: [line: number, values: number[]][],
      bad: [line: number, column: string | null, reason: string, problem: CsvProblem][],
    ][] = [
      [
        "a short row, a long row, text, a bad time: each reported, the others read",
        "timestamp,v\n1,2\n3\n4,5,6\n5,abc\nnoon,7\n8,9\n",
        {},
        [
          [2, [2]],
          [7, [9]],
        ],
        [
          [3, null, "expected 2 fields, got 1", "other"],
          [4, null, "expected 2 fields, got 3", "other"],
          [5, "v", 'not a number: "abc"', "text"],
          [6, "timestamp", 'cannot read time "noon" (expected ISO-8601 such as 2024-01-31 23:30:00, or epoch milliseconds)', "other"],
        ],
      ],
      [
        "a bad row among the rows read ahead to choose the inputs",
        "timestamp,v,w\n1,,1\n2,x\n3,4,5\n",
        {},
        [
          [2, [NaN, 1]],
          [4, [4, 5]],
        ],
        [[3, null, "expected 3 fields, got 2", "other"]],
      ],
      [
        "a quote left open: the line is refused, not read up to the quote",
        'timestamp,v\n2020-01-01,1\n2020-01-02,"4\n5"\n2020-01-04,"6"\n',
        {},
        [
          [2, [1]],
          [5, [6]],
        ],
        [
          [3, null, "a quote is not closed on this line (a field cannot span lines)", "other"],
          [4, null, "a quote is not closed on this line (a field cannot span lines)", "other"],
        ],
      ],
      [
        "with rowTime a rejected row keeps its place: the next row is at its own ordinal",
        "1,2\n3,x\n5,6\n",
        { rowTime: true },
        [
          [1, [1, 2]],
          [3, [5, 6]],
        ],
        [[2, "column2", 'not a number: "x"', "text"]],
      ],
    ];
    for (const [what, text, spec, rows, bad] of cases) {
      it(what, async () => {
        const path = file(`bad-rows-${rows.length}-${bad.length}-${what.length}.csv`, text);
        const errors: CsvError[] = [];
        const { rows: got } = await read(path, { ...spec, onBadRow: (e: CsvError) => errors.push(e) });
        expect(got.map((r) => [r.line, r.values])).to.deep.equal(rows);
        expect(errors.map((e) => [e.line, e.column, e.reason, e.problem])).to.deep.equal(bad);
        expect(errors.every((e) => e.file === path && e.message.startsWith(`${path}:${e.line}`))).to.equal(true);
        if ((spec as { rowTime?: boolean }).rowTime) expect(got.map((r) => r.timestamp)).to.deep.equal([1, 3]);
      });
    }

    it("says that no data row could be read, not that there is none, when every row was refused", async () => {
      const path = file("bad-rows-all.csv", "timestamp,v\n2020-01-01,1,2\n2020-01-02,2,3\n");
      const errors: CsvError[] = [];
      let error: Error | undefined;
      await read(path, { onBadRow: (e: CsvError) => errors.push(e) }).catch((e: Error) => (error = e));
      expect([errors.length, error?.message]).to.deep.equal([2, `${path}: none of its 2 data row(s) could be read (each is named above)`]);
    });

    it("still ends the reading on an error of the file as a whole", async () => {
      let error: Error | undefined;
      await read(file("bad-rows-no-time.csv", "when,v\n1,2\n"), { onBadRow: () => undefined }).catch((e: Error) => (error = e));
      expect(error?.message).to.include("no time column");
    });
  });

  describe("rows without time (rowTime)", () => {
    const cases: [string, string, object, string[], number[][]][] = [
      [
        "a first line of numbers is data",
        "1.5,2\n-3,4e2\n",
        {},
        ["column1", "column2"],
        [
          [1.5, 2],
          [-3, 400],
        ],
      ],
      [
        "a named header stays a header",
        "a,b\n1,2\n3,4\n",
        {},
        ["a", "b"],
        [
          [1, 2],
          [3, 4],
        ],
      ],
      [
        "a time column is then an input like any other",
        "timestamp,v\n5,1\n6,2\n",
        {},
        ["timestamp", "v"],
        [
          [5, 1],
          [6, 2],
        ],
      ],
      ["one text cell makes the first line a header", "x,2\n1,2\n", {}, ["x", "2"], [[1, 2]]],
      [
        "';' is guessed as with a header",
        "1;2\n3;4\n",
        {},
        ["column1", "column2"],
        [
          [1, 2],
          [3, 4],
        ],
      ],
      ["--columns names the generated columns", "1,2,3\n4,5,6\n", { columns: ["column3"] }, ["column3"], [[3], [6]]],
    ];
    for (const [what, text, spec, columns, values] of cases) {
      it(what, async () => {
        const { header, rows } = await read(file(`rowtime-${columns.join("")}-${values.length}.csv`, text), { rowTime: true, ...spec });
        expect(header.columns).to.deep.equal(columns);
        expect(header.timeColumn).to.equal("");
        expect(rows.map((r) => r.values)).to.deep.equal(values);
        expect(rows.map((r) => [r.timestamp, r.timestampText])).to.deep.equal(values.map((_, k) => [k + 1, String(k + 1)]));
      });
    }

    it("counts data rows, not lines: blank lines and the header do not take a time", async () => {
      const { rows } = await read(file("rowtime-blank.csv", "a\n\n7\n\n8\n"), { rowTime: true });
      expect(rows.map((r) => [r.line, r.timestamp])).to.deep.equal([
        [3, 1],
        [5, 2],
      ]);
    });

    it("refuses a time column and row time together", async () => {
      let error: Error | undefined;
      await read(file("rowtime-both.csv", "timestamp,v\n1,2\n"), { rowTime: true, timeColumn: "timestamp" }).catch((e: Error) => (error = e));
      expect(error?.message).to.equal("give a time column or row time, not both");
    });
  });
});
