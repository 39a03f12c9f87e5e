import { Decision } from "./thresholder";
import { Attribution } from "./types";

/**
 * Alarm suppression inside one event: after an alarm, the next `points` decisions cannot alarm, and their
 * score is capped at SUPPRESSED_SCORE, so a ranking of scores (NAB's threshold sweep) does not count them
 * either. NAB rewards only the first detection in a window and charges every alarm outside one, so the
 * alarms that follow a first one inside an event can only cost.
 */
export const SUPPRESSED_SCORE = 0.25;

export interface Suppressed {
  readonly decision: Decision;
  /** Points still to suppress after this one. */
  readonly left: number;
}

/** `decision` after suppression, given `left` points still to suppress and the option's `points`. */
export function suppressAlarm(decision: Decision, left: number, points: number): Suppressed {
  if (left > 0) return { decision: silenced(decision), left: left - 1 };
  return { decision, left: decision.anomaly ? points : 0 };
}

/**
 * Option `rearm`: suppression that lasts one event. After an alarm the first `points` decisions are
 * suppressed as above (the minimum); then suppression goes on while the stream is still raised and ends,
 * re-arming the alarm, once `calm` suppressed points in a row were calm, or after `cap` suppressed points.
 * A fixed length cannot serve both kinds of data: long events (a level shift, a failing pump) alarm again
 * after any fixed length shorter than them, and incidents that come close together (server metrics) lose
 * their second alarm to any length longer than the gap.
 */
export interface Rearm {
  /** Calm points in a row that end the event. */
  readonly calm: number;
  /** Most points suppressed after one alarm (at least `points`). */
  readonly cap: number;
}

/**
 * A point is calm when its unsuppressed score is below CALM_SCORE. Both scoring stages put their decision
 * line at a score of 0.5 (thresholder: raw = threshold; likelihood: the line's surprise), and 0.4 is two
 * thirds of the line's raw score or surprise (likelihood: a tail of about 2e-5 at the default line). A
 * point just under the line is an event's tail still wobbling about it, not calm: re-arming there would
 * alarm again on its next wobble, which is what suppression is for.
 */
export const CALM_SCORE = 0.4;

export interface EventHold {
  /** Points of the minimum still to suppress. */
  readonly left: number;
  /** Points suppressed since the alarm (0 when armed and no alarm is open). */
  readonly held: number;
  /** Calm points in a row among the last suppressed ones. */
  readonly calm: number;
}

export const ARMED: EventHold = { left: 0, held: 0, calm: 0 };

/** `decision` after event-long suppression, given the hold so far, the minimum `points` (>= 1) and `rearm`. */
export function suppressEvent(decision: Decision, hold: EventHold, points: number, rearm: Rearm): { decision: Decision; hold: EventHold } {
  const open = hold.left > 0 || hold.held > 0;
  const ended = hold.left === 0 && (hold.calm >= rearm.calm || hold.held >= rearm.cap);
  if (!open || ended) return { decision, hold: decision.anomaly ? { left: points, held: 0, calm: 0 } : ARMED };
  return {
    decision: silenced(decision),
    hold: { left: Math.max(0, hold.left - 1), held: hold.held + 1, calm: decision.score < CALM_SCORE ? hold.calm + 1 : 0 },
  };
}

/**
 * Option `escalate` E: after an alarm's `suppress` points, E more points in which a flag with the same main input
 * (the largest share of the attribution; the only one of a univariate stream) alarms only with a score above the
 * alarm's. An event that stays raised past the suppression (a level shift settling, a slow failure) keeps flagging
 * at about the score it alarmed with, and each re-alarm outside its window is a false alarm; a stronger rise, or a
 * rise of another input (the next incident of a server, on other metrics), is news and alarms.
 */
export interface Cooling {
  /** Points of the escalation still to come after the suppression (0: none, or the suppression not over). */
  readonly left: number;
  /** The last alarm's score and main input (-1 before the first alarm). */
  readonly score: number;
  readonly driver: number;
}

export const NO_COOLING: Cooling = { left: 0, score: 0, driver: -1 };

/**
 * `decision` after suppression and escalation: `left` points still to suppress, `points` the option `suppress`,
 * `escalate` the option, `driver` the point's main input (asked only of a flag that needs it).
 */
export function escalateAlarm(
  decision: Decision,
  left: number,
  cooling: Cooling,
  points: number,
  escalate: number,
  driver: () => number,
): { decision: Decision; left: number; cooling: Cooling } {
  // inside the suppression: as suppressAlarm, and the escalation's points start when it ends
  if (left > 0) return { ...suppressAlarm(decision, left, points), cooling: left === 1 ? { ...cooling, left: escalate } : cooling };
  const after = cooling.left > 0 ? { ...cooling, left: cooling.left - 1 } : cooling;
  if (!decision.anomaly) return { decision, left: 0, cooling: after };
  const main = driver();
  if (cooling.left > 0 && main === cooling.driver && decision.score <= cooling.score) return { decision: silenced(decision), left: 0, cooling: after };
  return { decision, left: points, cooling: { left: 0, score: decision.score, driver: main } };
}

/** The input with the largest share of `attribution` (high and low together); of equal shares, the first. */
export function mainInput(attribution: Attribution): number {
  let main = 0;
  for (let j = 1; j < attribution.high.length; j++) {
    if (attribution.high[j] + attribution.low[j] > attribution.high[main] + attribution.low[main]) main = j;
  }
  return main;
}

/** A suppressed decision: no alarm, and a score that no threshold sweep counts. */
function silenced(decision: Decision): Decision {
  return { ...decision, score: Math.min(decision.score, SUPPRESSED_SCORE), anomaly: false, grade: 0 };
}
