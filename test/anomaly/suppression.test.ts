import { expect } from "chai";
import fc from "fast-check";
import { createDetector, restoreDetector, StateError } from "../../anomaly";
import { readRcfOptions } from "../../anomaly/rcf/rcfOptions";
import { ARMED, CALM_SCORE, EventHold, Rearm, SUPPRESSED_SCORE, suppressAlarm, suppressEvent } from "../../anomaly/suppression";
import { Decision } from "../../anomaly/thresholder";
import { DetectorOptions, DetectorResult, DetectorState } from "../../anomaly/types";
import { minuteTimestamp, rcfWithStates, withField } from "../helpers/streams";

const decisionOf = (score: number): Decision => ({ score, anomaly: score > 0.5, grade: score > 0.5 ? 2 * (score - 0.5) : 0, threshold: 2 });

/** The decisions over a scripted score sequence: A = alarm, s = suppressed, . = quiet and armed. */
function script(scores: number[], points: number, rearm: Rearm): string {
  let hold: EventHold = ARMED;
  return scores
    .map((score) => {
      const out = suppressEvent(decisionOf(score), hold, points, rearm);
      // a suppressed point is one more held in the event
      const suppressed = out.hold.held > hold.held;
      hold = out.hold;
      return out.decision.anomaly ? "A" : suppressed ? "s" : ".";
    })
    .join("");
}

const HIGH = 0.9;
const LOW = 0.1;
const repeat = (score: number, n: number): number[] => new Array<number>(n).fill(score);

