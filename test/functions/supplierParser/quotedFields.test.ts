import { expect } from "chai";
import { splitCsvLine } from "../../../anomaly/io/csvLine";
import { ingest } from "./ingestFixtures";

describe("supplierParser: quoted fields, as spreadsheets export them", () => {
  const cases: [string, string, string[]][] = [
    ["plain fields", "a,b,c", ["a", "b", "c"]],
    ["empty fields kept", "a,,c,", ["a", "", "c", ""]],
    ["quoted fields unquoted", '"timestamp","kwh"', ["timestamp", "kwh"]],
    ["a separator inside quotes", '"a,b",c', ["a,b", "c"]],
    ["a doubled quote inside quotes", '"say ""hi""",x', ['say "hi"', "x"]],
    ["an empty quoted field", '"",x', ["", "x"]],
    ["a quote in mid-field opens quoting there", 'ab"c,d"e', ["abc,de"]],
    ["a quote left open runs to the end of the line", '"0.6,1', ["0.6,1"]],
  ];
  for (const [what, line, fields] of cases) {
    it(`${what}: ${line}`, () => {
      expect(splitCsvLine(line, ",")).to.deep.equal(fields);
    });
  }

  it("reads a spreadsheet export with every field quoted as the plain layout, and names a bad quoted value", async () => {
    const r = await ingest('"timestamp","kwh"\n"2024-01-01T00:00Z","0.6"\n"2024-01-01T00:30Z","0,7"\n', { sample: 2 });
    expect([r.layout, r.accepted, r.readings.map((x) => x.kwh), r.errors]).to.deep.equal([
      "plain",
      1,
      [0.6],
      [{ line: 3, reason: 'kwh "0,7" is not a number' }],
    ]);
  });
});
