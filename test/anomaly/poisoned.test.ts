import { expect } from "chai";
import { createDetector, decodeState, Detector, DetectorResult, DetectorState, encodeState, restoreDetector } from "../../anomaly";
import { Random } from "../../anomaly/random";
import { calendarCodec } from "../../anomaly/rcf/pointCodec";
import { RcfOptions } from "../../anomaly/rcf/rcfOptions";
import { ForestState, forestFromState } from "../../anomaly/rcf/stateMapper";
import { liveAndResumed, minuteTimestamp } from "../helpers/streams";

/** A normal series (mean 5, deviation 1) with one extreme spike and, later, a 10-sigma outlier. */
const POINTS = 3200;
const SPIKE_AT = 2000;
const OUTLIER_AT = 3000;
const OUTLIER = 15;

function series(spike: number): number[] {
  const r = new Random(7);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  return Array.from({ length: POINTS }, (_, i) => (i === SPIKE_AT ? spike : i === OUTLIER_AT ? OUTLIER : 5 + gauss()));
}

/** Paths of the numbers in a state that are not finite (JSON null included), forests' float32 points too. */
function nonFinite(value: unknown, path = "state"): string[] {
  if (typeof value === "number") return Number.isFinite(value) ? [] : [`${path} = ${value}`];
  if (value === null) return [`${path} = null`];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFinite(v, `${path}[${i}]`));
  if (typeof value !== "object") return [];
  const state = value as Record<string, unknown>;
  const out = Object.entries(state).flatMap(([k, v]) => (k === "forest" ? [] : nonFinite(v, `${path}.${k}`)));
  if (state.detector === "rcf") {
    const o = state.options as RcfOptions;
    const forest = forestFromState(state.forest as ForestState, calendarCodec(o.dimensions, o.calendar, o.shingleSize));
    forest.store.values.forEach((v, i) => {
      if (!Number.isFinite(v)) out.push(`${path}.forest point store value ${i} = ${v}`);
    });
  }
  return out;
}

describe("poisoned input", () => {
  for (const spike of [1e6, 1e200, 1e308, -1e308]) {
    for (const name of ["rcf", "zscore", "ewma", "ensemble"]) {
      const options = Math.abs(spike) > 1e150 ? { extreme: "clip" } : {};
      it(`${name} after one ${spike}: keeps every number finite, resumes bit for bit and still flags a 10-sigma outlier`, () => {
        const { live, resumed, detector, restored, saved } = liveAndResumed(name, options, series(spike), SPIKE_AT, (i, r) => {
          if (i === SPIKE_AT) expect(r.clipped).to.deep.equal(Math.abs(spike) > 1e150 ? [0] : []);
          if (i === OUTLIER_AT) expect(r.anomaly, `score ${r.score}`).to.equal(true);
        });
        expect(nonFinite(saved)).to.deep.equal([]);
        expect(nonFinite(detector.toState())).to.deep.equal([]);
        expect(resumed).to.deep.equal(live);
        expect(JSON.stringify(restored.toState())).to.equal(JSON.stringify(detector.toState()));
      });
    }
  }
});

type Options = Record<string, string | number>;

/** Gaussian noise (mean 0, deviation 1, seed 3) of `length` rows, with the values of `rows` in their places. */
function noise(length: number, rows: Record<number, number>): number[] {
  const r = new Random(3);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  return Array.from({ length }, (_, i) => {
    const g = gauss();
    return i in rows ? rows[i] : g;
  });
}

function runRcf(data: readonly number[], options: Options): DetectorResult[] {
  const d = createDetector("rcf", 1, { extreme: "clip", ...options });
  return data.map((v, i) => d.process({ timestamp: minuteTimestamp(i), values: [v] }));
}

/**
 * Streams `data` through a live rcf detector and, from each row of `saveAt` on, through one restored from the
 * state saved after that row (`inspect` sees each saved state); the live results and each restored model's.
 */
function resumedAt(data: readonly number[], options: Options, saveAt: readonly number[], inspect: (row: number, state: RcfLikeState) => void = () => {}) {
  const live = createDetector("rcf", 1, { extreme: "clip", ...options });
  const restored = new Map<number, Detector>();
  const liveOut: DetectorResult[] = [];
  const restoredOut = new Map<number, DetectorResult[]>();
  data.forEach((v, i) => {
    const point = { timestamp: minuteTimestamp(i), values: [v] };
    for (const [at, d] of restored) restoredOut.set(at, [...(restoredOut.get(at) ?? []), d.process(point)]);
    liveOut.push(live.process(point));
    if (saveAt.includes(i)) {
      const state = live.toState();
      inspect(i, state as RcfLikeState);
      restored.set(i, restoreDetector(decodeState(encodeState(state))));
    }
  });
  return { liveOut, restoredOut, last: live.toState() as RcfLikeState };
}

