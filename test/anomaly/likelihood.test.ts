import { expect } from "chai";
import { createDetector, OptionError } from "../../anomaly";
import { AnomalyLikelihood, eitherLikelihood, LIKELIHOOD_DEFAULTS, LikelihoodOptions, likelihoodScore, logGaussianTail } from "../../anomaly/likelihood";
import { Random } from "../../anomaly/random";
import { RcfDetector } from "../../anomaly/rcf/rcfDetector";
import { readRcfOptions } from "../../anomaly/rcf/rcfOptions";
import { SUPPRESSED_SCORE, suppressAlarm } from "../../anomaly/suppression";
import { gaussian, liveAndResumed } from "../helpers/streams";

/** -ln(1 - 0.99999): the surprise at Numenta's decision line (SMALL's). */
const LINE = -Math.log(1e-5);
const SMALL: LikelihoodOptions = { window: 2, skip: 0, estimate: 2, horizon: 100, threshold: 0.99999 };

describe("logGaussianTail", () => {
  const cases: [z: number, tail: number][] = [
    [0, 0.5],
    [1, 0.15865525393145707],
    [-2, 0.9772498680518208],
    [3, 0.0013498980316301],
    [5, 2.866515718791939e-7],
    [10, 7.61985302416047e-24],
  ];
  for (const [z, tail] of cases) {
    it(`gives ln P(Z > ${z}) = ln ${tail} to 1e-6 relative`, () => {
      expect(Math.exp(logGaussianTail(z) - Math.log(tail)) - 1).to.be.closeTo(0, 1e-6);
    });
  }

  it("stays finite and ordered far in the tail, where the tail itself underflows", () => {
    // ln Q(40) = -800 - ln(40 sqrt(2 pi)) + ln(1 - 1/1600 + 3/1600^2)
    expect(logGaussianTail(40)).to.be.closeTo(-804.6084, 1e-3);
    expect(logGaussianTail(41)).to.be.lessThan(logGaussianTail(40));
    expect(logGaussianTail(Infinity)).to.equal(-Infinity);
    expect(logGaussianTail(-Infinity)).to.equal(0);
    expect(logGaussianTail(NaN)).to.equal(Math.log(0.5));
  });
});

describe("likelihoodScore", () => {
  const cases: [name: string, logTail: number, score: number][] = [
    ["no surprise", 0, 0],
    ["likelihood 0.5 (warm-up)", Math.log(0.5), Math.LN2 / (Math.LN2 + LINE)],
    ["exactly the line", -LINE, 0.5],
    ["twice the line's surprise", -2 * LINE, 2 / 3],
    ["an infinitely far tail", -Infinity, 1],
  ];
  for (const [name, logTail, score] of cases) {
    it(`scores ${name} as ${score}`, () => {
      expect(likelihoodScore(logTail, LINE)).to.be.closeTo(score, 1e-15);
    });
  }
});

