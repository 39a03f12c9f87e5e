import { expect } from "chai";
import { createDetector, DetectorState, OptionError, restoreDetector, StateError } from "../../anomaly";
import { CANDIDATES, NAMED_LATER } from "../../anomaly/evaluation/candidates";
import { STATE_CANDIDATES } from "../../anomaly/evaluation/stateCandidates";
import { AnomalyLikelihood, fillWeight, LikelihoodOptions } from "../../anomaly/likelihood";
import { readRcfOptions } from "../../anomaly/rcf/rcfOptions";
import { LEVEL_FLOOR } from "../../anomaly/rcf/preprocessor";
import { gaussian, liveAndResumed } from "../helpers/streams";

const SMALL: LikelihoodOptions = { window: 1, skip: 0, estimate: 2, horizon: 100, threshold: 0.99999 };

describe("fillWeight", () => {
  const cases: [fill: number, power: number, weight: number][] = [
    [0.5, 2, 0.25],
    [0.5, 4, 0.0625],
    [0.25, 1, 0.25],
    [1, 4, 1],
    [2, 2, 1],
    [0, 2, 0],
    [-1, 2, 0],
    [NaN, 2, 1],
  ];
  for (const [fill, power, weight] of cases)
    it(`weighs an average at fill ${fill}, power ${power}: ${weight}`, () => expect(fillWeight(fill, power)).to.equal(weight));
});

describe("AnomalyLikelihood with option likelihoodFill", () => {
  it("weighs each learned average by fill^p (hand-computed)", () => {
    const l = new AnomalyLikelihood({ ...SMALL, fill: 1 });
    l.process(1, true, true, 0.5);
    // the first average is the mean whatever its weight: mean 1, variance 0, weight 0.5
    expect(l.getState()).to.deep.include({ learned: 1, mean: 1, variance: 0, weight: 0.5 });
    l.process(3, true, true, 1);
    // weight 1.5, alpha = 1 / 1.5: mean 1 + 2 * 2/3 = 7/3, variance (1 - 2/3) * (0 + 2/3 * 4) = 8/9 (unweighted: 2 and 1)
    const s = l.getState();
    expect(s.weight).to.equal(1.5);
    expect(s.mean).to.be.closeTo(7 / 3, 1e-12);
    expect(s.variance).to.be.closeTo(8 / 9, 1e-12);
  });

  it("learns an average of weight 0 into nothing but the count, and stays finite", () => {
    const l = new AnomalyLikelihood({ ...SMALL, fill: 2 });
    l.process(5, true, true, 0);
    l.process(1, true, true, 1);
    l.process(3, true, true, 1);
    const s = l.getState();
    expect(s).to.deep.include({ learned: 3, weight: 2, mean: 2, variance: 1 });
  });

  it("weighs a light average 1/horizon of its weight once the weights pass the horizon (hand-computed)", () => {
    const l = new AnomalyLikelihood({ ...SMALL, horizon: 2, fill: 1 });
    l.process(1, true, true, 0.5);
    l.process(3, true, true, 1);
    // weight 2 reaches the horizon: alpha = 0.5 x max(1/2, 1/2) = 0.25, delta 8/3: mean 3, variance 0.75 x (8/9 + 0.25 x 64/9) = 2
    l.process(5, true, true, 0.5);
    const s = l.getState();
    expect(s.weight).to.equal(2);
    expect(s.mean).to.be.closeTo(3, 1e-12);
    expect(s.variance).to.be.closeTo(2, 1e-12);
  });

  it("learns an average of a subnormal weight without overflowing: the first one is the mean", () => {
    const l = new AnomalyLikelihood({ ...SMALL, fill: 16 });
    l.process(5, true, true, 1e-20);
    expect(l.getState()).to.deep.include({ mean: 5, variance: 0 });
  });

  it("does not winsorise against a deviation that only averages of weight 0 made", () => {
    const l = new AnomalyLikelihood({ ...SMALL, fill: 2 });
    for (let i = 0; i < 40; i++) l.process(9, true, true, 0);
    for (let i = 0; i < 5; i++) l.process(5, true, true, 1);
    expect(l.getState()).to.deep.include({ learned: 45, weight: 5, mean: 5, variance: 0 });
  });

  it("without the option ignores fill: the state of equal weights, no weight field", () => {
    const weighted = new AnomalyLikelihood(SMALL);
    const plain = new AnomalyLikelihood(SMALL);
    [1, 3, 2, 8].forEach((x, i) => {
      weighted.process(x, true, true, 0.1 * i);
      plain.process(x);
    });
    expect(weighted.getState()).to.deep.equal(plain.getState());
    expect(weighted.getState()).to.not.have.property("weight");
  });

  it("refuses a power outside (0, 16]", () => {
    expect(() => new AnomalyLikelihood({ ...SMALL, fill: 0 })).to.throw(OptionError, "option likelihoodFill must be a number in (0, 16] or 0 (off), got 0");
    expect(() => new AnomalyLikelihood({ ...SMALL, fill: 17 })).to.throw(OptionError, "got 17");
  });
});

