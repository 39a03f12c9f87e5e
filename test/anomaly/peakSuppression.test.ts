import { expect } from "chai";
import fc from "fast-check";
import { createDetector, decodeState, encodeState, restoreDetector, StateError } from "../../anomaly";
import { readRcfOptions } from "../../anomaly/rcf/rcfOptions";
import { MAX_PEAK_SUPPRESS, SUPPRESSED_SCORE, suppressNonPeak } from "../../anomaly/suppression";
import { Decision } from "../../anomaly/thresholder";
import { DetectorOptions, DetectorResult, DetectorState } from "../../anomaly/types";
import { minuteTimestamp } from "../helpers/streams";

const decisionOf = (score: number): Decision => ({ score, anomaly: score > 0.5, grade: score > 0.5 ? 2 * (score - 0.5) : 0, threshold: 2 });

/** The scores after peak suppression over a scripted sequence, with `points` compared. */
function peaks(scores: number[], points: number): { out: number[]; alarms: string } {
  let recent: number[] = [];
  const decisions = scores.map((score) => {
    const step = suppressNonPeak(decisionOf(score), recent, points);
    recent = step.recent;
    return step.decision;
  });
  return { out: decisions.map((d) => d.score), alarms: decisions.map((d) => (d.anomaly ? "A" : ".")).join("") };
}

describe("suppressNonPeak (option suppressBy=peak)", () => {
  const cases: [name: string, scores: number[], points: number, out: number[], alarms: string][] = [
    [
      "passes a rise and caps a decaying tail at SUPPRESSED_SCORE",
      [0.1, 0.6, 0.4, 0.7, 0.3, 0.2],
      3,
      [0.1, 0.6, SUPPRESSED_SCORE, 0.7, SUPPRESSED_SCORE, 0.2],
      ".A.A..",
    ],
    ["lets a score through once the higher ones are more than `points` back", [0.9, 0.1, 0.1, 0.1, 0.6], 3, [0.9, 0.1, 0.1, 0.1, 0.6], "A...A"],
    ["compares with exactly `points` scores: a higher one `points` back still counts", [0.9, 0.1, 0.1, 0.6], 3, [0.9, 0.1, 0.1, SUPPRESSED_SCORE], "A..."],
    ["does not pass a tie", [0.7, 0.7], 5, [0.7, SUPPRESSED_SCORE], "A."],
    [
      "compares with scores before suppression, so a long tail stays capped",
      [0.9, 0.8, 0.7, 0.6],
      2,
      [0.9, SUPPRESSED_SCORE, SUPPRESSED_SCORE, SUPPRESSED_SCORE],
      "A...",
    ],
    ["leaves scores under SUPPRESSED_SCORE as they are", [0.2, 0.1, 0.05], 4, [0.2, 0.1, 0.05], "..."],
  ];
  for (const [name, scores, points, out, alarms] of cases) {
    it(name, () => {
      expect(peaks(scores, points)).to.deep.equal({ out, alarms });
    });
  }

  it("keeps at most `points` scores, the latest, and never raises a score", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 100 }), fc.integer({ min: 1, max: 8 }), (scores, points) => {
        let recent: number[] = [];
        scores.forEach((score, i) => {
          const step = suppressNonPeak(decisionOf(score), recent, points);
          recent = step.recent;
          expect(recent).to.deep.equal(scores.slice(Math.max(0, i + 1 - points), i + 1));
          expect(step.decision.score).to.be.at.most(score);
        });
      }),
      { numRuns: 200, seed: 20261203 },
    );
  });
});

describe("rcf option suppressBy", () => {
  const good: [options: DetectorOptions, suppressBy: "peak" | undefined][] = [
    [{}, undefined],
    [{ suppressBy: "alarm" }, undefined],
    [{ suppressBy: "peak" }, "peak"],
    [{ suppressBy: "peak", suppress: MAX_PEAK_SUPPRESS }, "peak"],
  ];
  for (const [options, suppressBy] of good) {
    it(`reads ${JSON.stringify(options)} as ${JSON.stringify(suppressBy)}`, () => {
      expect(readRcfOptions(1, options).suppressBy).to.equal(suppressBy);
    });
  }

  const bad: [options: DetectorOptions, message: string][] = [
    [{ suppressBy: "max" }, 'option suppressBy must be one of alarm, peak, got "max"'],
    [{ suppressBy: "peak", suppress: 0 }, "option suppressBy=peak needs suppress > 0, got suppress=0"],
    [{ alarm: "state", suppressBy: "peak" }, "option suppressBy=peak needs suppress > 0, got suppress=0"],
    [{ suppressBy: "peak", suppress: 1001 }, "option suppressBy=peak needs suppress <= 1000, got suppress=1001"],
    [{ suppressBy: "peak", rearm: 5 }, "option suppressBy=peak does not combine with rearm, got rearm=5"],
  ];
  for (const [options, message] of bad) {
    it(`refuses ${JSON.stringify(options)} naming the option and value`, () => {
      expect(() => readRcfOptions(1, options)).to.throw(message);
    });
  }
});

