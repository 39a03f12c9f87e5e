import { CheckedInput } from "./inputGuard";
import { Decision } from "./thresholder";
import { Attribution, DetectorResult } from "./types";

/** The result during warm-up: nothing is claimed, the expected value is the input itself. */
export function warmUpResult({ values, imputed, clipped }: CheckedInput): DetectorResult {
  return {
    ready: false,
    rawScore: 0,
    score: 0,
    anomaly: false,
    grade: 0,
    attribution: zeroAttribution(values.length),
    expected: [...values],
    imputed,
    clipped,
  };
}

export function zeroAttribution(dims: number): Attribution {
  return { high: new Array<number>(dims).fill(0), low: new Array<number>(dims).fill(0) };
}

/** The largest |deviation|: the raw score of detectors that judge each input apart (a loop: spreading 100,000 arguments into Math.max overflows the stack). */
export function largestDeviation(deviations: readonly number[]): number {
  let largest = 0;
  for (const d of deviations) largest = Math.max(largest, Math.abs(d));
  return largest;
}

/**
 * Attribution from signed deviations: each dimension's share of `total` is proportional to |deviation|,
 * on the high side when the value is above what was expected.
 */
export function attributionFromDeviations(deviations: readonly number[], total: number): Attribution {
  const dims = deviations.length;
  const out = zeroAttribution(dims);
  const sum = deviations.reduce((s, d) => s + Math.abs(d), 0);
  if (sum === 0 || !(total > 0)) return out;
  for (let i = 0; i < dims; i++) {
    const share = (Math.abs(deviations[i]) / sum) * total;
    if (deviations[i] > 0) out.high[i] = share;
    else if (deviations[i] < 0) out.low[i] = share;
  }
  return out;
}

/** A scored result: the thresholder's decision plus the detector's explanation. */
export function decidedResult(
  rawScore: number,
  decision: Decision,
  attribution: Attribution,
  expected: number[],
  { imputed, clipped }: CheckedInput,
): DetectorResult {
  return {
    ready: decision.threshold !== Infinity,
    rawScore,
    // a stage warming up may hold a neutral score (the likelihood's 0.5); the contract says 0
    score: decision.threshold !== Infinity ? decision.score : 0,
    anomaly: decision.anomaly,
    grade: decision.grade,
    attribution,
    expected,
    imputed,
    clipped,
  };
}
