import { expect } from "chai";
import { Preprocessor } from "../../anomaly/rcf/preprocessor";
import {
  clamp,
  discountedMean,
  discountedVariance,
  discountWeight,
  farthestFromMedian,
  FEATURE_LIMIT,
  SCORE_LIMIT,
  WINSOR_AFTER,
  WINSOR_K,
  winsorise,
} from "../../anomaly/robust";
import { Thresholder } from "../../anomaly/thresholder";

describe("working range", () => {
  const clamps: [number, number, number][] = [
    [5, 10, 5],
    [11, 10, 10],
    [-11, 10, -10],
    [Infinity, 10, 10],
    [-Infinity, 10, -10],
  ];
  for (const [value, limit, expected] of clamps) {
    it(`clamps ${value} to ${expected} within +-${limit}`, () => {
      expect(clamp(value, limit)).to.equal(expected);
    });
  }

  const caps: [delta: number, scale: number, count: number, expected: number][] = [
    [1e6, 2, WINSOR_AFTER, 2 * WINSOR_K],
    [-1e6, 2, WINSOR_AFTER, -2 * WINSOR_K],
    [99, 2, WINSOR_AFTER, 99],
    [1e6, 2, WINSOR_AFTER - 1, 1e6],
  ];
  for (const [delta, scale, count, expected] of caps) {
    it(`winsorises a deviation of ${delta} at scale ${scale} after ${count} points to ${expected}`, () => {
      expect(winsorise(delta, scale, count)).to.equal(expected);
    });
  }
});

describe("discounted mean and variance", () => {
  const weights: [n: number, horizon: number, expected: number][] = [
    [1, 100, 1],
    [4, 100, 0.25],
    [100, 100, 0.01],
    [5000, 100, 0.01],
  ];
  for (const [n, horizon, expected] of weights) {
    it(`weighs value ${n} of a horizon of ${horizon} by ${expected}`, () => {
      expect(discountWeight(n, horizon)).to.equal(expected);
    });
  }

  function learn(values: number[], horizon: number): [mean: number, variance: number] {
    let mean = 0;
    let variance = 0;
    values.forEach((v, i) => {
      const alpha = discountWeight(i + 1, horizon);
      const delta = v - mean;
      mean = discountedMean(mean, delta, alpha);
      variance = discountedVariance(variance, delta, alpha);
    });
    return [mean, variance];
  }

  it("is the exact mean and population variance within the horizon", () => {
    const [mean, variance] = learn([2, 4, 4, 4, 5, 5, 7, 9], 100);
    expect(mean).to.be.closeTo(5, 1e-12);
    expect(variance).to.be.closeTo(4, 1e-12);
  });

  it("forgets beyond the horizon: 200 points after a step from 0 to 10 the mean is 10 (1 - 0.99^200)", () => {
    const [mean] = learn([...new Array<number>(1000).fill(0), ...new Array<number>(200).fill(10)], 100);
    expect(mean).to.be.closeTo(10 * (1 - 0.99 ** 200), 1e-9);
  });
});

