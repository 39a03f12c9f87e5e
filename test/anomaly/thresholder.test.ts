import { expect } from "chai";
import { OptionError } from "../../anomaly";
import { Thresholder, ThresholderOptions } from "../../anomaly/thresholder";

const BASE: ThresholderOptions = { zFactor: 3, lowerThreshold: 0, horizon: 100, minScores: 3, smoothing: 1, peakDecay: 0, peakAfter: 0, margin: 1 };

describe("Thresholder", () => {
  it("decides nothing before minScores", () => {
    const t = new Thresholder(BASE);
    expect(t.process(100)).to.deep.equal({ score: 0, anomaly: false, grade: 0, threshold: Infinity });
  });

  it("flags a score above mean + zFactor * deviation, with score 0.5 at the threshold", () => {
    const t = new Thresholder(BASE);
    [1, 2, 3].forEach((x) => t.process(x));
    // mean 2, population variance 2/3 after three exact-average steps
    const threshold = 2 + 3 * Math.sqrt(2 / 3);
    expect(t.threshold).to.be.closeTo(threshold, 1e-12);
    const d = t.decide(2 * threshold);
    expect(d.anomaly).to.equal(true);
    expect(d.score).to.be.closeTo(2 / 3, 1e-12);
    expect(d.grade).to.be.closeTo(1 / 3, 1e-12);
    expect(t.decide(threshold)).to.include({ anomaly: false, score: 0.5, grade: 0 });
  });

  it("never lets the threshold fall below lowerThreshold", () => {
    const t = new Thresholder({ ...BASE, lowerThreshold: 10 });
    [1, 1, 1].forEach((x) => t.process(x));
    expect(t.threshold).to.equal(10);
    expect(t.decide(9).anomaly).to.equal(false);
  });

  it("raises one alarm for a burst when the peak term is on", () => {
    const t = new Thresholder({ ...BASE, peakDecay: 0.99 });
    for (let i = 0; i < 50; i++) t.process(1 + (i % 2) * 0.01);
    const burst = [5, 5.1, 5.05, 5.2].map((x) => t.process(x).anomaly);
    expect(burst).to.deep.equal([true, true, false, true]);
  });

  it("lets a slow rise meet the peak from before it when peakLag is on; an alarm joins the peak at once", () => {
    // a quiet stream with one earlier spike of 3, then a ramp 2.0, 2.2, ... 4.0 (a fault ramping in)
    const scores = [...Array(20).fill(1), 3, ...Array(20).fill(1), ...Array.from({ length: 11 }, (_, i) => 2 + 0.2 * i)];
    const alarms = (peakLag: number) => {
      const t = new Thresholder({ ...BASE, zFactor: 0.1, peakDecay: 0.999, margin: 1.1, peakLag });
      return scores.map((x) => t.process(x).anomaly).flatMap((a, i) => (a ? [i] : []));
    };
    // the spike alarms either way; without the lag every step of the ramp raises the bar it must clear
    expect(alarms(0)).to.deep.equal([20]);
    // with it the ramp crosses 1.1 x the decayed earlier spike (about 3.2) at 3.4; that alarm joins the
    // peak at once, so the next alarm needs 1.1 x 3.4 (at 3.8), not every step
    expect(alarms(10)).to.deep.equal([20, 48, 50]);
  });

  it("saves the lagged scores with its state and continues exactly", () => {
    const options = { ...BASE, peakDecay: 0.99, peakLag: 3 };
    const a = new Thresholder(options);
    [1, 2, 5, 1, 1].forEach((x) => a.process(x));
    expect(a.getState().lagged).to.deep.equal([5, 1, 1]);
    const b = new Thresholder(options, a.getState());
    expect([4, 1, 6].map((x) => b.process(x))).to.deep.equal([4, 1, 6].map((x) => a.process(x)));
    expect(new Thresholder(BASE).getState()).to.not.have.property("lagged");
  });

  it("judges the mean of the last `smoothing` scores", () => {
    const t = new Thresholder({ ...BASE, smoothing: 4 });
    [0, 0, 0, 0].forEach((x) => t.process(x));
    t.process(8);
    expect(t.getState().recent).to.deep.equal([0, 0, 0, 8]);
  });

  it("does not learn anomalies when asked not to", () => {
    const t = new Thresholder(BASE);
    [1, 2, 1, 2, 1, 2].forEach((x) => t.process(x));
    const before = t.getState();
    expect(t.process(50, false).anomaly).to.equal(true);
    expect(t.getState().mean).to.equal(before.mean);
    expect(t.getState().count).to.equal(before.count);
  });

  it("scales the whole threshold by margin", () => {
    const t = new Thresholder({ ...BASE, margin: 1.5, lowerThreshold: 2 });
    [1, 1, 1].forEach((x) => t.process(x));
    expect(t.threshold).to.equal(3);
    expect(t.decide(2.9).anomaly).to.equal(false);
    expect(t.decide(3.1).anomaly).to.equal(true);
  });

  it("rejects bad options with the option and value named", () => {
    expect(() => new Thresholder({ ...BASE, zFactor: -1 })).to.throw(OptionError, "option zFactor must be a number > 0, got -1");
    expect(() => new Thresholder({ ...BASE, peakDecay: 1 })).to.throw(OptionError, "option peakDecay must be a number in [0, 1), got 1");
    expect(() => new Thresholder({ ...BASE, margin: 0.9 })).to.throw(OptionError, "option margin must be a number >= 1, got 0.9");
  });
});