type RcfLikeState = DetectorState & { absurdBefore?: boolean; unlearnedLeft?: number; preprocessor: { warmUp?: number[][] } };

describe("an absurd point (beyond ABSURD_K deviations)", () => {
  const GAP = 150;
  const LENGTH = 2000 + GAP + 10;
  /** Noise with `poison` at row 2000 (none when 0) and an outlier (8 sigma unless given) GAP rows later. */
  const stream = (poison: number, outlier = 8): number[] => noise(LENGTH, poison !== 0 ? { 2000: poison, [2000 + GAP]: outlier } : { [2000 + GAP]: outlier });

  // a shingle spreads one point's surprise over its rows: there an 8-sigma point does not alarm, a 15-sigma one does
  const settings: [string, Options, number][] = [
    ["likelihood scoring", { scoring: "likelihood" }, 8],
    ["threshold scoring", { scoring: "threshold" }, 8],
    ["shingle 4, likelihood scoring", { shingleSize: 4 }, 15],
    ["shingle 8, likelihood scoring", { shingleSize: 8 }, 15],
  ];
  for (const poison of [1e6, -1e6, 1e308]) {
    for (const [what, setting, outlier] of settings) {
      it(`after one ${poison}, ${what}: a ${outlier}-sigma outlier ${GAP} points later scores as it would without it, and alarms`, () => {
        const options = { ...setting, suppress: 0 };
        const clean = runRcf(stream(0, outlier), options)[2000 + GAP];
        const poisoned = runRcf(stream(poison, outlier), options);
        expect(poisoned[2000].anomaly).to.equal(true);
        // the result says the point was not learned, and which input made it absurd; the next point is learned
        expect([poisoned[2000].unlearned, poisoned[2001].unlearned]).to.deep.equal([[0], undefined]);
        // not equal: the clean stream learned an ordinary point where the poisoned one learned nothing
        // (with the spike learned, capped: raw 25% lower, scores 0.45-0.47 and 0.30-0.32 against 0.73 and 0.74)
        expect(poisoned[2000 + GAP].rawScore).to.be.closeTo(clean.rawScore, 0.01 * clean.rawScore);
        expect(poisoned[2000 + GAP].score).to.be.closeTo(clean.score, 0.01);
        expect(poisoned[2000 + GAP].anomaly, `score ${poisoned[2000 + GAP].score}`).to.equal(true);
      });
    }
  }

  it("with missing=impute, fills the gaps after an unlearned 1e6 with the value before it, so the copies are no lasting change", () => {
    const options = { missing: "impute", suppress: 0 };
    const gaps = { 2001: NaN, 2002: NaN, 2003: NaN };
    const clean = runRcf(noise(LENGTH, { ...gaps, [2000 + GAP]: 8 }), options);
    const poisoned = runRcf(noise(LENGTH, { 2000: 1e6, ...gaps, [2000 + GAP]: 8 }), options);
    expect(poisoned[2001].imputed).to.deep.equal([0]);
    expect(poisoned[2001].expected[0]).to.be.lessThan(10);
    // (a copy of the 1e6 was its second point: learned, it kept the outlier at 0.08-0.13, no alarm)
    expect(poisoned[2000 + GAP].score).to.be.closeTo(clean[2000 + GAP].score, 0.01);
    expect(poisoned[2000 + GAP].anomaly, `score ${poisoned[2000 + GAP].score}`).to.equal(true);
    const { liveOut, restoredOut } = resumedAt(noise(LENGTH, { 2000: 1e6, ...gaps }), options, [2000, 2001]);
    for (const [at, out] of restoredOut) expect(out).to.deep.equal(liveOut.slice(at + 1));
  });

  it("in an ensemble with missing=impute, the rcf member fills the gaps after its unlearned 1e6 from its own memory", () => {
    const gaps = { 2001: NaN, 2002: NaN, 2003: NaN };
    const run = (data: number[]) => {
      const d = createDetector("ensemble", 1, { members: "rcf,zscore", missing: "impute", "rcf.suppress": 0 });
      return data.map((v, i) => d.process({ timestamp: minuteTimestamp(i), values: [v] }));
    };
    const clean = run(noise(LENGTH, { ...gaps, [2000 + GAP]: 8 }));
    const poisoned = run(noise(LENGTH, { 2000: 1e6, ...gaps, [2000 + GAP]: 8 }));
    expect([poisoned[2000].unlearned, poisoned[2001].imputed]).to.deep.equal([[0], [0]]);
    expect(poisoned[2000 + GAP].anomaly, `score ${poisoned[2000 + GAP].score}`).to.equal(clean[2000 + GAP].anomaly);
    expect(poisoned[2000 + GAP].anomaly).to.equal(true);
  });

  it("with missing=impute, learns a lasting change of an input that reports every other row", () => {
    // input 1 a setpoint reported on even rows, stepping from 100 to 250 (thousands of its deviations) at row 1000
    const d = createDetector("rcf", 2, { missing: "impute", suppress: 0 });
    const gauss = noise(3000, {});
    const results = gauss.map((g, i) =>
      d.process({ timestamp: minuteTimestamp(i), values: [g, i % 2 === 1 ? NaN : (i < 1000 ? 100 : 250) + 0.01 * gauss[(i * 7) % 3000]] }),
    );
    // the step's first value is set aside; the gap after it keeps that, so the next value is the change's second
    expect(results.flatMap((r, i) => (r.unlearned ? [i] : []))).to.deep.equal([1000]);
    expect(results.slice(1100).filter((r) => r.anomaly).length).to.equal(0);
  });

  it("learns a lasting change from its second point: a shift to 1e6 is normal again within 300 points", () => {
    const shifted = noise(LENGTH, {}).map((v, i) => (i >= 2000 ? 1e6 + v : v));
    const results = runRcf(shifted, { suppress: 0 });
    expect(results[2000].anomaly).to.equal(true);
    expect(results.flatMap((r, i) => (r.unlearned ? [i] : []))).to.deep.equal([2000]);
    expect(results.slice(2300).filter((r) => r.anomaly).length).to.equal(0);
  });

  const spans: [string, Options, number][] = [
    ["likelihood windows 3 and 60 (the defaults)", {}, 60],
    ["likelihood window 3 alone", { likelihoodLongWindow: 0 }, 3],
    ["shingle 4 and likelihood window 3", { shingleSize: 4, likelihoodLongWindow: 0 }, 6],
    ["shingle 8 and likelihood window 3", { shingleSize: 8, likelihoodLongWindow: 0 }, 10],
    ["shingle 4 and likelihood windows 3 and 60", { shingleSize: 4 }, 63],
    ["shingle 4 and threshold scoring, smoothing 1", { shingleSize: 4, scoring: "threshold" }, 4],
    ["threshold scoring, sustain 6", { scoring: "threshold", sustain: 6 }, 6],
    ["the state alarm, smoothing 60", { alarm: "state" }, 60],
  ];
  for (const [what, options, span] of spans) {
    it(`saved beside an absurd point (${what}: ${span} points unlearned), a restored model continues bit for bit`, () => {
      const rows = Array.from({ length: span }, (_, k) => 2000 + k);
      const { liveOut, restoredOut } = resumedAt(stream(1e6), options, rows, (row, state) => {
        if (row === 2000) expect([state.absurdBefore, state.unlearnedLeft]).to.deep.equal([true, span - 1]);
        if (row === 2000 + span - 1) expect(state.unlearnedLeft).to.equal(undefined);
      });
      expect([...restoredOut.keys()]).to.deep.equal(rows);
      for (const [at, out] of restoredOut) expect(out).to.deep.equal(liveOut.slice(at + 1));
    });
  }
});

