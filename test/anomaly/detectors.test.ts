import { expect } from "chai";
import { createDetector, describeDetectors, detectorNames, Detector, OptionError, registerDetector } from "../../anomaly";
import { Random } from "../../anomaly/random";
import { minuteTimestamp, sineStream } from "../helpers/streams";

function feed(d: Detector, data: number[][]) {
  return data.map((values, i) => d.process({ timestamp: minuteTimestamp(i), values }));
}

describe("detectors", () => {
  const spiky = sineStream(1200, 2, 5);
  spiky[900] = [spiky[900][0], 6];

  for (const [name, options] of [
    ["rcf", { numberOfTrees: 40 }],
    ["zscore", {}],
    ["ewma", {}],
    ["ensemble", { "rcf.numberOfTrees": 20 }],
  ] as const) {
    it(`${name} flags a spike, blames the spiking input on the high side and expects a normal value`, () => {
      const results = feed(createDetector(name, 2, options), spiky);
      const r = results[900];
      expect(r.anomaly).to.equal(true);
      expect(r.score).to.be.greaterThan(0.5);
      expect(r.grade).to.be.within(0.001, 1);
      expect(r.attribution.high[1]).to.be.greaterThan(r.attribution.high[0] + r.attribution.low[0]);
      expect(r.expected[1]).to.be.within(-1.5, 1.5);
      const falseAlarms = results.filter((x, i) => x.anomaly && i > 300 && i !== 900).length;
      expect(falseAlarms).to.be.below(15);
    });
  }

  it("rcf with threshold scoring stays silent until the forest holds outputAfter points and the thresholder minScores scores", () => {
    const options = { numberOfTrees: 10, subSampleSize: 64, minScores: 10, scoring: "threshold", suppress: 0 };
    const results = feed(createDetector("rcf", 1, options), sineStream(40, 1, 1));
    // outputAfter = subSampleSize / 4 = 16 points, then 10 scores
    expect(results.slice(0, 26).every((r) => !r.ready && r.score === 0 && !r.anomaly)).to.equal(true);
    expect(results.slice(26).every((r) => r.ready && r.score > 0)).to.equal(true);
  });

  it("rcf with the default likelihood scoring stays silent until outputAfter points, likelihoodSkip scores and likelihoodEstimate averages", () => {
    const options = { numberOfTrees: 10, subSampleSize: 64, likelihoodSkip: 5, likelihoodEstimate: 10 };
    const results = feed(createDetector("rcf", 1, options), sineStream(60, 1, 1));
    // outputAfter = 16 points, then 5 scores skipped and 10 averages learned
    expect(results.slice(0, 31).every((r) => !r.ready && r.score === 0 && !r.anomaly)).to.equal(true);
    expect(results.slice(31).every((r) => r.ready && r.score > 0)).to.equal(true);
  });

  it("rcf with shingling expects the next value of a periodic series from the ones before it", () => {
    const d = createDetector("rcf", 1, { shingleSize: 4, numberOfTrees: 50, explain: "all", calendar: "none" });
    const wave = Array.from({ length: 3000 }, (_, i) => [i % 20 < 10 ? 0 : 10]);
    const results = feed(d, wave);
    const last = results[results.length - 1];
    expect(Math.abs(last.expected[0] - wave[wave.length - 1][0])).to.be.below(1);
  });

  it("rcf in state mode keeps flagging a lasting fault that onset mode reports once", () => {
    const data = sineStream(1600, 1, 8).map((v, i) => (i >= 1200 && i < 1300 ? [v[0] + 3] : v));
    const count = (alarm: string) =>
      feed(createDetector("rcf", 1, { alarm, numberOfTrees: 40 }), data)
        .slice(1200, 1300)
        .filter((r) => r.anomaly).length;
    expect(count("state")).to.be.greaterThan(60);
    expect(count("onset")).to.be.below(20);
  });

  it("rcf minDeviation keeps a quiet sensor's quantisation steps from reading as many deviations", () => {
    const steps = new Random(3);
    const data = sineStream(1200, 1, 3).map((v) => [v[0], -0.02 + 0.002 * Math.floor(steps.nextDouble() * 3)]);
    data[900] = [data[900][0], -0.01]; // four steps up: nothing for a pressure sensor
    const raw = feed(createDetector("rcf", 2, { numberOfTrees: 40, relativeFloor: 0 }), data);
    const floored = feed(createDetector("rcf", 2, { numberOfTrees: 40, minDeviation: "0,0.05" }), data);
    expect(raw[900].anomaly).to.equal(true);
    expect(floored[900].anomaly).to.equal(false);
    data[1000] = [data[1000][0], 0.5]; // a real jump still stands out through the floor
    expect(feed(createDetector("rcf", 2, { numberOfTrees: 40, minDeviation: "0,0.05" }), data)[1000].anomaly).to.equal(true);
  });

  for (const seed of [1, 2, 3]) {
    it(`rcf sustain catches a lasting shift that regular bigger spikes hide from single scores (seed ${seed})`, () => {
      // a spike every 50 points sets the peak; points 1200-1299 shift up by 1.2
      const data = sineStream(1600, 1, seed, 50).map((v, i) => (i >= 1200 && i < 1300 ? [v[0] + 1.2] : v));
      // the thresholder's decisions with and without sustain (which needs threshold scoring)
      const alarms = (options: Record<string, number | string>) =>
        feed(createDetector("rcf", 1, { numberOfTrees: 40, calendar: "none", peakLag: 30, scoring: "threshold", suppress: 0, ...options }), data)
          .map((r, i) => (r.anomaly && i > 600 && i % 50 !== 49 ? i : -1))
          .filter((i) => i >= 0);
      expect(alarms({})).to.deep.equal([]);
      const sustained = alarms({ sustain: 10 });
      expect(sustained.length).to.be.greaterThan(0);
      expect(sustained.every((i) => i >= 1200 && i < 1310)).to.equal(true);
    });
  }

  it("ensemble vote needs most members to agree", () => {
    const d = createDetector("ensemble", 1, { members: "zscore,ewma", combine: "vote" });
    const data = sineStream(400, 1, 2);
    data[300] = [9];
    const r = feed(d, data)[300];
    expect(r.anomaly).to.equal(true);
    expect(r.score).to.be.greaterThan(0.5);
  });

  it("ensemble takes the same detector twice under tags, each with its own options", () => {
    const d = createDetector("ensemble", 1, { members: "zscore,zscore#wide", "zscore#wide.window": 300 });
    const state = d.toState() as unknown as { members: { options: { window: number } }[] };
    expect(state.members.map((m) => m.options.window)).to.deep.equal([120, 300]);
  });

  it("the registry lists every detector and takes plugins by name, once", () => {
    expect(detectorNames()).to.deep.equal(["ensemble", "ewma", "rcf", "zscore"]);
    expect(describeDetectors().map((d) => d.name)).to.deep.equal(detectorNames());
    expect(() =>
      registerDetector("rcf", {
        description: "",
        create: () => {
          throw new Error();
        },
        fromState: () => {
          throw new Error();
        },
      }),
    ).to.throw(OptionError, "detector rcf is already registered");
  });
});
