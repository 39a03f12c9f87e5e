import { expect } from "chai";
import { createDetector, decodeState, Detector, DetectorResult, DetectorState, encodeState, restoreDetector } from "../../anomaly";
import { Random } from "../../anomaly/random";
import { calendarCodec } from "../../anomaly/rcf/pointCodec";
import { RcfOptions } from "../../anomaly/rcf/rcfOptions";
import { ForestState, forestFromState } from "../../anomaly/rcf/stateMapper";
import { minuteTimestamp } from "../helpers/streams";

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
        const data = series(spike);
        const live = createDetector(name, 1, options);
        let resumed: Detector | undefined;
        let savedAfterSpike: DetectorState | undefined;
        const liveResults: DetectorResult[] = [];
        const resumedResults: DetectorResult[] = [];
        data.forEach((v, i) => {
          const point = { timestamp: minuteTimestamp(i), values: [v] };
          if (resumed) resumedResults.push(resumed.process(point));
          const r = live.process(point);
          if (i === SPIKE_AT) {
            expect(r.clipped).to.deep.equal(Math.abs(spike) > 1e150 ? [0] : []);
            savedAfterSpike = live.toState();
            resumed = restoreDetector(decodeState(encodeState(savedAfterSpike)));
          } else if (i > SPIKE_AT) {
            liveResults.push(r);
          }
          if (i === OUTLIER_AT) {
            expect(r.anomaly, `score ${r.score}`).to.equal(true);
          }
        });
        expect(nonFinite(savedAfterSpike)).to.deep.equal([]);
        expect(nonFinite(live.toState())).to.deep.equal([]);
        expect(resumedResults).to.deep.equal(liveResults);
        expect(JSON.stringify(resumed!.toState())).to.equal(JSON.stringify(live.toState()));
      });
    }
  }
});