describe("AnomalyLikelihood", () => {
  it("holds likelihood 0.5 through skip and estimate, then judges the short-term average (hand-computed)", () => {
    const l = new AnomalyLikelihood(SMALL);
    const warm = Math.LN2 / (Math.LN2 + LINE);
    // average 1 learned: mean 1, variance 0
    const first = l.process(1);
    expect(first).to.deep.include({ anomaly: false, grade: 0, threshold: Infinity });
    expect(first.score).to.be.closeTo(warm, 1e-12);
    // average 2 learned with alpha 1/2: mean 1.5, variance 0.5 * (0 + 0.5 * 1) = 0.25
    expect(l.process(3)).to.deep.equal(first);
    expect(l.getState()).to.deep.equal({ recent: [1, 3], sum: 4, count: 2, learned: 2, mean: 1.5, variance: 0.25 });
    // average of [3, 5] = 4, z = (4 - 1.5) / 0.5 = 5, tail 2.8665e-7
    const d = l.process(5);
    const surprise = -Math.log(2.866515718791939e-7);
    expect(d.anomaly).to.equal(true);
    expect(d.threshold).to.equal(0.99999);
    expect(d.score).to.be.closeTo(surprise / (surprise + LINE), 1e-7);
    expect(d.grade).to.be.closeTo(2 * (surprise / (surprise + LINE) - 0.5), 1e-7);
  });

  it("learns nothing during skip", () => {
    const l = new AnomalyLikelihood({ ...SMALL, skip: 3 });
    [9, 9, 9].forEach((x) => l.process(x));
    expect(l.getState()).to.deep.include({ count: 3, learned: 0, mean: 0, variance: 0 });
  });

  it("floors the deviation at 5% of the mean, so a constant stream does not make a small step an alarm", () => {
    const l = new AnomalyLikelihood({ ...SMALL, window: 1 });
    for (let i = 0; i < 50; i++) l.process(1);
    // deviation 0.05: a step to 1.1 is z = 2, tail 0.02275
    const d = l.process(1.1);
    expect(d.anomaly).to.equal(false);
    expect(d.score).to.be.closeTo(-Math.log(0.022750131948179195) / (-Math.log(0.022750131948179195) + LINE), 1e-7);
  });

  it("does not learn an anomaly when told not to", () => {
    const l = new AnomalyLikelihood({ ...SMALL, window: 1 });
    [1, 2, 1, 2].forEach((x) => l.process(x));
    const before = l.getState();
    expect(l.process(100, false).anomaly).to.equal(true);
    expect(l.getState()).to.deep.equal({ ...before, recent: [100], sum: 100, count: 5 });
  });

  it("keeps every number finite and still flags after an absurd score", () => {
    const l = new AnomalyLikelihood({ ...SMALL, window: 1 });
    for (let i = 0; i < 100; i++) l.process(1 + (i % 2) * 0.1);
    l.process(Infinity);
    l.process(NaN);
    for (let i = 0; i < 50; i++) l.process(1 + (i % 2) * 0.1);
    const s = l.getState();
    expect([s.sum, s.mean, s.variance, ...s.recent].every(Number.isFinite)).to.equal(true);
    expect(l.process(3).anomaly).to.equal(true);
  });

  const bad: [Partial<LikelihoodOptions>, string][] = [
    [{ window: 0 }, "option likelihoodWindow must be an integer in [1, 1000], got 0"],
    [{ skip: -1 }, "option likelihoodSkip must be an integer >= 0, got -1"],
    [{ estimate: 0.5 }, "option likelihoodEstimate must be an integer >= 1, got 0.5"],
    [{ horizon: 0 }, "option scoreHorizon must be a number >= 1, got 0"],
    [{ threshold: 1 }, "option likelihoodThreshold must be a number in [0.9, 1), got 1"],
  ];
  for (const [options, message] of bad) {
    it(`refuses ${JSON.stringify(options)}: ${message}`, () => {
      expect(() => new AnomalyLikelihood({ ...SMALL, ...options })).to.throw(OptionError, message);
    });
  }
});

describe("eitherLikelihood", () => {
  /** A decision whose likelihood has surprise s (threshold 1: ready; Infinity: not yet), alarming past the line. */
  const at = (s: number, threshold = 1) => {
    const score = likelihoodScore(-s, LINE);
    return { score, anomaly: threshold !== Infinity && score > 0.5, grade: 0, threshold };
  };
  const cases: [string, number, number, "short" | number][] = [
    // [what, short surprise, long surprise, the short decision or the long's surprise after doubling its tail]
    ["below the line the short average decides alone, however rare the long one", 5, 12, "short"],
    ["the long one past the line, with its tail doubled, and rarer, alarms", 5, 20, 20 - Math.LN2],
    ["just past the line alone is not past it for a second test", 5, LINE + 0.5, "short"],
    ["the short one rarer decides, alarm and all", 25, 20, "short"],
  ];
  for (const [what, short, long, expected] of cases) {
    it(what, () => {
      const d = eitherLikelihood(at(short), at(long), LINE);
      if (expected === "short") expect(d).to.deep.equal(at(short));
      else {
        expect(d.score).to.be.closeTo(expected / (expected + LINE), 1e-12);
        expect([d.anomaly, d.grade]).to.deep.equal([true, 2 * (d.score - 0.5)]);
      }
    });
  }
  it("leaves the short decision alone until the long one is ready", () => {
    expect(eitherLikelihood(at(5), at(40, Infinity), LINE)).to.deep.equal(at(5));
  });
  it("scores an infinite surprise 1", () => expect(eitherLikelihood(at(5), { score: 1, anomaly: true, grade: 1, threshold: 1 }, LINE).score).to.equal(1));
});

