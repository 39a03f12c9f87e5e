import { LabelledSeries, probationaryLength, windowRows } from "./nabScore";

/** How a detector's own alarms met one labelled window. */
export interface WindowOutcome {
  /** The window's first and last row. */
  readonly rows: readonly [number, number];
  /** The first alarm in the window, as a share of its length (0: its first row, 1: its last); null when missed. */
  readonly firstAlarm: number | null;
  /** Alarms inside the window (NAB counts the first; the rest are free). */
  readonly alarms: number;
  /** The window's highest score, to see how near a missed window came to the line. */
  readonly maxScore: number;
}

export interface SeriesOutcomes {
  readonly windows: WindowOutcome[];
  /** Windows with at least one alarm. */
  readonly found: number;
  /** Alarms after the probationary rows and outside every window (each costs the profile's false-positive weight). */
  readonly falseAlarms: number;
  /** Alarms in the probationary rows, which NAB does not count. */
  readonly probationary: number;
}

/**
 * Per window, where the detector's own decisions first alarmed in it, and the alarms NAB counts as false: what
 * a corpus score does not show. Alarms in the probationary rows are neither found nor false, as in NAB.
 */
export function windowOutcomes(series: LabelledSeries, flags: readonly boolean[]): SeriesOutcomes {
  const spans = windowRows(series);
  const probation = series.probationary ?? probationaryLength(series.timestamps.length);
  const windowOf = new Array<number>(flags.length).fill(-1);
  spans.forEach(([l, r], w) => {
    for (let i = l; i <= r; i++) windowOf[i] = w;
  });
  const windows = spans.map(([l, r]) => {
    let first = -1;
    let alarms = 0;
    let maxScore = -Infinity;
    for (let i = l; i <= r; i++) {
      maxScore = Math.max(maxScore, series.scores[i]);
      if (!flags[i] || i < probation) continue;
      alarms++;
      if (first < 0) first = i;
    }
    return { rows: [l, r] as const, firstAlarm: first < 0 ? null : r === l ? 0 : (first - l) / (r - l), alarms, maxScore };
  });
  let falseAlarms = 0;
  let probationary = 0;
  flags.forEach((f, i) => {
    if (!f) return;
    if (i < probation) probationary++;
    else if (windowOf[i] < 0) falseAlarms++;
  });
  return { windows, found: windows.filter((w) => w.firstAlarm !== null).length, falseAlarms, probationary };
}

/** At most this many windows are listed one by one in a progress line; beyond it, their median. */
const LISTED = 8;

/**
 * One line for a progress report, e.g. "2 of 3 windows found (where each window's first alarm fell: 43%; missed,
 * peak score 0.404; 48%), 7 false alarms" (0%: the window's first row); past 8 windows, the median position.
 */
export function outcomesText(o: SeriesOutcomes): string {
  const alarms = `${o.falseAlarms} false alarm${o.falseAlarms === 1 ? "" : "s"}`;
  if (o.windows.length === 0) return `no windows, ${alarms}`;
  const percent = (x: number): string => `${Math.round(x * 100)}%`;
  let where: string;
  if (o.windows.length <= LISTED) {
    const at = o.windows.map((w) => (w.firstAlarm === null ? `missed, peak score ${w.maxScore.toFixed(3)}` : percent(w.firstAlarm)));
    where = ` (where each window's first alarm fell: ${at.join("; ")})`;
  } else {
    const firsts = o.windows.flatMap((w) => (w.firstAlarm === null ? [] : [w.firstAlarm])).sort((a, b) => a - b);
    where = firsts.length === 0 ? "" : ` (first alarms a median ${percent(firsts[Math.floor((firsts.length - 1) / 2)])} into their window)`;
  }
  return `${o.found} of ${o.windows.length} windows found${where}, ${alarms}`;
}
