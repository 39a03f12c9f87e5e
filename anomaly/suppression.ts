import { Decision } from "./thresholder";

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
  if (left > 0) {
    return { decision: { ...decision, score: Math.min(decision.score, SUPPRESSED_SCORE), anomaly: false, grade: 0 }, left: left - 1 };
  }
  return { decision, left: decision.anomaly ? points : 0 };
}
