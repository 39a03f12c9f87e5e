import { expect } from "chai";
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { adoptionVerdict, CLEARLY_WORSE, FigureTable, leaveOneSetOut } from "../../anomaly/evaluation/protocol";
import { STATE_CANDIDATES, STATE_SETS } from "../../anomaly/evaluation/stateCandidates";
import { missingStateSets, runStateSets } from "../../anomaly/evaluation/stateTrack";
import { readRcfOptions } from "../../anomaly/rcf/rcfOptions";
import { LEVEL_FLOOR } from "../../anomaly/rcf/preprocessor";
import { tempDir } from "../helpers/tempDir";

const SETS = [...STATE_SETS];

describe("state track: leave-one-set-out over skab, asd, smd", () => {
  it("chooses on the two other sets and reports the choice's figure on the held-out one", () => {
    // "floor0" shines on smd only, "smooth" is a little better everywhere
    const table: FigureTable = {
      current: { skab: 0.87, asd: 0.29, smd: 0.16 },
      floor0: { skab: 0.7, asd: 0.27, smd: 0.26 },
      smooth: { skab: 0.88, asd: 0.3, smd: 0.17 },
    };
    const r = leaveOneSetOut(table, ["current", "floor0", "smooth"], SETS);
    expect(r.heldOut.map((h) => [h.set, h.chosen, h.heldOut])).to.deep.equal([
      ["skab", "floor0", 0.7], // chosen on asd and smd for its smd gain: skab shows what it costs elsewhere
      ["asd", "smooth", 0.3],
      ["smd", "smooth", 0.17],
    ]);
    expect(r.crossValidated).to.be.closeTo((0.7 + 0.3 + 0.17) / 3, 1e-12);
    expect(r.chosen).to.equal("smooth");
    expect(r.inSampleMean).to.be.closeTo(0.45, 1e-12);
  });

  it("names the sets a stored candidate still lacks", () => {
    expect(missingStateSets({})).to.deep.equal(["skab", "asd", "smd"]);
    expect(missingStateSets({ skab: 0.8, smd: 0.1 })).to.deep.equal(["asd"]);
    expect(missingStateSets({ skab: 0.8, asd: 0.2, smd: 0.1 })).to.deep.equal([]);
  });
});

describe("the adoption rule: better held-out figures, no set clearly worse", () => {
  const current = { skab: 0.868, asd: 0.288, smd: 0.156 };
  const even = { skab: 0.5, asd: 0.5, smd: 0.5 };
  const cases: [name: string, table: FigureTable, adopt: boolean, chosen: string, reasons: string[]][] = [
    ["adopts a candidate better on every set", { current, challenger: { skab: 0.88, asd: 0.3, smd: 0.2 } }, true, "challenger", []],
    [
      "adopts a candidate a little worse on one set, within the tolerance",
      { current, challenger: { skab: 0.855, asd: 0.31, smd: 0.25 } },
      true,
      "challenger",
      [],
    ],
    [
      "keeps the defaults when they are chosen on all sets",
      { current, worse: { skab: 0.8, asd: 0.2, smd: 0.1 } },
      false,
      "current",
      ["current is best on all sets"],
    ],
    [
      "keeps the defaults when a better in-sample mean comes with one set clearly worse",
      { current, challenger: { skab: 0.7, asd: 0.3, smd: 0.4 } },
      false,
      "challenger",
      [
        "cross-validated mean 0.385 is not above current's 0.437",
        "skab: held-out figure 0.700 (challenger) is 0.168 below current's 0.868",
        "skab: challenger scores 0.700, 0.168 below current's 0.868",
      ],
    ],
    [
      "keeps the defaults when the held-out figures are not better than theirs, though no set is clearly worse",
      { current: even, challenger: { skab: 0.49, asd: 0.49, smd: 0.53 } },
      false,
      "challenger",
      ["cross-validated mean 0.493 is not above current's 0.500"],
    ],
    [
      "keeps the defaults when a held-out set is clearly worse under the candidate chosen without it",
      { current: even, a: { skab: 0.2, asd: 0.9, smd: 0.9 }, b: { skab: 0.9, asd: 0.49, smd: 0.9 } },
      false,
      "b",
      ["skab: held-out figure 0.200 (a) is 0.300 below current's 0.500"],
    ],
  ];
  for (const [name, table, adopt, chosen, reasons] of cases) {
    it(name, () => {
      const candidates = Object.keys(table);
      const r = leaveOneSetOut(table, candidates, SETS);
      expect(adoptionVerdict(table, candidates, SETS, r)).to.deep.equal({ adopt, incumbent: "current", chosen, reasons });
    });
  }

  it("counts a set as clearly worse beyond the tolerance only", () => {
    const table: FigureTable = { current: even, challenger: { skab: 0.47, asd: 0.6, smd: 0.6 } };
    const r = leaveOneSetOut(table, ["current", "challenger"], SETS);
    expect(adoptionVerdict(table, ["current", "challenger"], SETS, r, 0.05).adopt).to.equal(true);
    expect(adoptionVerdict(table, ["current", "challenger"], SETS, r, CLEARLY_WORSE).reasons).to.deep.equal([
      "skab: held-out figure 0.470 (challenger) is 0.030 below current's 0.500",
      "skab: challenger scores 0.470, 0.030 below current's 0.500",
    ]);
  });
});