describe("an absurd point among the first points (before there is a scale)", () => {
  /** Noise with `poison` at row `at` (none when 0) and an 8-sigma outlier at row 600. */
  const stream = (poison: number, at: number): number[] => noise(610, poison !== 0 ? { [at]: poison, 600: 8 } : { 600: 8 });

  for (const at of [0, 5, 29]) {
    for (const poison of [1e6, 1e308]) {
      it(`after one ${poison} at row ${at}: the 8-sigma outlier at row 600 alarms`, () => {
        const clean = runRcf(stream(0, at), { suppress: 0 })[600];
        const poisoned = runRcf(stream(poison, at), { suppress: 0 })[600];
        // (learned, the spike would keep the deviation ~1e5 wide: the outlier's raw score fell to a third)
        expect(poisoned.anomaly, `score ${poisoned.score}`).to.equal(true);
        expect(poisoned.rawScore).to.be.greaterThan(0.8 * clean.rawScore);
      });
    }
  }

  it("saved during the warm-up, a restored model settles and continues bit for bit", () => {
    const { liveOut, restoredOut, last } = resumedAt(stream(1e6, 5), {}, [10], (_, state) => expect(state.preprocessor.warmUp?.length).to.equal(11));
    expect(restoredOut.get(10)).to.deep.equal(liveOut.slice(11));
    expect(last.preprocessor.warmUp).to.equal(undefined);
  });
});
