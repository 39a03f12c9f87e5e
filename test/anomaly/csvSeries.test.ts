import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parseTimestamp, readSeries, SeriesHeader, splitCsvLine } from "../../anomaly/io/csvSeries";

const dir = mkdtempSync(join(tmpdir(), "gridrail-csv-"));
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
    expect(parseTimestamp("yesterday")).to.be.NaN;
  });

  it("splits quoted fields", () => {
    expect(splitCsvLine('a,"b,c","d ""e"""', ",")).to.deep.equal(["a", "b,c", 'd "e"']);
  });

  it("uses every numeric column but the time column, guesses ';' and strips a BOM and CRLF", async () => {
    const p = file("skab.csv", "\uFEFFdatetime;a;label;b\r\n2020-01-01 00:00:00;1.5;x;2\r\n2020-01-01 00:00:01;;x;3\r\n");
    const { header, rows } = await read(p);
    expect(header).to.deep.equal({ header: ["datetime", "a", "label", "b"], delimiter: ";", timeColumn: "datetime", columns: ["a", "b"] });
    expect(rows.map((r) => r.values)).to.deep.equal([[1.5, 2], [NaN, 3]]);
    expect(rows[1].line).to.equal(3);
  });

  const errors: [string, string, object, string][] = [
    ["no time column", "when,v\n1,2\n", {}, 'no time column: expected "timestamp" or "datetime" in header (when, v); name it with --time-column'],
    ["a missing named column", "timestamp,v\n1,2\n", { columns: ["w"] }, 'column "w": no such column in header (timestamp, v)'],
    ["a short row", "timestamp,v\n1,2\n3\n", {}, ":3: expected 2 fields, got 1"],
    ["text in a number column", "timestamp,v\n1,2\n2,abc\n", {}, ':3 column "v": not a number: "abc"'],
    ["a bad time", "timestamp,v\n1,2\nnoon,3\n", {}, ':3 column "timestamp": cannot read time "noon"'],
    ["an empty file", "", {}, ": empty file (no header)"],
    ["a header only", "timestamp,v\n", {}, ": header but no data rows"],
  ];
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
});