describe("preprocessor statistics", () => {
  /** 2000 points alternating 4 and 6 (mean 5, deviation 1), then `spike`; horizon 1000. */
  function afterSpike(spike: number): { mean: number; variance: number; feature: number } {
    const p = new Preprocessor(1, true, "none", 1000);
    for (let i = 0; i < 2000; i++) p.update([i % 2 ? 6 : 4]);
    p.update([spike]);
    const out = new Float64Array(1);
    p.transform(0, [spike], out, 0);
    const { mean, variance } = p.getState();
    return { mean: mean[0], variance: variance[0], feature: out[0] };
  }

  it("learns a 1e6 spike as 50 deviations: the variance grows by a factor 1 + alpha 50^2, not 1e12 alpha", () => {
    // against the same series with an ordinary value (5, the mean) in the spike's place
    const ordinary = afterSpike(5);
    const after = afterSpike(1e6);
    const alpha = 1 / 1000;
    expect(after.variance / ordinary.variance).to.be.closeTo(1 + alpha * WINSOR_K ** 2, 1e-6);
    expect(after.mean - ordinary.mean).to.be.closeTo(alpha * WINSOR_K, 1e-3);
  });

  it("clamps a feature to FEATURE_LIMIT so the float32 point store holds it", () => {
    expect(afterSpike(1e150).feature).to.equal(FEATURE_LIMIT);
    expect(afterSpike(-1e150).feature).to.equal(-FEATURE_LIMIT);
    expect(Math.fround(FEATURE_LIMIT)).to.be.lessThan(Infinity);
  });

  const far: [number[], number][] = [
    [[1, 2, 3, 100], 3],
    [[-1e6, 0, 1, 2], 0],
    [[5, 5, 5], 0],
    [[1, 9, 5], 0],
    [[], -1],
  ];
  for (const [values, expected] of far) {
    it(`finds the value farthest from the median of ${JSON.stringify(values)} at ${expected}`, () => {
      expect(farthestFromMedian(values)).to.equal(expected);
    });
  }

  /** Mean and variance after the first WINSOR_AFTER points: 4 and 6 alternating, with `value` at row `at`. */
  function settled(value: number, at = 7, flat = false): { mean: number; variance: number; warmUp: number } {
    const p = new Preprocessor(1, true, "none", 1000);
    let warmUp = 0;
    for (let i = 0; i < WINSOR_AFTER; i++) {
      p.update([i === at ? value : flat ? 5 : i % 2 ? 6 : 4]);
      warmUp = Math.max(warmUp, p.getState().warmUp?.length ?? 0);
    }
    const { mean, variance, warmUp: left } = p.getState();
    expect(left).to.equal(undefined);
    return { mean: mean[0], variance: variance[0], warmUp };
  }
  // rows 0-29: 4 on even rows, 6 on odd ones (5 everywhere when flat), row 7 (a 6) replaced by the value
  const others = (flat: boolean): number => (flat ? 29 * 5 : 15 * 4 + 14 * 6);
  const warmUps: [string, number, boolean, boolean][] = [
    // the farthest value against 1000 x the others' deviation (~1): 1e6 and -1e4 are left out, 500 is not
    ["a 1e6 among the first points is left out", 1e6, false, true],
    ["a -1e4 too", -1e4, false, true],
    ["a 500 is learned (under 1000 deviations)", 500, false, false],
    ["a step off a flat warm-up is learned (no deviation to judge it by)", 1e6, true, false],
  ];
  for (const [what, value, flat, leftOut] of warmUps) {
    it(`settles the warm-up after ${WINSOR_AFTER} points: ${what}`, () => {
      const s = settled(value, 7, flat);
      expect(s.warmUp).to.equal(WINSOR_AFTER - 1);
      const mean = leftOut ? others(flat) / 29 : (others(flat) + value) / 30;
      expect(s.mean).to.be.closeTo(mean, 1e-9 * Math.abs(mean));
      if (leftOut) expect(s.variance).to.be.closeTo(1, 0.01);
      else expect(s.variance).to.be.greaterThan(1000);
    });
  }

  it("learns the first move off a flat line as it is (there is no deviation to measure it by)", () => {
    const p = new Preprocessor(1, true, "none", 1000);
    for (let i = 0; i < 100; i++) p.update([0]);
    p.update([8]);
    expect(p.getState().mean[0]).to.equal(8 / 101);
  });
});

describe("thresholder statistics", () => {
  const options = { zFactor: 3, lowerThreshold: 4, horizon: 1000, minScores: 1, smoothing: 1, peakDecay: 0.99, peakAfter: 0, margin: 1 };

  it("learns a score of 1e300 as 10 thresholds, and keeps deciding on the next ones", () => {
    const t = new Thresholder(options);
    for (let i = 0; i < 100; i++) t.process(1);
    const threshold = t.threshold;
    expect(t.process(1e300).anomaly).to.equal(true);
    const state = t.getState();
    expect(state.peak).to.equal(10 * threshold);
    expect(state.recent).to.deep.equal([SCORE_LIMIT]);
    expect(Number.isFinite(state.variance)).to.equal(true);
    expect(t.threshold).to.equal(10 * threshold);
  });

  it("clamps raw scores to SCORE_LIMIT (an Infinity never enters the statistics)", () => {
    const t = new Thresholder({ ...options, minScores: 5 });
    t.process(Infinity);
    expect(t.getState()).to.deep.equal({ recent: [SCORE_LIMIT], count: 1, mean: SCORE_LIMIT, variance: 0, peak: SCORE_LIMIT });
  });
});