/** A wave with a raised stretch (points 700 to 759). */
function wave(i: number): number[] {
  return [Math.sin(i / 10) + 0.1 * Math.sin(i * 7.3) + (i >= 700 && i < 760 ? 3 : 0)];
}

const PEAK: DetectorOptions = { numberOfTrees: 20, subSampleSize: 64, suppress: 10, suppressBy: "peak" };

function run(options: DetectorOptions, n: number, cut?: number): { results: DetectorResult[]; states: DetectorState[] } {
  let d = createDetector("rcf", 1, options);
  const results: DetectorResult[] = [];
  const states: DetectorState[] = [];
  for (let i = 0; i < n; i++) {
    if (i === cut) d = restoreDetector(decodeState(encodeState(d.toState())));
    results.push(d.process({ timestamp: minuteTimestamp(i), values: wave(i) }));
    states.push(d.toState());
  }
  return { results, states };
}

describe("rcf with suppressBy=peak", () => {
  const live = run(PEAK, 900);
  const alarm = run({ ...PEAK, suppressBy: "alarm" }, 900);

  it("raises one alarm over the raised stretch, where suppressBy=alarm alarms again when its 10 points are over", () => {
    const alarmsOf = (results: DetectorResult[]): number[] => results.flatMap((r, i) => (r.anomaly ? [i] : []));
    expect([alarmsOf(alarm.results), alarmsOf(live.results)]).to.deep.equal([[700, 711], [700]]);
  });

  it("caps only scores that follow a higher one, at SUPPRESSED_SCORE", () => {
    const capped = live.results.flatMap((r, i) => (r.score < alarm.results[i].score ? [i] : []));
    expect(capped).to.include(711);
    expect(capped.every((i) => live.results[i].score === SUPPRESSED_SCORE)).to.equal(true);
  });

  it("resumes bit for bit from any point", () => {
    for (const cut of [300, 703, 851]) expect(run(PEAK, 900, cut).results).to.deep.equal(live.results);
  });

  it("saves suppressRecent only with the option, the last `suppress` scores", () => {
    const last = live.states[899] as unknown as { suppressRecent: number[] };
    expect(last.suppressRecent.length).to.equal(10);
    expect("suppressRecent" in (alarm.states[899] as object)).to.equal(false);
  });

  const mutations: [field: string, value: unknown, message: string][] = [
    ["suppressRecent", undefined, "state.suppressRecent: expected the last scores before suppression exactly when options.suppressBy is set, got nothing"],
    ["suppressRecent", new Array<number>(11).fill(0.1), "state.suppressRecent: expected at most 10 item(s), got an array of 11"],
    ["suppressRecent", [0.1, -1], "state.suppressRecent[1]: expected a finite number >= 0, got -1"],
    ["options.suppressBy", "max", 'state.options.suppressBy: expected one of "peak", got "max"'],
    [
      "options.suppressBy",
      undefined,
      "state.suppressRecent: expected the last scores before suppression exactly when options.suppressBy is set, got an array of 10",
    ],
    ["options.suppress", 2000, 'state.options.suppressBy: expected "peak" only when options.suppress is set, at most 1000, without options.rearm, got "peak"'],
  ];
  for (const [field, value, message] of mutations) {
    it(`refuses a state with ${field} = ${JSON.stringify(value) ?? "nothing"}, naming the field`, () => {
      const state = JSON.parse(JSON.stringify(live.states[899])) as Record<string, unknown>;
      const [head, tail] = field.split(".");
      const target = (tail ? state[head] : state) as Record<string, unknown>;
      const key = tail ?? head;
      if (value === undefined) delete target[key];
      else target[key] = value;
      expect(() => restoreDetector(state as unknown as DetectorState)).to.throw(StateError, message);
    });
  }
});
