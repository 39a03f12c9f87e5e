/**
 * What `detect` says about the columns it reads.
 *
 * Inputs whose names say they are not measurements: a label column left in a labelled file (SKAB's
 * `anomaly`, `changepoint`) or the row index a data frame wrote (`Unnamed: 0`). The detector learns from
 * them as from any input (a label column tells it the answer; an index is a new extreme every row), so
 * `detect` says so when the inputs were not named with --columns. Judged by name only: a 0/1 column can be
 * a real valve or switch.
 */
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
