/**
 * What `detect` says about the columns it reads.
 *
 * Inputs whose names say they are not measurements: a label column left in a labelled file (SKAB's
 * `anomaly`, `changepoint`) or the row index a data frame wrote (`Unnamed: 0`). The detector learns from
 * them as from any input (a label column tells it the answer; an index is a new extreme every row), so
 * `detect` says so when the inputs were not named with --columns. Judged by name only: a 0/1 column can be
 * a real valve or switch.
 */
import { InputSteps } from "../anomaly/io/seriesTally";

export type Suspicion = "a label" | "a row index";

const LABEL = /^(anomaly|anomalies|is_anomaly|label|labels|changepoint|outlier|target)$/i;
const INDEX = /^(unnamed: ?\d+|index|row|row_?id|id)$/i;

export function suspectInputs(columns: readonly string[]): { column: string; suspicion: Suspicion }[] {
  const found: { column: string; suspicion: Suspicion }[] = [];
  for (const column of columns) {
    const name = column.trim();
    if (LABEL.test(name)) found.push({ column, suspicion: "a label" });
    else if (name === "" || INDEX.test(name)) found.push({ column, suspicion: "a row index" });
  }
  return found;
}

/** The note `detect` writes to stderr, or "" when no input looks suspect. */
export function suspectNote(columns: readonly string[]): string {
  const found = suspectInputs(columns);
  if (found.length === 0) return "";
  const named = found.map((f) => `${JSON.stringify(f.column)} looks like ${f.suspicion}`).join(", ");
  const list = found.map((f) => f.column).join(",");
  const them = found.length === 1 ? "it" : "them";
  return `detect: note: ${named}; the detector learns from every input column (leave ${them} out with --exclude ${JSON.stringify(list)})\n`;
}

/** Column names for the summary line: all of them up to NAMES_SHOWN, else the first ones and how many more. */
export const NAMES_SHOWN = 20;
export function nameList(names: readonly string[]): string {
  // a column without a name (a header ending in a separator) is shown as the --exclude it takes: ""
  const shown = names.map((n) => (n.trim() === "" ? JSON.stringify(n) : n));
  if (shown.length <= NAMES_SHOWN) return shown.join(", ");
  return `${shown.slice(0, NAMES_SHOWN - 1).join(", ")}, ... (${shown.length - NAMES_SHOWN + 1} more)`;
}

/** An input is named in flooredInputsNote when relativeFloor standardises it by this many times its own deviation or more. */
export const FLOORED_BY = 3;

/** A number for a note, to `digits` significant digits (trailing zeros dropped). */
const significant = (x: number, digits = 3): string => String(Number(x.toPrecision(digits)));

/**
 * The note `detect` writes when option relativeFloor (rcf: each input standardised by at least that share of the
 * largest input's deviation) makes inputs count for little: those it standardises by FLOORED_BY times their own
 * deviation or more, with the input that sets the floor. The floor is for inputs in comparable units; a column in
 * a larger unit than the rest (millivolts beside volts) sets it for all. A constant input is not named (it reads 0
 * at any scale). "" when it names none.
 * `deviations`: each input's deviation over the file, in the order of `columns`.
 */
export function flooredInputsNote(columns: readonly string[], deviations: readonly number[], relativeFloor: number, given: boolean): string {
  if (relativeFloor <= 0 || columns.length < 2 || deviations.length !== columns.length) return "";
  let top = 0;
  deviations.forEach((d, j) => {
    if (d > deviations[top]) top = j;
  });
  const floor = relativeFloor * deviations[top];
  // a constant input reads 0 whatever its scale: it is not named
  const floored = columns.map((c, j) => ({ c, d: deviations[j] })).filter(({ d }) => d > 0 && floor >= FLOORED_BY * d);
  if (floor === 0 || floored.length === 0) return "";
  const list = floored.map(({ c, d }) => `${JSON.stringify(c)} (deviation ${significant(d)}, x${significant(floor / d)})`).join(", ");
  const share = `${significant(100 * relativeFloor)}%`;
  return (
    `detect: note: with relativeFloor ${relativeFloor}${given ? "" : " (the default)"}, ${floored.length} input(s) vary far less than ` +
    `${JSON.stringify(columns[top])} (deviation ${significant(deviations[top])}) and are standardised by ${share} of it, ` +
    `${significant(floor)}, so their changes count for little: ${list}. Among inputs in one unit that is what relativeFloor is ` +
    `for; if a column is in a larger unit than the rest (millivolts beside volts), rescale it, or give --option relativeFloor=0 ` +
    `to standardise each input by its own deviation\n`
  );
}

/** An input is named in risingInputsNote when, over at least RISING_PAIRS of its consecutive values, ... */
export const RISING_PAIRS = 100;
/** ... at least this share rose ... */
export const RISING_SHARE = 0.5;
/** ... and at most this share fell (a register reset now and then). */
export const FALLING_SHARE = 0.02;

const percent = (x: number): string => `${significant(100 * x, 2)}%`;

/**
 * The note `detect` writes when an input looks like a cumulative counter (a meter's register): it rises at most
 * rows and almost never falls. A detector of values sees such a series at a new value at almost every row, so a
 * jump in it counts for little: it should be differenced first. `steps`: per input, in the order of `columns`.
 * "" when it names none.
 */
export function risingInputsNote(columns: readonly string[], steps: readonly InputSteps[]): string {
  const rising = columns
    .map((c, j) => ({ c, s: steps[j] }))
    .filter(({ s }) => s !== undefined && s.pairs >= RISING_PAIRS && s.rises >= RISING_SHARE * s.pairs && s.falls <= FALLING_SHARE * s.pairs);
  if (rising.length === 0) return "";
  const list = rising.map(({ c, s }) => `${JSON.stringify(c)} rises at ${percent(s.rises / s.pairs)} of its rows and falls at ${percent(s.falls / s.pairs)}`);
  return (
    `detect: note: ${list.join(", ")} (a counter or a meter's register?): the detector judges values, not changes, so in a ` +
    `series that keeps rising a jump counts for little; difference it first (each row minus the one before)\n`
  );
}
