import { expect } from "chai";
import { CsvError } from "../../anomaly/io/csvSeries";
import {
  epochSecondsNote,
  numericTextColumnsHint,
  SeriesTally,
  textColumnsHint,
  timeText,
  UnusedColumn,
  warmUpClause,
  warmUpNote,
} from "../../anomaly/io/seriesTally";
import { isEpochText } from "../../anomaly/io/timestamp";
import { DetectorResult } from "../../anomaly/types";

const WARM_UP_NOTE = "rows were scored before the detector was ready (its warm-up): they have ready 0 and score 0, and are never anomalies";
const NONE_JUDGED = " but none judged: the input ends inside the detector's warm-up (ready 0 and score 0 on every row; a longer input is judged after it)";
const EPOCH_NOTE =
  "the times look like epoch seconds read as milliseconds: numeric times are epoch milliseconds, and every one here is before " +
  "1973-01-01; multiply them by 1000 or write ISO-8601 times (give --no-time if they only number the rows)";
const LEAVE_OUT = "or name the inputs with --columns)";

function result(ready: boolean): DetectorResult {
  return { ready, rawScore: 0, score: 0, anomaly: false, grade: 0, attribution: { high: [0], low: [0] }, expected: [0], imputed: [], clipped: [] };
}

describe("what a scoring run says beyond its scores", () => {
  const warmUps: [number, number, string, string][] = [
    [600, 0, "", ""],
    [600, 228, `228 of 600 ${WARM_UP_NOTE}`, ""],
    [600, 599, `599 of 600 ${WARM_UP_NOTE}`, ""],
    [200, 200, "", NONE_JUDGED],
    [1, 1, "", NONE_JUDGED],
    [0, 0, "", ""],
  ];
  for (const [rows, notReady, note, clause] of warmUps) {
    it(`${notReady} of ${rows} rows before the detector was ready: note ${JSON.stringify(note.slice(0, 12))}, summary ${JSON.stringify(clause.slice(0, 16))}`, () => {
      expect([warmUpNote(rows, notReady), warmUpClause(rows, notReady)]).to.deep.equal([note, clause]);
    });
  }

  const epochs: [number, number, string][] = [
    [0, 0, ""],
    [600, 0, EPOCH_NOTE],
    [1, 0, EPOCH_NOTE],
    [600, 1, ""],
    [600, 600, ""],
  ];
  for (const [numeric, since1973, note] of epochs) {
    it(`${numeric} numeric time(s), ${since1973} of them since 1973: ${note === "" ? "no note" : "the epoch seconds note"}`, () => {
      expect(epochSecondsNote(numeric, since1973)).to.equal(note);
    });
  }

  const STRAYS = "text among the numbers: correct those cells; --rejected lists the rows)";
  // rejected rows per column, rows read, the inputs
  const hints: [[string, number][], number, string[], string][] = [
    [[], 100, ["value"], ""],
    [
      [["code", 290]],
      1000,
      ["value", "code"],
      `; 290 of them for text in column "code" (if "code" is not a measurement, leave it out with --exclude "code" ${LEAVE_OUT}`,
    ],
    [
      [
        ["code", 3],
        ["status", 5],
      ],
      100,
      ["value", "code", "status"],
      `; for text in columns "status" (5), "code" (3) (if "status", "code" are not measurements, leave them out with --exclude "status,code" ${LEAVE_OUT}`,
    ],
    [
      ["a", "b", "c", "d", "e", "f"].map((c, i) => [c, 6 - i] as [string, number]),
      100,
      ["a", "b", "c", "d", "e", "f", "g"],
      `; for text in columns "a" (6), "b" (5), "c" (4), "d" (3), "e" (2), 1 more (if "a", "b", "c", "d", "e", "f" are not measurements, leave them out with --exclude "a,b,c,d,e,f" ${LEAVE_OUT}`,
    ],
    // 10 text cells in a million rows: strays in a measurement, whatever the inputs
    [[["value", 10]], 1_000_000, ["value", "other"], `; 10 of them for text in column "value" (${STRAYS}`],
    // leaving the column out would leave no input
    [[["value", 400]], 1000, ["value"], `; 400 of them for text in column "value" (${STRAYS}`],
    // only the columns with more than strays are offered for leaving out
    [
      [
        ["code", 300],
        ["value", 2],
      ],
      1000,
      ["value", "code"],
      `; for text in columns "code" (300), "value" (2) (if "code" is not a measurement, leave it out with --exclude "code" ${LEAVE_OUT}`,
    ],
    // leaving out both would leave no input: the one with fewer text rows stays in
    [
      [
        ["status", 500],
        ["value", 20],
      ],
      1000,
      ["status", "value"],
      `; for text in columns "status" (500), "value" (20) (if "status" is not a measurement, leave it out with --exclude "status" ${LEAVE_OUT}`,
    ],
  ];
  for (const [counts, rowsRead, inputs, hint] of hints) {
    it(`rows rejected for text in ${JSON.stringify(counts)} of ${rowsRead}, inputs ${inputs.join(",")} -> ${JSON.stringify(hint.slice(0, 40))}`, () => {
      expect(textColumnsHint(new Map(counts), rowsRead, inputs)).to.equal(hint);
    });
  }

  const times: [number, string][] = [
    [Date.UTC(2024, 0, 1), "2024-01-01T00:00:00Z"],
    [Date.UTC(2024, 0, 1, 0, 0, 0, 250), "2024-01-01T00:00:00.250Z"],
    [1704067200, "1970-01-20T17:21:07.200Z"],
    [-1000000, "1969-12-31T23:43:20Z"],
    [1e20, "100000000000000000000"],
  ];
  for (const [time, text] of times) {
    it(`writes time ${time} as ${text}`, () => expect(timeText(time)).to.equal(text));
  }

  const epochTexts: [string, boolean][] = [
    ["1704067200", true],
    ["-1000000", true],
    ["1704067200.5", true],
    [" 17 ", true],
    ["2024-01-01", false],
    ["1e9", false],
    ["", false],
  ];
  for (const [text, numeric] of epochTexts) {
    it(`time text ${JSON.stringify(text)} ${numeric ? "is" : "is not"} an epoch number`, () => expect(isEpochText(text)).to.equal(numeric));
  }

  const runs: { name: string; rowTime?: boolean; rows: [string, number, boolean][]; notes: string[]; times: string; clause: string }[] = [
    {
      name: "epoch seconds",
      rows: [
        ["1704067200", 1704067200, false],
        ["1704067500", 1704067500, true],
      ],
      notes: [`1 of 2 ${WARM_UP_NOTE}`, EPOCH_NOTE],
      times: ", times 1970-01-20T17:21:07.200Z to 1970-01-20T17:21:07.500Z",
      clause: "",
    },
    {
      name: "epoch milliseconds",
      rows: [
        ["1704067200000", 1704067200000, true],
        ["1704067500000", 1704067500000, true],
      ],
      notes: [],
      times: ", times 2024-01-01T00:00:00Z to 2024-01-01T00:05:00Z",
      clause: "",
    },
    {
      name: "ISO times, all in the warm-up",
      rows: [
        ["2024-01-01 00:00", Date.UTC(2024, 0, 1), false],
        ["2024-01-01 00:05", Date.UTC(2024, 0, 1, 0, 5), false],
      ],
      notes: [],
      times: ", times 2024-01-01T00:00:00Z to 2024-01-01T00:05:00Z",
      clause: NONE_JUDGED,
    },
    {
      name: "row numbers (--no-time)",
      rowTime: true,
      rows: [
        ["1", 1, true],
        ["2", 2, true],
      ],
      notes: [],
      times: "",
      clause: "",
    },
  ];
  for (const run of runs) {
    it(`tallies a run over ${run.name}`, () => {
      const tally = new SeriesTally(run.rowTime);
      for (const [text, time, ready] of run.rows) tally.scored(text, time, result(ready));
      expect([tally.notes(), tally.timesClause(), tally.warmUpClause()]).to.deep.equal([run.notes, run.times, run.clause]);
    });
  }

  const numericText: [string, UnusedColumn[], string][] = [
    ["no column left out", [], ""],
    ["a text column", [{ name: "note", values: 10, numbers: 0 }], ""],
    ["a column half numbers", [{ name: "code", values: 10, numbers: 5 }], ""],
    [
      "a sensor whose first value is garbled",
      [
        { name: "note", values: 10, numbers: 0 },
        { name: "a", values: 10, numbers: 9 },
      ],
      '; column "a" is not an input because its first value is text, yet 9 of its 10 values are numbers (to use it, name the inputs with --columns)',
    ],
    [
      "two",
      [
        { name: "a", values: 10, numbers: 9 },
        { name: "b", values: 4, numbers: 3 },
      ],
      '; columns "a" (9 of 10), "b" (3 of 4) are not inputs because their first value is text, yet most of their values are numbers (to use them, name the inputs with --columns)',
    ],
  ];
  for (const [what, columns, hint] of numericText) {
    it(`hints at numbers in columns left out as text: ${what}`, () => expect(numericTextColumnsHint(columns)).to.equal(hint));
  }

  const header = { header: ["time", "a", "b", "note", "skip"], delimiter: ",", timeColumn: "time", columns: ["b"] };
  const rows = [
    ["2024-01-01", "x", "1", "ok", "1"],
    ["2024-01-02", "2", "1", "ok", "2"],
    ["2024-01-03", "", "1", "fine", "3"],
    ["2024-01-04", "4", "1", "NA", "4"],
  ];
  it("counts the values and numbers of the columns left out, missing cells aside, not those left out by name", () => {
    const tally = new SeriesTally(false, { columns: false, excluded: ["skip"] });
    for (const cells of rows) tally.cells(header, cells);
    expect(tally.numericTextColumnsHint()).to.equal(
      '; column "a" is not an input because its first value is text, yet 2 of its 3 values are numbers (to use it, name the inputs with --columns)',
    );
  });
  it("counts nothing when the inputs were named", () => {
    const tally = new SeriesTally(false, { columns: true, excluded: [] });
    for (const cells of rows) tally.cells(header, cells);
    expect(tally.numericTextColumnsHint()).to.equal("");
  });

  it("keeps an earlier --exclude in the one it offers, and with --columns names the inputs to keep", () => {
    const counts = new Map([["code", 300]]);
    expect(textColumnsHint(counts, 1000, ["value", "code"], { columns: false, excluded: ["label"] })).to.equal(
      `; 300 of them for text in column "code" (if "code" is not a measurement, leave it out with --exclude "label,code" ${LEAVE_OUT}`,
    );
    expect(textColumnsHint(counts, 1000, ["value", "code"], { columns: true, excluded: [] })).to.equal(
      '; 300 of them for text in column "code" (if "code" is not a measurement, name the others with --columns "value")',
    );
  });

  it("counts rejections for text per column, and no other rejection", () => {
    const tally = new SeriesTally();
    tally.rejected(new CsvError("f.csv", 2, "code", 'not a number: "E1"', "text"));
    tally.rejected(new CsvError("f.csv", 3, "code", 'not a number: "E2"', "text"));
    tally.rejected(new CsvError("f.csv", 4, "value", "values[0] is NaN at timestamp 0: expected a finite number"));
    tally.rejected(new CsvError("f.csv", 5, null, "expected 3 fields, got 2"));
    expect(tally.textColumnsHint(["value", "code"])).to.equal(
      `; 2 of them for text in column "code" (if "code" is not a measurement, leave it out with --exclude "code" ${LEAVE_OUT}`,
    );
  });
});

