import { expect } from "chai";
import { restoreDetector, StateError } from "../../anomaly";
import { readRcfOptions } from "../../anomaly/rcf/rcfOptions";
import { Cooling, escalateAlarm, mainInput, NO_COOLING, SUPPRESSED_SCORE } from "../../anomaly/suppression";
import { Decision } from "../../anomaly/thresholder";
import { DetectorOptions, DetectorResult, DetectorState } from "../../anomaly/types";
import { rcfWithStates, withField } from "../helpers/streams";

const decisionOf = (score: number): Decision => ({ score, anomaly: score > 0.5, grade: score > 0.5 ? 2 * (score - 0.5) : 0, threshold: 2 });

/**
 * The decisions over scripted scores and main inputs: A = alarm, s = silenced (suppressed, or a flag that did
 * not escalate), . = quiet. `points` is option suppress, `escalate` the option.
 */
function script(scores: number[], drivers: number[], points: number, escalate: number): string {
  let left = 0;
  let cooling: Cooling = NO_COOLING;
  return scores
    .map((score, i) => {
      const out = escalateAlarm(decisionOf(score), left, cooling, points, escalate, () => drivers[i] ?? 0);
      left = out.left;
      cooling = out.cooling;
      if (out.decision.anomaly) return "A";
      return out.decision.score < score ? "s" : ".";
    })
    .join("");
}

describe("escalateAlarm (option escalate)", () => {
  const cases: [name: string, scores: number[], drivers: number[], points: number, escalate: number, decisions: string][] = [
    ["suppresses `points`, then a flag of the same input no higher than the alarm is silenced", [0.8, 0.9, 0.9, 0.7, 0.8], [], 2, 5, "Asss" + "s"],
    ["a flag above the alarm's score alarms during the escalation", [0.8, 0.9, 0.9, 0.7, 0.85], [], 2, 5, "Asss" + "A"],
    ["a flag of another input alarms during the escalation", [0.8, 0.9, 0.9, 0.6], [0, 0, 0, 1], 2, 5, "AssA"],
    ["after `escalate` points any flag alarms again", [0.8, 0.9, 0.1, 0.1, 0.1, 0.6], [], 1, 3, "As...A"],
    ["the escalation counts quiet points too: its last point still needs more", [0.8, 0.9, 0.1, 0.1, 0.6], [], 1, 3, "As..s"],
    ["a silenced flag neither starts a suppression nor raises the bar", [0.8, 0.6, 0.7, 0.75, 0.81, 0.9], [], 1, 10, "Asss" + "As"],
    ["with escalate 0, is the fixed suppression", [0.8, 0.9, 0.9, 0.7, 0.6, 0.6], [], 2, 0, "AssAss"],
    ["quiet points pass, and the first flag alarms", [0.1, 0.2, 0.6], [], 2, 5, "..A"],
  ];
  for (const [name, scores, drivers, points, escalate, decisions] of cases) {
    it(`${name}: ${decisions}`, () => expect(script(scores, drivers, points, escalate)).to.equal(decisions));
  }

  it("caps a silenced flag's score at SUPPRESSED_SCORE, and asks for the main input only of flags", () => {
    let asked = 0;
    const driver = (): number => (asked++, 0);
    const alarm = escalateAlarm(decisionOf(0.8), 0, NO_COOLING, 1, 5, driver);
    const suppressed = escalateAlarm(decisionOf(0.9), alarm.left, alarm.cooling, 1, 5, driver);
    const quiet = escalateAlarm(decisionOf(0.2), suppressed.left, suppressed.cooling, 1, 5, driver);
    const silenced = escalateAlarm(decisionOf(0.7), quiet.left, quiet.cooling, 1, 5, driver);
    expect([alarm.cooling, suppressed.cooling, quiet.cooling, silenced.decision.score, silenced.decision.anomaly, asked]).to.deep.equal([
      { left: 0, score: 0.8, driver: 0 },
      { left: 5, score: 0.8, driver: 0 },
      { left: 4, score: 0.8, driver: 0 },
      SUPPRESSED_SCORE,
      false,
      2,
    ]);
  });

  const mains: [high: number[], low: number[], main: number][] = [
    [[0.5], [0], 0],
    [[0.1, 0.3], [0.1, 0], 1],
    [[0.1, 0], [0.3, 0.3], 0],
    [[0, 0, 0], [0, 0, 0], 0],
  ];
  for (const [high, low, main] of mains) {
    it(`names input ${main} the main one of high ${JSON.stringify(high)} and low ${JSON.stringify(low)}`, () =>
      expect(mainInput({ high, low })).to.equal(main));
  }
});

