import { discountedMean, discountedVariance } from "../robust";
import { DetectorResult } from "../types";
import { CsvError, isMissingText, SeriesHeader } from "./csvSeries";
import { isDecimalText, isEpochText } from "./timestamp";

/**
 * What a scoring run over a CSV saw beyond its scores, counted as it goes (a few numbers and one count per
 * column, never the rows): rows scored before the detector was ready, the first and last time, whether the
 * times look like epoch seconds, rows rejected for text in an input column. `detect` says what matters.
 */

/** 1973-01-01T00:00:00Z in epoch milliseconds: epoch seconds of any time since then, read as milliseconds, fall before it. */
export const EPOCH_SECONDS_BEFORE = Date.UTC(1973, 0, 1);

/** Text columns named in the hint, the ones with the most rejected rows first. */
const TEXT_COLUMNS_SHOWN = 5;

/** A time for messages: ISO-8601 (`2024-01-01T00:00:00Z`, milliseconds only when there are some), else the number. */
export function timeText(time: number): string {
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? String(time) : date.toISOString().replace(".000Z", "Z");
}

/**
 * The note on rows scored during the detector's warm-up, "" when there were none; when every row was, the
 * summary says it instead (`warmUpClause`).
 */
export function warmUpNote(rows: number, notReady: number): string {
  if (notReady === 0 || notReady === rows) return "";
  return `${notReady} of ${rows} rows were scored before the detector was ready (its warm-up): they have ready 0 and score 0, and are never anomalies`;
}

/** The summary's clause when no row was judged: every one was in the detector's warm-up. */
export function warmUpClause(rows: number, notReady: number): string {
  if (rows === 0 || notReady < rows) return "";
  return " but none judged: the input ends inside the detector's warm-up (ready 0 and score 0 on every row; a longer input is judged after it)";
}

/** The note when every numeric time is before 1973-01-01 as epoch milliseconds, "" otherwise. */
export function epochSecondsNote(numericTimes: number, numericSince1973: number): string {
  if (numericTimes === 0 || numericSince1973 > 0) return "";
  return (
    "the times look like epoch seconds read as milliseconds: numeric times are epoch milliseconds, and every one here is before " +
    "1973-01-01; multiply them by 1000 or write ISO-8601 times (give --no-time if they only number the rows)"
  );
}

/** Below this share of the rows read, a column's text cells are strays among its numbers, not a sign it is no measurement. */
export const STRAY_TEXT_SHARE = 0.01;

/**
 * The summary's hint when rows were rejected for text in input columns: each column with its count and what
 * to do. A column with text in at least STRAY_TEXT_SHARE of the `rowsRead` (a status code in a column that
 * starts numeric) may be no measurement: the hint gives the flags that leave it out, unless that would leave
 * none of the `inputs`. Fewer text cells are strays among numbers: the rows are listed with --rejected. "" when none.
 */
export function textColumnsHint(
  rejectedByColumn: ReadonlyMap<string, number>,
  rowsRead: number,
  inputs: readonly string[],
  chosen: { readonly columns: boolean; readonly excluded: readonly string[] } = { columns: false, excluded: [] },
): string {
  if (rejectedByColumn.size === 0) return "";
  const columns = [...rejectedByColumn].sort((a, b) => b[1] - a[1]);
  const excludable = columns.filter(([, n]) => n >= STRAY_TEXT_SHARE * rowsRead).map(([c]) => c);
  // an input must remain: the columns with the fewest text rows stay in
  while (excludable.length > 0 && inputs.every((i) => excludable.includes(i))) excludable.pop();
  const them = excludable.length === 1 ? "it" : "them";
  const which =
    excludable.length === 1
      ? `${JSON.stringify(excludable[0])} is not a measurement`
      : `${excludable.map((c) => JSON.stringify(c)).join(", ")} are not measurements`;
  // with --columns, the inputs are left out by naming the others; an --exclude given already is kept in the list
  const rest = inputs.filter((i) => !excludable.includes(i));
  const how = chosen.columns
    ? `name the others with --columns ${JSON.stringify(rest.join(","))}`
    : `leave ${them} out with --exclude ${JSON.stringify([...chosen.excluded, ...excludable].join(","))} or name the inputs with --columns`;
  const advice = excludable.length > 0 ? `if ${which}, ${how}` : "text among the numbers: correct those cells; --rejected lists the rows";
  if (columns.length === 1) {
    const [[column, count]] = columns;
    return `; ${count} of them for text in column ${JSON.stringify(column)} (${advice})`;
  }
  const shown = columns.slice(0, TEXT_COLUMNS_SHOWN).map(([c, n]) => `${JSON.stringify(c)} (${n})`);
  const more = columns.length > TEXT_COLUMNS_SHOWN ? `, ${columns.length - TEXT_COLUMNS_SHOWN} more` : "";
  return `; for text in columns ${shown.join(", ")}${more} (${advice})`;
}

/** The columns of a CSV that are neither its time nor an input, in header order, with their positions. */
export function notInputs(header: SeriesHeader): { index: number; name: string }[] {
  return header.header.flatMap((name, index) => (name === header.timeColumn || header.columns.includes(name) ? [] : [{ index, name }]));
}

/** A column left out of the inputs: its values (cells not missing) and how many of them are numbers. */
export interface UnusedColumn {
  readonly name: string;
  readonly values: number;
  readonly numbers: number;
}

/**
 * The summary's hint for columns left out of the inputs because their first value is text although most of
 * their values are numbers (one garbled first cell of a sensor): each with its counts and the flag that uses
 * it. "" when none.
 */
