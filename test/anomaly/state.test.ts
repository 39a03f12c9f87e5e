import { expect } from "chai";
import fc from "fast-check";
import { createDetector, decodeState, encodeState, restoreDetector, StateError, stateJson } from "../../anomaly";
import { DetectorOptions } from "../../anomaly/types";
import { liveAndResumed, minuteTimestamp, sineStream } from "../helpers/streams";

const CONFIGS: [string, DetectorOptions][] = [
  ["rcf", { numberOfTrees: 15, subSampleSize: 32, shingleSize: 3, explain: "all" }],
  ["rcf", { numberOfTrees: 10, subSampleSize: 16, alarm: "state", calendar: "week", missing: "impute" }],
  // a short settle: save and restore points fall inside flagged runs, before and after they settle
  ["rcf", { numberOfTrees: 10, subSampleSize: 16, alarm: "state", settle: 3, smoothing: 1, zFactor: 1 }],
  // and with the standardisation learning flagged rows, as states saved before scaleFlagged run
  ["rcf", { numberOfTrees: 10, subSampleSize: 16, alarm: "state", settle: 3, smoothing: 1, zFactor: 1, scaleFlagged: true }],
  ["rcf", { numberOfTrees: 10, subSampleSize: 16, sustain: 5, peakLag: 4, minDeviation: "0.5,0" }],
  ["rcf", { numberOfTrees: 10, subSampleSize: 16, scoring: "likelihood", likelihoodSkip: 20, likelihoodEstimate: 30, suppress: 15 }],
  ["rcf", { numberOfTrees: 10, subSampleSize: 16, scoring: "likelihood", likelihoodSkip: 20, likelihoodEstimate: 30, suppress: 5, rearm: 3, suppressMax: 40 }],
  // a low line and a long escalation: the stream's spikes alarm, and some are silenced as repeats across the cuts
  ["rcf", { numberOfTrees: 10, subSampleSize: 16, likelihoodSkip: 20, likelihoodEstimate: 30, suppress: 5, escalate: 200, likelihoodThreshold: 0.9 }],
  ["zscore", { window: 30 }],
  ["ewma", { period: 12 }],
  ["ensemble", { members: "rcf,ewma", combine: "mean", "rcf.numberOfTrees": 8, "rcf.subSampleSize": 16 }],
];

