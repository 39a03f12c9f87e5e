import { expect } from "chai";
import {
  corpusFigures,
  LabelledSeries,
  probationaryLength,
  scaledSigmoid,
  scoreCorpus,
  scoreDecisions,
  scoresByThreshold,
  sweepPoints,
  PROFILES,
} from "../../anomaly/evaluation/nabScore";

const T = (i: number): number => i * 60_000;

/** 100 rows, one window over rows 50..59 (probation = 15 rows). */
function series(scores: number[], windows: [number, number][] = [[50, 59]]): LabelledSeries {
  return { name: "s", timestamps: scores.map((_, i) => T(i)), scores, windows: windows.map(([a, b]) => [T(a), T(b)] as const) };
}

describe("NAB v1.1 scoring", () => {
  it("matches the sweeper's scaled sigmoid at its documented points", () => {
    expect(scaledSigmoid(-1)).to.be.closeTo(0.98661, 1e-5);
    expect(scaledSigmoid(-0.5)).to.be.closeTo(0.84828, 1e-5);
    expect(scaledSigmoid(0)).to.equal(0);
    expect(scaledSigmoid(1)).to.be.closeTo(-0.98661, 1e-5);
    expect(scaledSigmoid(3)).to.equal(-1);
  });

  it("puts 15% of the rows, at most 750, in the probationary period", () => {
    expect(probationaryLength(100)).to.equal(15);
    expect(probationaryLength(4032)).to.equal(604);
    expect(probationaryLength(22695)).to.equal(750);
  });

  it("weights a detection by its place: full at the window start, falling through it, costly after it", () => {
    const pts = sweepPoints(series(new Array(100).fill(0)), PROFILES.standard, 0);
    expect(pts[10].window).to.equal(-2); // probationary
    expect(pts[20].weighted).to.be.closeTo(-0.11, 1e-12); // before any window: full FP cost
    expect(pts[50].weighted).to.be.closeTo(1, 1e-12);
    expect(pts[55].window).to.equal(0);
    expect(pts[55].weighted).to.be.closeTo(scaledSigmoid(-5 / 10) / scaledSigmoid(-1), 1e-12);
    expect(pts[61].weighted).to.be.closeTo(scaledSigmoid(2 / 9) * 0.11, 1e-12);
    expect(pts[99].weighted).to.be.closeTo(-0.11, 1e-12);
  });

  it("counts only the best detection per window and every false positive", () => {
    const scores = new Array(100).fill(0);
    scores[52] = 0.9; // in window, position -0.8
    scores[57] = 0.95; // later in the same window: worth less, not added
    scores[90] = 0.95; // false positive
    const pts = sweepPoints(series(scores), PROFILES.standard, 0);
    const at95 = scoresByThreshold(pts, 1, PROFILES.standard).find((t) => t.threshold === 0.95)!;
    const at90 = scoresByThreshold(pts, 1, PROFILES.standard).find((t) => t.threshold === 0.9)!;
    const w57 = scaledSigmoid(-3 / 10) / scaledSigmoid(-1);
    const w52 = scaledSigmoid(-8 / 10) / scaledSigmoid(-1);
    const fp90 = scaledSigmoid(31 / 9) * 0.11;
    expect(at95.score).to.be.closeTo(w57 + fp90, 1e-12);
    expect(at90.score).to.be.closeTo(w52 + fp90, 1e-12);
  });

  it("normalises the null detector to 0 and the perfect one to 100", () => {
    const none = series(new Array(100).fill(0.1));
    expect(scoreCorpus([none], "standard").normalised).to.equal(0);
    const perfect = series(new Array(100).fill(0).map((_, i) => (i === 50 ? 1 : 0)));
    expect(scoreCorpus([perfect], "standard").normalised).to.be.closeTo(100, 1e-9);
    expect(scoreDecisions([perfect], [perfect.scores.map((s) => s === 1)], "reward_low_FN_rate")).to.be.closeTo(100, 1e-9);
  });

  it("chooses one threshold for the whole corpus", () => {
    const a = series(new Array(100).fill(0).map((_, i) => (i === 50 ? 0.8 : 0)));
    const b = series(
      new Array(100).fill(0).map((_, i) => (i === 30 ? 0.9 : 0)),
      [],
    );
    const s = scoreCorpus([a, b], "standard");
    expect(s.threshold).to.equal(0.8);
    expect(s.raw).to.be.closeTo(1 - 0.11, 1e-12);
  });

  it("reports a corpus's size and every profile's figures, with its own decisions' scores when given", () => {
    const a = series(new Array(100).fill(0).map((_, i) => (i === 50 ? 0.8 : 0)));
    const b = series(
      new Array(100).fill(0).map((_, i) => (i === 30 ? 0.9 : 0)),
      [],
    );
    const caught = [a.scores.map((s) => s > 0), b.scores.map(() => false)];
    const f = corpusFigures([a, b], caught);
    expect([f.files, f.rows, f.windows]).to.deep.equal([2, 200, 1]);
    expect(Object.keys(f.scores)).to.deep.equal(Object.keys(PROFILES));
    // the 0.9 in b is a false positive at every threshold that catches a's window
    expect(f.scores.standard).to.equal(Math.round(scoreCorpus([a, b], "standard").normalised * 100) / 100);
    expect(f.thresholds.standard).to.equal(0.8);
    expect(f.decisionScores.standard).to.equal(100);
    expect(corpusFigures([a, b]).decisionScores).to.deep.equal({});
  });
});