describe("option likelihoodFill in the rcf detector", () => {
  it("is the protocol's chosen candidate: its options read as the library's defaults (but for the level floor the protocol runs with), the candidate before it not", () => {
    const chosen = CANDIDATES["onset: line 1-1e-7+longAlarm60+escalate100+fill2"];
    expect(chosen.levelFloor).to.equal(0.001);
    expect(readRcfOptions(1, { ...chosen, levelFloor: LEVEL_FLOOR })).to.deep.equal(readRcfOptions(1, {}));
    const before = CANDIDATES["onset: line 1-1e-7+longAlarm60+escalate100"];
    expect(readRcfOptions(1, { ...before, levelFloor: LEVEL_FLOOR })).to.not.deep.equal(readRcfOptions(1, {}));
  });

  it("reads into the likelihood's fill: absent when 0, refused outside [0, 16]", () => {
    expect(readRcfOptions(1, { likelihoodFill: 2 }).likelihood?.fill).to.equal(2);
    expect(readRcfOptions(1, { likelihoodFill: 0 }).likelihood).to.not.have.property("fill");
    expect(() => readRcfOptions(1, { likelihoodFill: -1 })).to.throw(OptionError, "likelihoodFill");
    expect(() => readRcfOptions(1, { likelihoodFill: 17 })).to.throw(OptionError, "likelihoodFill");
  });

  it("weighs each average by the trees' fill when it was scored: (updates / subSampleSize)^p", () => {
    const gauss = gaussian(5);
    const d = createDetector("rcf", 1, { likelihoodFill: 2 });
    const n = 400;
    for (let i = 0; i < n; i++) d.process({ timestamp: i * 60_000, values: [gauss()] });
    const state = d.toState() as unknown as { likelihood: { learned: number; weight: number }; likelihoodLong: { weight: number } };
    // the forest scores from its 64th update and the likelihood skips 64 scores: the k-th point (0-based) is
    // scored after k updates, and the averages learned are those of the points scored after 128 to 399 updates
    let expected = 0;
    for (let u = 128; u < n; u++) expected += Math.min(1, u / 256) ** 2;
    expect(state.likelihood.learned).to.equal(n - 128);
    expect(state.likelihood.weight).to.be.closeTo(expected, 1e-9);
    expect(state.likelihoodLong.weight).to.be.closeTo(expected, 1e-9);
  });

  it("with the option off resumes bit for bit from a state without a weight (as states saved before the option)", () => {
    const gauss = gaussian(9);
    const data = Array.from({ length: 900 }, (_, i) => (i === 820 ? 12 : 0) + gauss());
    const { live, resumed, saved } = liveAndResumed("rcf", { likelihoodFill: 0 }, data, 700);
    expect(saved as unknown as Record<string, Record<string, unknown>>).to.not.have.nested.property("likelihood.weight");
    expect(resumed).to.deep.equal(live);
  });

  for (const saveAt of [150, 700]) {
    it(`resumes bit for bit from a state saved after ${saveAt} points${saveAt < 256 ? ", while the trees fill" : ""}`, () => {
      const gauss = gaussian(9);
      const data = Array.from({ length: 900 }, (_, i) => (i === 820 ? 12 : 0) + gauss());
      const { live, resumed, saved } = liveAndResumed("rcf", { likelihoodFill: 2 }, data, saveAt);
      expect(resumed).to.deep.equal(live);
      expect(live.some((r) => r.anomaly)).to.equal(true);
      expect((saved as unknown as { likelihood: { weight: number } }).likelihood.weight).to.be.a("number");
    });
  }

  for (const seed of [3, 4, 5])
    it(`narrows the averages' deviation on Gaussian noise (seed ${seed}): a young forest's scores spread wider`, () => {
      const gauss = gaussian(seed);
      const data = Array.from({ length: 600 }, () => gauss());
      const varianceOf = (options: Record<string, number>) => {
        const d = createDetector("rcf", 1, options);
        data.forEach((v, i) => d.process({ timestamp: i * 60_000, values: [v] }));
        return (d.toState() as unknown as { likelihood: { variance: number } }).likelihood.variance;
      };
      const [off, two, four] = [0, 2, 4].map((p) => varianceOf({ likelihoodFill: p }));
      expect(two).to.be.below(off);
      expect(four).to.be.below(two);
    });
});