describe("detector state", () => {
  for (const name of ["rcf", "zscore", "ewma", "ensemble"]) {
    it(`${name}: the state handed out, and the one restored from, share no options with the running detector`, () => {
      const live = createDetector(name, 1, name === "rcf" ? { numberOfTrees: 10, subSampleSize: 16 } : {});
      if (name === "ensemble") {
        const handed = live.toState() as unknown as { input: Record<string, unknown> };
        handed.input.missing = "impute";
        expect(() => live.process({ timestamp: 1, values: [NaN] })).to.throw("values[0] is NaN");
        const state = live.toState();
        const restored = restoreDetector(state);
        (state as unknown as { input: Record<string, unknown> }).input.missing = "impute";
        expect(() => restored.process({ timestamp: 1, values: [NaN] })).to.throw("values[0] is NaN");
        return;
      }
      const before = JSON.stringify(live.toState().options);
      const handed = live.toState() as unknown as { options: Record<string, unknown> };
      for (const k of Object.keys(handed.options)) handed.options[k] = "changed";
      expect(JSON.stringify(live.toState().options)).to.equal(before);
      const state = live.toState();
      const restored = restoreDetector(state);
      (state as unknown as { options: Record<string, unknown> }).options.dimensions = 7;
      expect(JSON.stringify(restored.toState().options)).to.equal(before);
    });
  }

  for (const [name, options] of CONFIGS) {
    it(`${name} ${JSON.stringify(options)}: save + restore at any points gives bit-identical results`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1000 }), fc.uniqueArray(fc.integer({ min: 1, max: 399 }), { maxLength: 4 }), (seed, cuts) => {
          const data = sineStream(400, 2, seed, 53);
          if (options.missing === "impute") data[77][1] = NaN;
          const uninterrupted = createDetector(name, 2, options);
          const expected = data.map((values, i) => uninterrupted.process({ timestamp: minuteTimestamp(i), values }));
          let d = createDetector(name, 2, options);
          const actual = data.map((values, i) => {
            if (cuts.includes(i)) d = restoreDetector(decodeState(encodeState(d.toState())));
            return d.process({ timestamp: minuteTimestamp(i), values });
          });
          expect(actual).to.deep.equal(expected);
        }),
        { numRuns: name === "rcf" ? 8 : 15, seed: 20261122 },
      );
    });
  }

  it("saves the same model to the same bytes, whether or not it was restored on the way", () => {
    const data = sineStream(3000, 2, 3, 41);
    const options = { numberOfTrees: 20, subSampleSize: 64 };
    const a = createDetector("rcf", 2, options);
    let b = createDetector("rcf", 2, options);
    data.forEach((values, i) => {
      a.process({ timestamp: minuteTimestamp(i), values });
      if (i === 1200) b = restoreDetector(b.toState());
      b.process({ timestamp: minuteTimestamp(i), values });
    });
    expect(JSON.stringify(b.toState())).to.equal(JSON.stringify(a.toState()));
  });

  /** Paths of the -0s in a state (JSON.stringify writes -0 as 0, so a comparison of texts cannot see them). */
  function negativeZeros(value: unknown, path = "state"): string[] {
    if (typeof value === "number") return Object.is(value, -0) ? [path] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => negativeZeros(v, `${path}[${i}]`));
    if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => negativeZeros(v, `${path}.${k}`));
    return [];
  }

  for (const name of ["rcf", "zscore", "ewma", "ensemble"]) {
    for (const saveAt of [3, 300]) {
      it(`${name}: a -0 it keeps (saved at row ${saveAt}) is -0 again in the restored model, which goes on as the live one`, () => {
        const data = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? -0 : Math.sin(i / 9)));
        const { live, resumed, detector, restored, saved } = liveAndResumed(name, { missing: "impute" }, data, saveAt);
        if (name === "rcf" || name === "ensemble") expect(negativeZeros(saved)).to.not.deep.equal([]);
        expect(negativeZeros(restoreDetector(decodeState(encodeState(saved))).toState())).to.deep.equal(negativeZeros(saved));
        expect(stateJson(restored.toState())).to.equal(stateJson(detector.toState()));
        expect(resumed).to.deep.equal(live);
      });
    }
  }

  it("restores the saved point count and keeps going from there", () => {
    const d = createDetector("zscore", 1);
    for (let i = 0; i < 10; i++) d.process({ timestamp: i, values: [i] });
    expect(restoreDetector(d.toState()).count).to.equal(10);
  });

  it("refuses a state of an unknown detector or version with the name in the message", () => {
    expect(() => restoreDetector({ detector: "lstm", version: 1 })).to.throw(StateError, 'cannot restore: unknown detector "lstm"');
    const s = createDetector("rcf", 1, { numberOfTrees: 2, subSampleSize: 8 }).toState();
    expect(() => restoreDetector({ ...s, version: 99 })).to.throw(StateError, "expected the state of detector rcf version 2, got rcf version 99");
    expect(() => decodeState(new Uint8Array([1, 2, 3]))).to.throw(StateError, /cannot decode detector state \(3 bytes\)/);
  });

  it("refuses a corrupted forest instead of restoring a broken model", () => {
    const d = createDetector("rcf", 1, { numberOfTrees: 3, subSampleSize: 8 });
    for (let i = 0; i < 50; i++) d.process({ timestamp: i, values: [i % 7] });
    const s = d.toState() as unknown as { forest: { trees: string } };
    const truncated = { ...s, forest: { ...s.forest, trees: s.forest.trees.slice(0, 40) } };
    expect(() => restoreDetector(truncated as never)).to.throw(StateError, /cannot restore random cut forest: truncated state/);
  });
});