describe("rcf option escalate", () => {
  const good: [DetectorOptions, number | undefined][] = [
    // the onset alarm's default; off where nothing is suppressed or rearm ends the events
    [{}, 100],
    [{ escalate: 0 }, undefined],
    [{ escalate: "300" }, 300],
    [{ suppress: 0 }, undefined],
    [{ alarm: "state" }, undefined],
    [{ rearm: 5 }, undefined],
    [{ scoring: "threshold" }, undefined],
    [{ scoring: "threshold", escalate: 50 }, 50],
  ];
  for (const [options, escalate] of good) {
    it(`reads ${JSON.stringify(options)} as ${escalate}`, () => expect(readRcfOptions(1, options).escalate).to.equal(escalate));
  }
  const bad: [DetectorOptions, string][] = [
    [{ escalate: -1 }, "option escalate must be an integer in [0, 1000000], got -1"],
    [{ escalate: 10, suppress: 0 }, "option escalate needs suppress > 0, got escalate=10 with suppress=0"],
    [{ alarm: "state", escalate: 10 }, "option escalate needs suppress > 0, got escalate=10 with suppress=0"],
    [{ escalate: 10, rearm: 5 }, "option escalate and option rearm end an event two ways: give one, got escalate=10 and rearm=5"],
  ];
  for (const [options, message] of bad) {
    it(`refuses ${JSON.stringify(options)} naming the option and value`, () => expect(() => readRcfOptions(1, options)).to.throw(message));
  }
});

/** Two inputs: input 0 steps up at point 700 for 200 points; input 1 spikes at point 760. */
function twoIncidents(i: number): number[] {
  return [Math.sin(i / 10) + 0.1 * Math.sin(i * 7.3) + (i >= 700 && i < 900 ? 3 : 0), Math.cos(i / 13) + (i === 760 ? 6 : 0)];
}
const SMALL: DetectorOptions = { numberOfTrees: 20, subSampleSize: 64, suppress: 10, escalate: 0, likelihoodThreshold: 0.99999, likelihoodLongWindow: 0 };

function run(options: DetectorOptions, n: number, cut?: number): { results: DetectorResult[]; states: DetectorState[] } {
  return rcfWithStates(2, options, n, twoIncidents, cut);
}

describe("rcf with escalate", () => {
  const fixed = run(SMALL, 1000);
  const live = run({ ...SMALL, escalate: 100 }, 1000);
  const coolings = live.states.map((s) => (s as unknown as { cooling: Cooling }).cooling);
  const alarms = (results: DetectorResult[]): number[] => results.flatMap((r, i) => (r.anomaly && i >= 700 && i < 900 ? [i] : []));

  it("keeps the re-alarms of a raised input quiet, and alarms for another input's incident meanwhile", () => {
    const [withFixed, withEscalate] = [alarms(fixed.results), alarms(live.results)];
    // the fixed suppression alarms again on the step after its 10 points; the escalation does not
    expect(withFixed.filter((i) => i > 700 && i < 760).length).to.be.greaterThan(0);
    expect(withEscalate.filter((i) => i !== 760)).to.deep.equal([700]);
    expect(withEscalate).to.include(760);
    expect(live.results[760].attribution.high[1] + live.results[760].attribution.low[1]).to.be.greaterThan(
      live.results[760].attribution.high[0] + live.results[760].attribution.low[0],
    );
  });

  it("resumes bit for bit when saved inside the suppression, inside the escalation and after it", () => {
    const inSuppression = live.states.findIndex((s) => ((s as unknown as { suppressLeft: number }).suppressLeft ?? 0) > 0);
    const inEscalation = coolings.findIndex((c, i) => i > inSuppression && c.left > 50);
    const after = coolings.findIndex((c, i) => i > inEscalation && c.left === 0);
    expect([inSuppression, inEscalation, after].every((i) => i > 0)).to.equal(true);
    for (const at of [inSuppression, inEscalation, after]) expect(run({ ...SMALL, escalate: 100 }, 1000, at + 1).results).to.deep.equal(live.results);
  });

  it("saves the escalation only with the option", () => {
    expect(["cooling" in fixed.states[999], "cooling" in live.states[999]]).to.deep.equal([false, true]);
  });

  const mutations: [field: string, value: unknown, message: string][] = [
    ["cooling", undefined, "state.cooling: expected escalation left (at most options.escalate)"],
    ["cooling", { left: 101, score: 0.8, driver: 0 }, "state.cooling: expected escalation left (at most options.escalate)"],
    ["cooling", { left: 5, score: 0.8, driver: 2 }, "state.cooling: expected escalation left (at most options.escalate)"],
    ["cooling", { left: 5, score: 1.5, driver: 0 }, "state.cooling.score: expected a finite number in [0, 1], got 1.5"],
    ["options.escalate", 0, "state.options.escalate: expected an integer in [1, 1000000], got 0"],
    ["options.rearm", { calm: 5, cap: 100 }, "state.options.escalate: expected only when options.suppress is set and options.rearm is not, got 100"],
  ];
  for (const [field, value, message] of mutations) {
    it(`refuses a state with ${field} = ${JSON.stringify(value) ?? "nothing"}, naming the field`, () => {
      expect(() => restoreDetector(withField(live.states[999], field, value))).to.throw(StateError, message);
    });
  }
});
