import { expect } from "chai";
import { flooredInputsNote, nameList, risingInputsNote, suspectInputs, suspectNote } from "../../cli/columnHints";

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

describe("detect's note on inputs relativeFloor makes count for little", () => {
  const columns = ["volts", "amps", "millivolts"];
  // [deviations, relativeFloor, given, the inputs named ("" for no note)]
  const cases: [number[], number, boolean, string][] = [
    // 0.03 x 10,000 = 300: 3 times 100 or more is named, 100.1 is not
    [[10, 100, 10_000], 0.03, false, '"volts" (deviation 10, x30), "amps" (deviation 100, x3)'],
    [[10, 100.1, 10_000], 0.03, false, '"volts" (deviation 10, x30)'],
    [[10, 1, 10], 0.03, false, ""],
    [[10, 100, 10_000], 0, true, ""],
    [[0, 2, 4], 0.03, true, ""],
    [[0, 0.02, 4], 0.03, true, '"amps" (deviation 0.02, x6)'],
    [[0, 0, 0], 0.03, false, ""],
  ];
  for (const [deviations, floor, given, named] of cases) {
    it(`deviations ${deviations.join(", ")}, relativeFloor ${floor}: ${named || "no note"}`, () => {
      const note = flooredInputsNote(columns, deviations, floor, given);
      if (named === "") return void expect(note).to.equal("");
      const top = columns[deviations.indexOf(Math.max(...deviations))];
      expect(note).to.include(
        `detect: note: with relativeFloor ${floor}${given ? "" : " (the default)"}, ${named.split("), ").length} input(s) vary far less than "${top}"`,
      );
      expect(note).to.include(`so their changes count for little: ${named}. Among inputs in one unit`);
      expect(note.endsWith("to standardise each input by its own deviation\n")).to.equal(true);
    });
  }

  it("says nothing of one input", () => expect(flooredInputsNote(["v"], [1], 0.03, false)).to.equal(""));

  it("gives the floor with its share and the input that sets it", () => {
    expect(flooredInputsNote(columns, [10, 100, 10_000], 0.03, false)).to.include(
      'vary far less than "millivolts" (deviation 10000) and are standardised by 3% of it, 300,',
    );
  });
});

describe("detect's note on inputs that look like a counter", () => {
  // [pairs, rises, falls, named]
  const cases: [number, number, number, boolean][] = [
    [1000, 1000, 0, true],
    [1000, 500, 20, true],
    [1000, 499, 0, false],
    [1000, 900, 21, false],
    [99, 99, 0, false],
    [100, 100, 0, true],
    [0, 0, 0, false],
  ];
  for (const [pairs, rises, falls, named] of cases) {
    it(`${rises} rises and ${falls} falls in ${pairs} pairs: ${named ? "named" : "not named"}`, () => {
      const note = risingInputsNote(["kwh"], [{ pairs, rises, falls }]);
      if (!named) return void expect(note).to.equal("");
      expect(note).to.match(/^detect: note: "kwh" rises at \d+(\.\d+)?% of its rows and falls at \d+(\.\d+)?% \(a counter or a meter's register\?\)/);
      expect(note.endsWith("difference it first (each row minus the one before)\n")).to.equal(true);
    });
  }

  it("names each rising input with its shares, in input order", () => {
    const note = risingInputsNote(
      ["a", "b", "c"],
      [
        { pairs: 200, rises: 190, falls: 2 },
        { pairs: 200, rises: 100, falls: 100 },
        { pairs: 200, rises: 200, falls: 0 },
      ],
    );
    expect(note).to.include('detect: note: "a" rises at 95% of its rows and falls at 1%, "c" rises at 100% of its rows and falls at 0% (');
    expect(note).not.to.include('"b"');
  });
});