describe("option likelihoodLongWindow", () => {
  it("reads into the likelihood's longWindow: 60 by default, 0 off, and off by default under a window of 60 or more", () => {
    expect(readRcfOptions(1, { likelihoodLongWindow: 288 }).likelihood?.longWindow).to.equal(288);
    expect(readRcfOptions(1, {}).likelihood?.longWindow).to.equal(60);
    expect(readRcfOptions(1, { likelihoodLongWindow: 0 }).likelihood).to.not.have.property("longWindow");
    expect(readRcfOptions(1, { likelihoodWindow: 60 }).likelihood).to.not.have.property("longWindow");
  });
  it("refuses a long window not above the short one", () => {
    expect(() => createDetector("rcf", 1, { likelihoodWindow: 5, likelihoodLongWindow: 5 })).to.throw(
      OptionError,
      "option likelihoodLongWindow must be an integer in [6, 1000] (above likelihoodWindow) or 0 (off), got 5",
    );
  });
  it("keeps a second likelihood state of the long average, learning and restored bit for bit", () => {
    const gauss = gaussian(11);
    const data = Array.from({ length: 2600 }, (_, i) => (i >= 2400 && i < 2500 ? 1.8 : 0) + gauss());
    const run = (options: Record<string, number>) => {
      const { live, resumed, detector } = liveAndResumed("rcf", options, data, 2450);
      expect(resumed).to.deep.equal(live);
      return { state: detector.toState() as unknown as Record<string, unknown>, scores: live.map((x) => x.score) };
    };
    const withLong = run({});
    const without = run({ likelihoodLongWindow: 0 });
    const long = withLong.state.likelihoodLong as { recent: number[]; learned: number };
    expect([long.recent.length, long.learned]).to.deep.equal([60, (withLong.state.likelihood as { learned: number }).learned]);
    expect(Object.keys(without.state)).to.not.include("likelihoodLong");
  });
});

describe("suppressAlarm", () => {
  const alarm = { score: 0.8, anomaly: true, grade: 0.6, threshold: 2 };
  const quiet = { score: 0.3, anomaly: false, grade: 0, threshold: 2 };
  const cases: [name: string, decision: typeof alarm, left: number, decided: typeof alarm, leftAfter: number][] = [
    ["an alarm with nothing to suppress starts a suppression", alarm, 0, alarm, 5],
    ["a quiet point with nothing to suppress passes", quiet, 0, quiet, 0],
    ["an alarm inside a suppression is silenced and capped", alarm, 3, { score: SUPPRESSED_SCORE, anomaly: false, grade: 0, threshold: 2 }, 2],
    ["a low score inside a suppression keeps its score", { ...quiet, score: 0.1 }, 1, { ...quiet, score: 0.1 }, 0],
  ];
  for (const [name, decision, left, decided, leftAfter] of cases) {
    it(name, () => {
      expect(suppressAlarm(decision, left, 5)).to.deep.equal({ decision: decided, left: leftAfter });
    });
  }
});

describe("rcf scoring and suppress options", () => {
  it("reads scoring=likelihood into the likelihood's defaults with the score horizon", () => {
    expect(readRcfOptions(1, { scoring: "likelihood", scoreHorizon: 500 }).likelihood).to.deep.equal({ ...LIKELIHOOD_DEFAULTS, horizon: 500 });
    expect(readRcfOptions(1, { suppress: "40" }).suppress).to.equal(40);
  });

  const presets: [string, Record<string, string | number>, [LikelihoodOptions | undefined, number | undefined, number | undefined]][] = [
    [
      "the onset alarm (the default)",
      {},
      [{ window: 3, skip: 64, estimate: 100, horizon: 8640, threshold: 0.9999999, longWindow: 60, fill: 2 }, 30, undefined],
    ],
    ["the onset alarm with scoring=threshold", { scoring: "threshold" }, [undefined, 30, undefined]],
    ["the onset alarm with scoring=threshold, suppress=0", { scoring: "threshold", suppress: 0 }, [undefined, undefined, undefined]],
    ["sustain without a scoring", { sustain: 6 }, [undefined, 30, 6]],
    ["the state alarm", { alarm: "state" }, [undefined, undefined, undefined]],
  ];
  for (const [name, options, expected] of presets) {
    it(`gives ${name} its likelihood, suppression and sustain`, () => {
      const o = readRcfOptions(1, options);
      expect([o.likelihood, o.suppress, o.sustained?.smoothing]).to.deep.equal(expected);
    });
  }

  const bad: [Record<string, string | number>, string][] = [
    [{ scoring: "vote" }, 'option scoring must be one of threshold, likelihood, got "vote"'],
    [{ scoring: "likelihood", sustain: 5 }, "option sustain needs scoring=threshold, got scoring=likelihood with sustain=5"],
    [{ suppress: -1 }, "option suppress must be an integer in [0, 100000], got -1"],
    [{ likelihoodThreshold: 0.5 }, "option likelihoodThreshold must be a number in [0.9, 0.999999999], got 0.5"],
  ];
  for (const [options, message] of bad) {
    it(`refuses ${JSON.stringify(options)}`, () => {
      expect(() => readRcfOptions(1, options)).to.throw(OptionError, message);
    });
  }

  it("with suppress K, raises one alarm for a burst the likelihood flags on every point", () => {
    const r = new Random(3);
    // rows 1200-1229 raised by 3-5: the short-term average stays improbable throughout
    const data = Array.from({ length: 1500 }, (_, i) => (i >= 1200 && i < 1230 ? 3 + (i % 3) : 0) + r.nextDouble());
    const run = (options: Record<string, string | number>): number[] => {
      const d = createDetector("rcf", 1, {
        numberOfTrees: 30,
        subSampleSize: 64,
        calendar: "none",
        scoring: "likelihood",
        likelihoodWindow: 10,
        likelihoodSkip: 288,
        // Numenta's line: the burst's every point is over it
        likelihoodThreshold: 0.99999,
        // the short average alone (the long one's alarms come after the burst)
        likelihoodLongWindow: 0,
        ...options,
      });
      return data.map((v, i) => (d.process({ timestamp: i, values: [v] }).anomaly ? i : -1)).filter((i) => i >= 0);
    };
    expect(run({ suppress: 0 })).to.deep.equal(Array.from({ length: 29 }, (_, k) => 1200 + k));
    expect(run({ suppress: 50 })).to.deep.equal([1200]);
    // the onset alarm's default, 30 points, covers the 30-point burst
    expect(run({})).to.deep.equal([1200]);
  });
});