export function numericTextColumnsHint(columns: readonly UnusedColumn[]): string {
  const numeric = columns.filter((c) => c.numbers > c.values / 2);
  if (numeric.length === 0) return "";
  if (numeric.length === 1) {
    const [c] = numeric;
    return `; column ${JSON.stringify(c.name)} is not an input because its first value is text, yet ${c.numbers} of its ${c.values} values are numbers (to use it, name the inputs with --columns)`;
  }
  const said = numeric.map((c) => `${JSON.stringify(c.name)} (${c.numbers} of ${c.values})`).join(", ");
  return `; columns ${said} are not inputs because their first value is text, yet most of their values are numbers (to use them, name the inputs with --columns)`;
}

/** Of an input's consecutive values: pairs counted, and how many rose and fell. */
export interface InputSteps {
  pairs: number;
  rises: number;
  falls: number;
}

export class SeriesTally {
  rows = 0;
  notReady = 0;
  private first: number | null = null;
  private last: number | null = null;
  private numericTimes = 0;
  private numericSince1973 = 0;
  private readonly textRejections = new Map<string, number>();
  private rejectedRows = 0;

  private unusedColumns: { index: number; name: string; values: number; numbers: number }[] | null = null;
  /** Per input: finite values counted, their mean and (population) variance, for inputDeviations. */
  private inputCount: number[] = [];
  private inputMean: number[] = [];
  private inputVariance: number[] = [];
  /** Per input: the last finite value, and how often a finite value rose or fell from the one before it. */
  private inputLast: (number | undefined)[] = [];
  private inputSteps: InputSteps[] = [];

  /**
   * `rowTime`: the rows carry no time (`--no-time`), so their times are row numbers and say nothing.
   * `chosenColumns`: the inputs were named (`--columns`), or these columns left out by name (`--exclude`):
   * then a column left out is meant to be, and its values are not counted.
   */
  constructor(
    private readonly rowTime = false,
    private readonly chosen: { readonly columns: boolean; readonly excluded: readonly string[] } = { columns: false, excluded: [] },
  ) {}

  /** Counts the values of the columns that are neither the time nor an input (unless the inputs were named). */
  cells(header: SeriesHeader, cells: readonly string[]): void {
    if (this.chosen.columns) return;
    this.unusedColumns ??= notInputs(header)
      .filter((c) => !this.chosen.excluded.includes(c.name))
      .map((c) => ({ ...c, values: 0, numbers: 0 }));
    for (const c of this.unusedColumns) {
      const cell = cells[c.index];
      if (cell === undefined || isMissingText(cell)) continue;
      c.values++;
      if (isDecimalText(cell.trim())) c.numbers++;
    }
  }

  numericTextColumnsHint(): string {
    return numericTextColumnsHint(this.unusedColumns ?? []);
  }

  scored(timestampText: string, timestamp: number, result: DetectorResult): void {
    this.rows++;
    if (!result.ready) this.notReady++;
    if (this.rowTime) return;
    this.first ??= timestamp;
    this.last = timestamp;
    if (isEpochText(timestampText)) {
      this.numericTimes++;
      if (timestamp >= EPOCH_SECONDS_BEFORE) this.numericSince1973++;
    }
  }

  /** Counts a scored row's input values (for inputDeviations); a missing value (NaN, option missing=impute) is not counted. */
  inputs(values: readonly number[]): void {
    values.forEach((v, j) => {
      const n = (this.inputCount[j] ?? 0) + (Number.isFinite(v) ? 1 : 0);
      this.inputCount[j] = n;
      this.inputMean[j] ??= 0;
      this.inputVariance[j] ??= 0;
      this.inputSteps[j] ??= { pairs: 0, rises: 0, falls: 0 };
      if (!Number.isFinite(v)) return;
      // an exact mean and variance: the discounted statistics with weight 1/n (no horizon)
      const delta = v - this.inputMean[j];
      this.inputMean[j] = discountedMean(this.inputMean[j], delta, 1 / n);
      this.inputVariance[j] = discountedVariance(this.inputVariance[j], delta, 1 / n);
      const last = this.inputLast[j];
      if (last !== undefined) {
        const steps = this.inputSteps[j];
        steps.pairs++;
        if (v > last) steps.rises++;
        else if (v < last) steps.falls++;
      }
      this.inputLast[j] = v;
    });
  }

  /** Per input, in input order: consecutive pairs of its values counted, and how many rose and fell. */
  inputStepCounts(): InputSteps[] {
    return this.inputSteps.map((st) => ({ ...st }));
  }

  /** Each input's deviation over its values counted (population), in input order (0 without any); [] before a row. */
  inputDeviations(): number[] {
    return this.inputVariance.map((variance) => Math.sqrt(variance));
  }

  rejected(e: CsvError): void {
    this.rejectedRows++;
    if (e.problem === "text" && e.column !== null) this.textRejections.set(e.column, (this.textRejections.get(e.column) ?? 0) + 1);
  }

  /** The notes to write before the summary (without a prefix), in order. */
  notes(): string[] {
    return [warmUpNote(this.rows, this.notReady), epochSecondsNote(this.numericTimes, this.numericSince1973)].filter((n) => n !== "");
  }

  /** The summary's clause on the times, `, times FIRST to LAST`; "" without times. */
  timesClause(): string {
    if (this.first === null || this.last === null) return "";
    return `, times ${timeText(this.first)} to ${timeText(this.last)}`;
  }

  warmUpClause(): string {
    return warmUpClause(this.rows, this.notReady);
  }

  /** `inputs`: the run's input columns. */
  textColumnsHint(inputs: readonly string[]): string {
    return textColumnsHint(this.textRejections, this.rows + this.rejectedRows, inputs, this.chosen);
  }
}
