import { expect } from "chai";
import { createDetector, DetectorOptions, OptionError } from "../../anomaly";
import { FLAT_LEVEL_SHARE, LEVEL_FLOOR, Preprocessor } from "../../anomaly/rcf/preprocessor";
import { readRcfOptions } from "../../anomaly/rcf/rcfOptions";
import { TRAIN_RCF_OPTIONS } from "../../functions/trainAnomaly/settings";
import { gaussian, liveAndResumed } from "../helpers/streams";

/** The value feature of `x` after a preprocessor learned `learned` (one input, no calendar). */
function featureAfter(learned: readonly number[], x: number, levelFloor?: number): number {
  const p = new Preprocessor(1, true, "none", 22100, undefined, [], 0, levelFloor);
  for (const v of learned) p.update([v]);
  const out = new Float64Array(1);
  p.transform(0, [x], out, 0);
  return out[0];
}

/** `n` points of `level` + Gaussian noise of deviation `deviation` (seeded). */
function noisyLevel(level: number, deviation: number, n: number, seed = 3): number[] {
  const g = gaussian(seed);
  return Array.from({ length: n }, () => level + deviation * g());
}

/** The rows an rcf with `options` flags in `values` (five-minute points). */
function flaggedRows(values: readonly number[], options: DetectorOptions = {}): number[] {
  const d = createDetector("rcf", 1, options);
  const rows: number[] = [];
  values.forEach((v, i) => {
    if (d.process({ timestamp: Date.UTC(2024, 0, 1) + i * 300_000, values: [v] }).anomaly) rows.push(i);
  });
  return rows;
}

describe("rcf option levelFloor: the level floors a measured deviation only by a share of 1e-9", () => {
  const noise = noisyLevel(0, 1000, 2000);

  // level, the feature of level + 20 deviations with the default, and with levelFloor 0.001 (as before the option)
  const table: [number, number, number][] = [
    [0, 20, 20],
    [1e5, 20, 20],
    // 0.1% of 1e7 is 10,000, ten times the noise: 20 deviations read as 2
    [1e7, 20, 2],
    // 0.1% of 1e9 is 1,000,000: 20 deviations read as 0.02
    [1e9, 20, 0.02],
    [1e11, 20, 0.0002],
  ];
  for (const [level, withDefault, withOld] of table) {
    it(`level ${level}: 20 deviations of 1,000 standardise to ${withDefault} (${withOld} with levelFloor=0.001)`, () => {
      const learned = noise.map((v) => level + v);
      const sd = Math.sqrt(noise.reduce((a, v) => a + v * v, 0) / noise.length);
      const x = level + 20 * sd;
      // the discounted mean and deviation are the sample's to a few per cent (2,000 points, horizon 22,100)
      expect(featureAfter(learned, x, LEVEL_FLOOR)).to.be.closeTo(withDefault, 0.05 * withDefault);
      expect(featureAfter(learned, x, FLAT_LEVEL_SHARE)).to.be.closeTo(withOld, 0.05 * withOld);
    });
  }

  it("a flat line, and the first 29 points, still fall back to 0.1% of the level", () => {
    // flat at 5 for 100 points: a step to 6 is 1 / 0.005 = 200 deviations, whatever the option
    const flat = new Array<number>(100).fill(5);
    expect(featureAfter(flat, 6, LEVEL_FLOOR)).to.equal(200);
    expect(featureAfter(flat, 6, FLAT_LEVEL_SHARE)).to.equal(200);
    // two points 0.0001 apart have a deviation of 0.00005: before 30 points the floor is 0.1 (0.1% of 100)
    const young = [100, 100.0001];
    const mean = 100.00005;
    expect(featureAfter(young, 101, LEVEL_FLOOR)).to.be.closeTo((101 - mean) / 0.1, 1e-4);
    // from the 30th point on, the measured deviation itself
    const thirty = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 100 : 100.0001));
    expect(featureAfter(thirty, 100.00015, LEVEL_FLOOR)).to.be.closeTo(2, 0.01);
    expect(featureAfter(thirty, 100.00015, FLAT_LEVEL_SHARE)).to.be.closeTo(0.0001 / 0.1, 1e-6);
  });

  it("a spike of 20 deviations alarms around a level of 1e9 as around 0 (not with levelFloor=0.001)", () => {
    const base = noisyLevel(0, 1000, 3200, 5);
    base[3000] = 20_000;
    for (const level of [0, 1e9]) {
      const rows = flaggedRows(base.map((v) => level + v));
      expect(rows, `level ${level}`).to.include(3000);
      expect(rows.length, `level ${level}: a few alarms, not one a point`).to.be.below(10);
    }
    expect(
      flaggedRows(
        base.map((v) => 1e9 + v),
        { levelFloor: 0.001 },
      ),
    ).to.not.include(3000);
  });

  it("resolves to the options a state keeps: absent at 0.001, as in states saved before the option", () => {
    expect(readRcfOptions(1, {}).levelFloor).to.equal(1e-9);
    expect(readRcfOptions(1, { levelFloor: 1e-6 }).levelFloor).to.equal(1e-6);
    expect(readRcfOptions(1, { levelFloor: 0 }).levelFloor).to.equal(0);
    expect(readRcfOptions(1, { levelFloor: 0.001 })).to.not.have.property("levelFloor");
  });

  const refused: [unknown, string][] = [
    [-1e-12, "option levelFloor must be"],
    [0.002, "option levelFloor must be a number in [0, 0.001], got 0.002"],
    ["tiny", "option levelFloor"],
  ];
  for (const [value, message] of refused) {
    it(`refuses levelFloor=${JSON.stringify(value)}`, () => {
      expect(() => createDetector("rcf", 1, { levelFloor: value as number })).to.throw(OptionError, message);
    });
  }

  it("a 0/1 input at level 1 that sat still: its next switch is learned by the train models (levelFloor 0.001), not with 1e-9", () => {
    // one model reading a minute; the input drops to 0 for one reading every 20,000 (a valve, a switch)
    const unlearned = (options: DetectorOptions): number[] => {
      const d = createDetector("rcf", 1, options);
      const rows: number[] = [];
      for (let i = 0; i < 80_001; i++) {
        const r = d.process({ timestamp: Date.UTC(2024, 0, 1) + i * 60_000, values: [i > 0 && i % 20_000 === 0 ? 0 : 1] });
        if (r.unlearned) rows.push(i);
      }
      return rows;
    };
    expect(TRAIN_RCF_OPTIONS.levelFloor).to.equal(0.001);
    expect(unlearned(TRAIN_RCF_OPTIONS)).to.deep.equal([]);
    // the deviation left from the first switch shrinks over the flat stretch: a later switch is beyond ABSURD_K
    expect(unlearned({ ...TRAIN_RCF_OPTIONS, levelFloor: LEVEL_FLOOR })).to.deep.equal([40_000, 60_000, 80_000]);
  });

  for (const levelFloor of [undefined, 0.001]) {
    it(`resumes exactly from a saved state (levelFloor ${levelFloor ?? "default"}) around a level of 1e9`, () => {
      const data = noisyLevel(1e9, 1000, 1500, 9);
      data[1200] = 1e9 + 30_000;
      const options = levelFloor === undefined ? {} : { levelFloor };
      const { live, resumed, saved } = liveAndResumed("rcf", options, data, 600);
      expect((saved.options as { levelFloor?: number }).levelFloor).to.equal(levelFloor === undefined ? 1e-9 : undefined);
      expect(resumed).to.deep.equal(live);
      expect(live[1200 - 601].anomaly, "the spike").to.equal(levelFloor === undefined);
    });
  }
});