describe("each input's deviation over the rows scored", () => {
  it("is the population deviation of each input, in input order (none before a row)", () => {
    const t = new SeriesTally();
    expect(t.inputDeviations()).to.deep.equal([]);
    for (const row of [
      [1, 10, 5],
      [2, 10, 5],
      [3, 10, 5],
      [4, 10, 5],
    ])
      t.inputs(row);
    const [a, b, c] = t.inputDeviations();
    expect(a).to.be.closeTo(Math.sqrt(1.25), 1e-12);
    expect([b, c]).to.deep.equal([0, 0]);
  });

  it("leaves a missing value out of its input only", () => {
    const t = new SeriesTally();
    for (const row of [
      [1, NaN],
      [3, 7],
      [NaN, 9],
    ])
      t.inputs(row);
    expect(t.inputDeviations()).to.deep.equal([1, 1]);
    const none = new SeriesTally();
    none.inputs([NaN, 2]);
    expect(none.inputDeviations()).to.deep.equal([0, 0]);
  });

  it("counts each input's consecutive values that rose and fell, past a missing one", () => {
    const t = new SeriesTally();
    for (const row of [
      [1, 5],
      [2, 5],
      [NaN, 4],
      [3, 6],
      [2, NaN],
    ])
      t.inputs(row);
    expect(t.inputStepCounts()).to.deep.equal([
      { pairs: 3, rises: 2, falls: 1 },
      { pairs: 3, rises: 1, falls: 1 },
    ]);
  });

  it("stays exact around a large level", () => {
    const t = new SeriesTally();
    for (const v of [1e9 - 1000, 1e9 + 1000]) t.inputs([v]);
    expect(t.inputDeviations()[0]).to.equal(1000);
  });
});
