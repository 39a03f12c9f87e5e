import { expect } from "chai";
import { nameList, suspectInputs, suspectNote } from "../../cli/columnHints";

describe("detect's note on inputs that look like labels or a row index", () => {
  const cases: [columns: string[], expected: [string, string][]][] = [
    [["value", "other"], []],
    [
      ["Pressure", "anomaly", "changepoint"],
      [
        ["anomaly", "a label"],
        ["changepoint", "a label"],
      ],
    ],
    [
      ["Label", "is_anomaly", "IS_ANOMALY "],
      [
        ["Label", "a label"],
        ["is_anomaly", "a label"],
        ["IS_ANOMALY ", "a label"],
      ],
    ],
    [["Unnamed: 0", "TP2"], [["Unnamed: 0", "a row index"]]],
    [
      ["", "index", "row_id", "rowid", "id"],
      [
        ["", "a row index"],
        ["index", "a row index"],
        ["row_id", "a row index"],
        ["rowid", "a row index"],
        ["id", "a row index"],
      ],
    ],
    // a name that only contains a suspect word is a measurement
    [["anomaly_score_upstream", "valve_id_7", "COMP", "indexed_load"], []],
  ];
  for (const [columns, expected] of cases) {
    it(`finds ${expected.length} suspect input(s) among ${JSON.stringify(columns)}`, () => {
      expect(suspectInputs(columns).map((s) => [s.column, s.suspicion])).to.deep.equal(expected);
    });
  }

  it("says nothing when nothing looks suspect", () => {
    expect(suspectNote(["TP2", "TP3"])).to.equal("");
  });

  it("names each suspect input and the --exclude that leaves them out", () => {
    expect(suspectNote(["Unnamed: 0", "TP2"])).to.equal(
      'detect: note: "Unnamed: 0" looks like a row index; the detector learns from every input column (leave it out with --exclude "Unnamed: 0")\n',
    );
    expect(suspectNote(["x", "anomaly", "changepoint"])).to.equal(
      'detect: note: "anomaly" looks like a label, "changepoint" looks like a label; the detector learns from every input column (leave them out with --exclude "anomaly,changepoint")\n',
    );
  });
});

describe("detect's list of column names", () => {
  const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${i}`);
  const cases: [count: number, expected: string][] = [
    [0, ""],
    [1, "c0"],
    [20, names(20).join(", ")],
    [21, `${names(19).join(", ")}, ... (2 more)`],
    [300, `${names(19).join(", ")}, ... (281 more)`],
  ];
  for (const [count, expected] of cases) {
    it(`lists ${count} name(s)`, () => expect(nameList(names(count))).to.equal(expected));
  }

  it("shows a column without a name as the --exclude it takes", () => {
    expect(nameList(["value", "", " "])).to.equal('value, "", " "');
  });
});
