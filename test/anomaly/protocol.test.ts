import { expect } from "chai";
import { benchmarkOf, bestCandidate, leaveOneBenchmarkOut, leaveOneSetOut } from "../../anomaly/evaluation/protocol";
import { stateAlarmOptions } from "../../anomaly/evaluation/devSets";
import { DetectorOptions } from "../../anomaly/types";

// three sets; "tuned" shines on set a only, "broad" is good everywhere
const TABLE = {
  defaults: { a: 0.5, b: 0.5, c: 0.5 },
  tuned: { a: 0.95, b: 0.4, c: 0.45 },
  broad: { a: 0.6, b: 0.55, c: 0.6 },
};
const CANDIDATES = ["defaults", "tuned", "broad"];
const SETS = ["a", "b", "c"];

describe("leave-one-set-out choice of defaults", () => {
  it("chooses on the other sets and reports the choice's figure on the held-out one", () => {
    const r = leaveOneSetOut(TABLE, CANDIDATES, SETS);
    expect(r.heldOut.map((h) => [h.set, h.chosen, h.heldOut])).to.deep.equal([
      ["a", "broad", 0.6], // tuned's 0.95 on a is never its own evidence
      ["b", "tuned", 0.4], // on a and c tuned has the best mean (0.7): the held-out set shows it does not carry
      ["c", "tuned", 0.45],
    ]);
    expect(r.heldOut[1].trainingMean).to.be.closeTo(0.7, 1e-12);
    expect(r.crossValidated).to.be.closeTo((0.6 + 0.4 + 0.45) / 3, 1e-12);
    expect(r.chosen).to.equal("tuned");
    expect(r.inSampleMean).to.be.closeTo(0.6, 1e-12);
  });

  it("keeps the first listed candidate on a tie, so a change must be better to be chosen", () => {
    expect(bestCandidate({ x: { a: 0.5 }, y: { a: 0.5 } }, ["x", "y"], ["a"])).to.deep.equal({ name: "x", mean: 0.5 });
    expect(bestCandidate({ x: { a: 0.5 }, y: { a: 0.5 } }, ["y", "x"], ["a"])).to.deep.equal({ name: "y", mean: 0.5 });
  });

  it("refuses a table with a missing figure and a protocol with fewer than two sets", () => {
    expect(() => leaveOneSetOut({ x: { a: 1 }, y: { a: 1 } }, ["x", "y"], ["a", "b"])).to.throw("candidate x has no figure for set b");
    expect(() => leaveOneSetOut(TABLE, CANDIDATES, ["a"])).to.throw("leave-one-set-out needs at least 2 sets, got 1");
    expect(() => bestCandidate(TABLE, [], SETS)).to.throw("no candidate to choose from");
  });
});

describe("leave-one-benchmark-out", () => {
  // two NAB categories and two other benchmarks; "nabOnly" shines on both NAB sets, "broad" on the others
  const table = {
    defaults: { "nab:x": 0.5, "nab:y": 0.5, p: 0.5, q: 0.5 },
    nabOnly: { "nab:x": 0.95, "nab:y": 0.95, p: 0.45, q: 0.45 },
    broad: { "nab:x": 0.45, "nab:y": 0.55, p: 0.65, q: 0.6 },
  };
  const names = ["defaults", "nabOnly", "broad"];

  const benchmarks: [string, string][] = [
    ["nab:realKnownCause", "nab"],
    ["nab:artificial", "nab"],
    ["skab", "skab"],
    ["rcf-paper", "rcf-paper"],
  ];
  for (const [set, benchmark] of benchmarks) {
    it(`puts ${set} in benchmark ${benchmark}`, () => expect(benchmarkOf(set)).to.equal(benchmark));
  }

  it("holds a benchmark's sets out together: NAB's choice is made on the other benchmarks alone", () => {
    const r = leaveOneBenchmarkOut(table, names, ["nab:x", "nab:y", "p", "q"]);
    expect(r.map((h) => [h.benchmark, h.sets, h.chosen, h.heldOut])).to.deep.equal([
      ["nab", ["nab:x", "nab:y"], "broad", { "nab:x": 0.45, "nab:y": 0.55 }],
      ["p", ["p"], "nabOnly", { p: 0.45 }],
      ["q", ["q"], "nabOnly", { q: 0.45 }],
    ]);
    expect(r[0].trainingMean).to.be.closeTo(0.625, 1e-12);
    // leave-one-set-out lets nab:y vouch for nabOnly when nab:x is held out
    expect(leaveOneSetOut(table, names, ["nab:x", "nab:y", "p", "q"]).heldOut[0].chosen).to.equal("nabOnly");
  });

  it("needs at least two benchmarks", () => {
    expect(() => leaveOneBenchmarkOut(table, names, ["nab:x", "nab:y"])).to.throw("leave-one-benchmark-out needs sets of at least 2 benchmarks, got nab");
  });
});

describe("stateAlarmOptions", () => {
  const cases: [name: string, options: DetectorOptions, expected: DetectorOptions][] = [
    [
      "keeps options the alarms share",
      { relativeFloor: 0.03, scoreHorizon: 8640 },
      { alarm: "state", settle: 0, scaleFlagged: true, relativeFloor: 0.03, scoreHorizon: 8640 },
    ],
    [
      "leaves onset-preset options to the state preset",
      { relativeFloor: 0.03, scoring: "likelihood", suppress: 100, smoothing: 5 },
      { alarm: "state", settle: 0, scaleFlagged: true, relativeFloor: 0.03 },
    ],
    [
      "leaves the options refining suppress (rearm, suppressMax) to the onset alarm",
      { relativeFloor: 0.03, suppress: 30, rearm: 5, suppressMax: 300 },
      { alarm: "state", settle: 0, scaleFlagged: true, relativeFloor: 0.03 },
    ],
    [
      "keeps the standardisation learning flagged rows, as the onset track's stored figures were made",
      { relativeFloor: 0.03, scaleFlagged: false },
      { alarm: "state", settle: 0, scaleFlagged: true, relativeFloor: 0.03 },
    ],
    ["takes options that choose the alarm as they are", { alarm: "onset", suppress: 100 }, { alarm: "onset", suppress: 100 }],
  ];
  for (const [name, options, expected] of cases) {
    it(name, () => {
      expect(stateAlarmOptions(options)).to.deep.equal(expected);
    });
  }
});