describe("rcf with scoring=likelihood on poisoned input", () => {
  for (const spike of [1e6, 1e308]) {
    it(`after one ${spike}: keeps every number finite, resumes bit for bit and still flags a 10-sigma outlier`, () => {
      const gauss = gaussian(7);
      const data = Array.from({ length: 3200 }, (_, i) => (i === 2000 ? spike : i === 3000 ? 15 : 5 + gauss()));
      // window 1: a single outlier is not averaged away (with the default 3 it is diluted threefold)
      const options = { scoring: "likelihood", likelihoodWindow: 1, suppress: 20, extreme: "clip" };
      const run = liveAndResumed("rcf", options, data, 2000, (i, result) => {
        if (i === 3000) expect(result.anomaly, `score ${result.score}`).to.equal(true);
        expect(Number.isFinite(result.score) && result.score >= 0 && result.score < 1, `score ${result.score} at ${i}`).to.equal(true);
      });
      const { detector: live, restored: resumed, live: liveResults, resumed: resumedResults } = run;
      const likelihood = (live.toState() as unknown as { likelihood: Record<string, number | number[]> }).likelihood;
      expect(
        Object.values(likelihood)
          .flat()
          .every((x) => Number.isFinite(x)),
      ).to.equal(true);
      expect(resumedResults).to.deep.equal(liveResults);
      expect(JSON.stringify(resumed.toState())).to.equal(JSON.stringify(live.toState()));
      expect(live).to.be.instanceOf(RcfDetector);
    });
  }
});

describe("the decision line and suppression", () => {
  // raw scores about 1 (deviation ~0.058), a moderate rise at 300 (z ~ 4.8, a tail of ~8e-7) and a strong
  // one at 310 (z ~ 10) inside the 30 points an alarm at 300 would suppress
  const r = new Random(11);
  const raw = Array.from({ length: 400 }, (_, i) => (i === 300 ? 1.277 : i === 310 ? 1.577 : 0.9 + 0.2 * r.nextDouble()));
  const run = (threshold: number): { alarms: number[]; scores: number[] } => {
    const likelihood = new AnomalyLikelihood({ window: 1, skip: 0, estimate: 100, horizon: 8640, threshold });
    let left = 0;
    const decisions = raw.map((score) => {
      const out = suppressAlarm(likelihood.process(score), left, 30);
      left = out.left;
      return out.decision;
    });
    return { alarms: decisions.flatMap((d, i) => (d.anomaly ? [i] : [])), scores: decisions.map((d) => d.score) };
  };

  it("at Numenta's 0.99999 the moderate rise alarms and its suppression hides the strong one from any threshold", () => {
    const { alarms, scores } = run(0.99999);
    expect(alarms).to.deep.equal([300]);
    expect(scores[310]).to.equal(SUPPRESSED_SCORE);
  });

  it("at the default 1 - 1e-7 the moderate rise stays under the line and the strong one alarms with the top score", () => {
    const { alarms, scores } = run(LIKELIHOOD_DEFAULTS.threshold);
    expect(alarms).to.deep.equal([310]);
    expect(scores[300]).to.be.within(SUPPRESSED_SCORE, 0.5);
    expect(Math.max(...scores)).to.equal(scores[310]);
  });
});