describe("state candidates", () => {
  it("list the state alarm's current defaults first (with the level floor the protocol runs with), so a tie keeps them", () => {
    const [first] = Object.values(STATE_CANDIDATES);
    expect(first.levelFloor).to.equal(0.001);
    expect(readRcfOptions(8, { ...first, levelFloor: LEVEL_FLOOR })).to.deep.equal(readRcfOptions(8, { alarm: "state" }));
  });

  it("all judge the state alarm and parse as rcf options", () => {
    for (const [name, options] of Object.entries(STATE_CANDIDATES)) {
      expect(options.alarm, name).to.equal("state");
      expect(() => readRcfOptions(8, options), name).not.to.throw();
    }
  });
});

const stamp = (i: number): string => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().replace("T", " ").replace(".000Z", "");
const value = (i: number, spikes: number[]): string => (spikes.includes(i) ? 50 : 10 + Math.sin(i / 5)).toFixed(4);

describe("runStateSets", () => {
  it("gives each set the point-wise F1 of the detector's own decisions, SKAB's files and the labelled folders alike", async () => {
    const root = tempDir("gridrail-state-track-");
    mkdirSync(join(root, "skab", "valve1"), { recursive: true });
    const skabRows = Array.from({ length: 200 }, (_, i) => `${stamp(i)};${value(i, [120])};${i === 120 || i === 121 ? 1 : 0};0`);
    writeFileSync(join(root, "skab", "valve1", "0.csv"), ["datetime;Pressure;anomaly;changepoint", ...skabRows].join("\n") + "\n");
    mkdirSync(join(root, "asd"));
    const asdRows = Array.from({ length: 200 }, (_, i) => `${stamp(i)},${value(i, [20, 150])},${i === 20 || i === 150 ? 1 : 0}`);
    writeFileSync(join(root, "asd", "a.csv"), ["timestamp,value,label", ...asdRows].join("\n") + "\n");
    writeFileSync(join(root, "asd", "meta.json"), JSON.stringify({ "a.csv": { unlabelled_prefix_rows: 50 } }));
    const r = await runStateSets({ skab: join(root, "skab"), asd: join(root, "asd") }, "zscore", {});
    // SKAB: the spike is caught, the row after it (labelled) is not: 2 * 1 / (2 * 1 + 1)
    expect(r.figures).to.deep.equal({ skab: 0.667, asd: 1 });
    expect(r.details.skab).to.deep.equal({ f1: 0.667, falseAlarmRate: 0, missedAlarmRate: 0.5 });
    // the spike at row 20 is in the unlabelled prefix: neither caught nor missed
    expect(r.details.asd).to.deep.include({ f1: 1, falseAlarmRate: 0, missedAlarmRate: 0 });
  });
});