describe("suppressEvent (suppression that lasts one event)", () => {
  const cases: [name: string, scores: number[], points: number, rearm: Rearm, decisions: string][] = [
    ["suppresses the minimum even when every point after the alarm is calm", [HIGH, ...repeat(LOW, 4), HIGH], 4, { calm: 2, cap: 50 }, "AssssA"],
    ["re-arms right after the minimum when its last points were calm", [HIGH, LOW, LOW, LOW, LOW, HIGH], 2, { calm: 2, cap: 50 }, "Ass..A"],
    ["keeps suppressing while the stream stays raised after the minimum", [...repeat(HIGH, 8), LOW, LOW, HIGH], 3, { calm: 2, cap: 50 }, "AsssssssssA"],
    ["re-arms after R calm points in a row, and a raised point starts the count again", [HIGH, 0.3, 0.45, 0.3, 0.3, HIGH], 1, { calm: 2, cap: 50 }, "AssssA"],
    ["counts a score exactly at CALM_SCORE as raised", [HIGH, LOW, CALM_SCORE, LOW, LOW, HIGH], 1, { calm: 2, cap: 50 }, "AssssA"],
    ["ends an event at the cap even while it is still raised", repeat(HIGH, 12), 2, { calm: 2, cap: 5 }, "AsssssAsssss"],
    ["with the cap at the minimum, is the fixed suppression", repeat(HIGH, 8), 3, { calm: 2, cap: 3 }, "AsssAsss"],
    ["passes quiet points through while armed", [LOW, 0.45, LOW], 3, { calm: 2, cap: 50 }, "..."],
  ];
  for (const [name, scores, points, rearm, decisions] of cases) {
    it(name, () => {
      expect(script(scores, points, rearm)).to.equal(decisions);
    });
  }

  const scores = fc.array(fc.constantFrom(0.05, 0.3, CALM_SCORE, 0.45, 0.6, 0.9), { minLength: 1, maxLength: 200 });

  it("never alarms within the minimum nor holds an event past the cap, whatever the scores", () => {
    fc.assert(
      fc.property(scores, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 30 }), (s, points, calm, extra) => {
        const cap = points + extra;
        const alarms = [...script(s, points, { calm, cap })].flatMap((c, i) => (c === "A" ? [i] : []));
        const gaps = alarms.slice(1).map((a, k) => a - alarms[k]);
        expect(gaps.every((g) => g > points)).to.equal(true);
        // an alarm-level point after the cap always alarms: no gap between an alarm and the next high score past cap + 1
        const late = alarms.some((a, k) => s.slice(a + cap + 1, alarms[k + 1] ?? s.length).some((x) => x > 0.5));
        expect(late).to.equal(false);
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });

  it("with the cap at the minimum, decides exactly as the fixed suppression", () => {
    fc.assert(
      fc.property(scores, fc.integer({ min: 1, max: 10 }), (s, points) => {
        let left = 0;
        const fixed = s.map((score) => {
          const out = suppressAlarm(decisionOf(score), left, points);
          left = out.left;
          return out.decision;
        });
        let hold: EventHold = ARMED;
        const event = s.map((score) => {
          const out = suppressEvent(decisionOf(score), hold, points, { calm: 3, cap: points });
          hold = out.hold;
          return out.decision;
        });
        expect(event).to.deep.equal(fixed);
      }),
      { numRuns: 200, seed: 20261203 },
    );
  });

  it("caps a suppressed point's score at SUPPRESSED_SCORE and tracks the hold exactly", () => {
    const rearm = { calm: 2, cap: 50 };
    const opened = suppressEvent(decisionOf(HIGH), ARMED, 1, rearm);
    expect(opened).to.deep.equal({ decision: decisionOf(HIGH), hold: { left: 1, held: 0, calm: 0 } });
    const held = suppressEvent(decisionOf(0.7), opened.hold, 1, rearm);
    expect(held).to.deep.equal({ decision: { score: SUPPRESSED_SCORE, anomaly: false, grade: 0, threshold: 2 }, hold: { left: 0, held: 1, calm: 0 } });
    const calm = suppressEvent(decisionOf(0.2), held.hold, 1, rearm);
    expect(calm).to.deep.equal({ decision: decisionOf(0.2), hold: { left: 0, held: 2, calm: 1 } });
  });
});

describe("rcf options rearm and suppressMax", () => {
  const good: [options: DetectorOptions, rearm: Rearm | undefined][] = [
    [{}, undefined],
    [{ rearm: 0 }, undefined],
    [{ rearm: 5 }, { calm: 5, cap: 300 }],
    [
      { rearm: "5", suppress: 15, suppressMax: "300" },
      { calm: 5, cap: 300 },
    ],
    [
      { rearm: 3, suppress: 20, suppressMax: 20 },
      { calm: 3, cap: 20 },
    ],
  ];
  for (const [options, rearm] of good) {
    it(`reads ${JSON.stringify(options)} as ${JSON.stringify(rearm)}`, () => {
      expect(readRcfOptions(1, options).rearm).to.deep.equal(rearm);
    });
  }

  const bad: [options: DetectorOptions, message: string][] = [
    [{ rearm: -1 }, "option rearm must be an integer in [0, 100000], got -1"],
    [{ rearm: 2.5 }, "option rearm must be an integer in [0, 100000], got 2.5"],
    [{ rearm: 5, suppress: 0 }, "option rearm needs suppress > 0, got rearm=5 with suppress=0"],
    [{ alarm: "state", rearm: 5 }, "option rearm needs suppress > 0, got rearm=5 with suppress=0"],
    [{ suppressMax: 100 }, "option suppressMax needs rearm > 0, got suppressMax=100 with rearm=0"],
    [{ rearm: 5, suppressMax: 29 }, "option suppressMax must be at least suppress (30), got 29"],
  ];
  for (const [options, message] of bad) {
    it(`refuses ${JSON.stringify(options)} naming the option and value`, () => {
      expect(() => readRcfOptions(1, options)).to.throw(message);
    });
  }
});

/** A stream with a long raised stretch (points 700 to 899), so an event stays open after the minimum. */
function levelShift(i: number): number[] {
  return [Math.sin(i / 10) + 0.1 * Math.sin(i * 7.3) + (i >= 700 && i < 900 ? 3 : 0)];
}

const MINIMUM = 10;
// a lower decision line than the default, so the raised stretch alarms again after the fixed minimum
// the short average alone: the long one (the default) would raise an alarm of its own late in the stretch
// and without the escalation (the default), which would keep the stretch's repeat quiet too
const FIXED: DetectorOptions = { numberOfTrees: 20, subSampleSize: 64, suppress: MINIMUM, escalate: 0, likelihoodThreshold: 0.99999, likelihoodLongWindow: 0 };
const SMALL: DetectorOptions = { ...FIXED, rearm: 5, suppressMax: 120 };

function run(options: DetectorOptions, n: number, cut?: number): { results: DetectorResult[]; states: DetectorState[] } {
  return rcfWithStates(1, options, n, levelShift, cut);
}

describe("rcf with rearm", () => {
  const live = run(SMALL, 1000);
  const holds = live.states.map((s) => s as unknown as { suppressLeft: number; suppressHeld: number; suppressCalm: number });

  it("raises one alarm over a raised stretch where the fixed minimum alone alarms again", () => {
    const alarmsIn = (results: DetectorResult[]): number[] => results.flatMap((r, i) => (r.anomaly && i >= 700 && i < 900 ? [i] : []));
    expect([alarmsIn(run(FIXED, 1000).results), alarmsIn(live.results)]).to.deep.equal([[700, 711], [700]]);
  });

  it("resumes bit for bit when saved inside the minimum, inside the extension, and just after re-arming", () => {
    const inMinimum = holds.findIndex((h) => h.suppressLeft > 0 && h.suppressHeld > 0);
    const inExtension = holds.findIndex((h) => h.suppressLeft === 0 && h.suppressHeld > MINIMUM && h.suppressCalm > 0);
    const rearmed = holds.findIndex((h, i) => i > inExtension && h.suppressHeld === 0);
    expect([inMinimum, inExtension, rearmed].every((i) => i > 0)).to.equal(true);
    for (const at of [inMinimum, inExtension, rearmed]) {
      expect(run(SMALL, 1000, at + 1).results).to.deep.equal(live.results);
    }
  });

  it("saves suppressHeld and suppressCalm only with the option, and restores a state saved without it", () => {
    const plain = createDetector("rcf", 1, { numberOfTrees: 4, subSampleSize: 16 });
    for (let i = 0; i < 40; i++) plain.process({ timestamp: minuteTimestamp(i), values: levelShift(i) });
    const saved = plain.toState() as unknown as Record<string, unknown>;
    expect(["suppressLeft" in saved, "suppressHeld" in saved, "suppressCalm" in saved]).to.deep.equal([true, false, false]);
    expect(restoreDetector(plain.toState()).toState()).to.deep.equal(plain.toState());
    expect(Object.keys(holds[999]).filter((k) => k.startsWith("suppress"))).to.deep.equal(["suppressLeft", "suppressHeld", "suppressCalm"]);
  });

  const mutations: [field: string, value: unknown, message: string][] = [
    [
      "suppressHeld",
      undefined,
      "state.suppressHeld: expected points suppressed since the alarm (at most options.rearm.cap) exactly when options.rearm is set, got nothing",
    ],
    [
      "suppressHeld",
      121,
      "state.suppressHeld: expected points suppressed since the alarm (at most options.rearm.cap) exactly when options.rearm is set, got 121",
    ],
    ["suppressHeld", -1, "state.suppressHeld: expected an integer in [0, 1000000], got -1"],
    ["suppressCalm", 1.5, "state.suppressCalm: expected an integer in [0, 1000000], got 1.5"],
    ["suppressCalm", 9, "state.suppressCalm: expected calm points (at most suppressHeld) exactly when options.rearm is set, got 9"],
    [
      "options.rearm",
      { calm: 5, cap: 9 },
      "state.options.rearm: expected calm points and a cap of at least options.suppress, only when options.suppress is set, got an object",
    ],
    ["options.rearm", { calm: 0, cap: 120 }, "state.options.rearm.calm: expected an integer in [1, 100000], got 0"],
    [
      "options.rearm",
      undefined,
      "state.suppressHeld: expected points suppressed since the alarm (at most options.rearm.cap) exactly when options.rearm is set, got 8",
    ],
  ];
  for (const [field, value, message] of mutations) {
    it(`refuses a state with ${field} = ${JSON.stringify(value) ?? "nothing"}, naming the field`, () => {
      expect(() => restoreDetector(withField(live.states[at(holds)], field, value))).to.throw(StateError, message);
    });
  }
});

/** The first point with 8 points held in an event (the mutations' base). */
function at(holds: { suppressHeld: number }[]): number {
  const i = holds.findIndex((h) => h.suppressHeld === 8);
  if (i < 0) throw new Error("no point with 8 points held");
  return i;
}