describe("the protocol's candidates", () => {
  const all = { ...CANDIDATES, ...STATE_CANDIDATES };
  for (const [name, options] of Object.entries(all))
    it(`${name}: means what it meant before escalate, likelihoodFill, scaleFlagged and levelFloor were defaults`, () =>
      expect(readRcfOptions(3, options)).to.deep.equal(readRcfOptions(3, { ...NAMED_LATER, ...options })));
});

describe("a saved state with option likelihoodFill", () => {
  const saved = () => {
    const d = createDetector("rcf", 1, { numberOfTrees: 4, subSampleSize: 16, likelihoodFill: 2, likelihoodSkip: 5, likelihoodEstimate: 5 });
    for (let i = 0; i < 60; i++) d.process({ timestamp: i * 60_000, values: [Math.sin(i / 5)] });
    return JSON.parse(JSON.stringify(d.toState())) as Record<string, Record<string, unknown>>;
  };
  const cases: [what: string, change: (s: Record<string, Record<string, unknown>>) => void, message: string][] = [
    [
      "a weight missing",
      (s) => delete s.likelihood.weight,
      "state.likelihood.weight: expected a weight exactly when options.likelihood.fill is set, got nothing",
    ],
    [
      "a weight above the averages learned",
      (s) => (s.likelihood.weight = (s.likelihood.learned as number) + 1),
      "state.likelihood.weight: expected a finite number in [0, ",
    ],
    [
      "a long-average weight above its own averages learned",
      (s) => (s.likelihoodLong.learned = Math.floor(s.likelihoodLong.weight as number) - 1),
      "state.likelihoodLong.weight: expected a finite number in [0, ",
    ],
    ["a negative weight", (s) => (s.likelihoodLong.weight = -1), "state.likelihoodLong.weight: expected a finite number in [0, "],
    [
      "a weight without the option",
      (s) => delete (s.options.likelihood as Record<string, unknown>).fill,
      "state.likelihood.weight: expected a weight exactly when options.likelihood.fill is set, got ",
    ],
    ["a power of 0", (s) => ((s.options.likelihood as Record<string, unknown>).fill = 0), "state.options.likelihood.fill: expected a number in (0, 16], got 0"],
  ];
  for (const [what, change, message] of cases)
    it(`refuses ${what}`, () => {
      const s = saved();
      change(s);
      expect(() => restoreDetector(s as unknown as DetectorState)).to.throw(StateError, message);
    });
  it("restores the state unchanged", () => {
    const s = saved();
    expect(JSON.parse(JSON.stringify(restoreDetector(s as unknown as DetectorState).toState()))).to.deep.equal(s);
  });
});
