import { existsSync, statSync } from "fs";
import { InputError } from "../errors";
import { splitCsvLine } from "./csvLine";
import { displayName, readLines, STDIN_PATH } from "./lineReader";
import { hasDecimalSyntax, isDecimalText, parseTimestamp } from "./timestamp";

export { parseTimestamp } from "./timestamp";

/**
 * Reads a time series CSV line by line (never the whole file at once): a header naming a time column
 * and numeric columns. Errors name the file, the line and the column.
 */
export interface SeriesSpec {
  /** A path, or "-" for standard input ("stdin" in messages). */
  readonly file: string;
  /** "," or ";" (default: guessed from the header). */
  readonly delimiter?: string;
  /** Default: "timestamp", else "datetime", else "time" or "date" when only one of them is there (any case; `defaultTimeColumn`). */
  readonly timeColumn?: string;
  /**
   * Rows carry no time: the k-th data row is at time k (no time column is looked for). A first line whose
   * every cell is a decimal number is then data, not a header: its columns are named column1, column2, ...
   */
  readonly rowTime?: boolean;
  /**
   * Input columns; default every column but the time column and `exclude` whose first non-empty cell is
   * a number (read ahead up to LOOKAHEAD_ROWS rows; a column empty that long is an error naming it).
   */
  readonly columns?: readonly string[];
  readonly exclude?: readonly string[];
  /** Longest line accepted (default MAX_LINE_CHARS). */
  readonly maxLineChars?: number;
  /**
   * A data row that cannot be read (a time that is not one, a cell that is not a number, a wrong number of
   * fields) goes here and the reading goes on; without it, such a row is an error that ends the reading.
   * Errors of the file as a whole (no header, no time column, no input column) always end it.
   */
  readonly onBadRow?: (error: CsvError) => void;
}

export interface SeriesRow {
  /** 1-based line number in the file. */
  readonly line: number;
  /** The time cell as written. */
  readonly timestampText: string;
  readonly timestamp: number;
  /** NaN where a cell was empty. */
  readonly values: number[];
  /** All cells of the row, by header name (for labels such as SKAB's `anomaly`). */
  readonly cells: readonly string[];
}

export interface SeriesHeader {
  readonly header: readonly string[];
  readonly delimiter: string;
  /** Empty with `rowTime`. */
  readonly timeColumn: string;
  readonly columns: readonly string[];
}

/** What kind of problem a CsvError is: `text`, a cell of an input column that is not a number; `other`, the rest. */
export type CsvProblem = "text" | "other";

export class CsvError extends InputError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: string | null,
    /** What is wrong, without the place. */
    readonly reason: string,
    readonly problem: CsvProblem = "other",
  ) {
    super(`${file}:${line}${column === null ? "" : ` column ${JSON.stringify(column)}`}: ${reason}`);
    this.name = "CsvError";
  }
}

/** A data line as split: its line number in the file and its place among the data lines (1-based). */
interface DataLine {
  readonly line: number;
  readonly ordinal: number;
  readonly cells: string[];
}

/** Rows read ahead to find each column's first non-empty cell before choosing the inputs. */
export const LOOKAHEAD_ROWS = 10_000;

/** Spellings of a missing value (R's NA, pandas' NaN, SQL's NULL, a spreadsheet's #N/A), case aside. */
const MISSING_VALUES = new Set(["na", "n/a", "nan", "null", "none", "#n/a"]);

/**
 * Whether a cell says "no value": empty, or a usual spelling of a missing value. The inputs are chosen by
 * their first cell that is not, so a series whose first reading is missing keeps its column; such a cell
 * reads as NaN, a missing value the detector refuses or imputes (`missing=impute`) like an empty one.
 */
export function isMissingText(cell: string): boolean {
  const t = cell.trim();
  return t === "" || MISSING_VALUES.has(t.toLowerCase());
}

/**
 * The time column when none is named: "timestamp", else "datetime" (any case); else "time" or "date" when the
 * header has one of them and not both (a date and a time of day in two columns are not one time).
 */
export function defaultTimeColumn(header: readonly string[]): number {
  const at = (name: string) => header.findIndex((h) => h.toLowerCase() === name);
  for (const name of ["timestamp", "datetime"]) if (at(name) >= 0) return at(name);
  const time = at("time");
  const date = at("date");
  return time >= 0 && date >= 0 ? -1 : Math.max(time, date);
}

/** A number written with a decimal comma (`1,5`, `-0,25`), as spreadsheets of comma-decimal locales write it. */
const DECIMAL_COMMA = /^\s*[+-]?\d+,\d+\s*$/;

/**
 * A cell as number text: in a `;`-separated file a decimal comma is read as a decimal point (`1,5` is 1.5), the
 * way the spreadsheets that separate with `;` write numbers; in a `,`-separated file a cell is taken as it is.
 */
export function numberText(cell: string, delimiter: string): string {
  return delimiter === ";" && DECIMAL_COMMA.test(cell) ? cell.replace(",", ".") : cell;
}

/**
 * The input columns when none are named: those whose first cell among `rows` that is not missing
 * (`isMissingText`) is a number. A candidate with no value in any of them cannot be decided: an error names it.
 */
function chooseColumns(
  file: string,
  header: readonly string[],
  timeIndex: number,
  exclude: readonly string[],
  rows: readonly { line: number; cells: string[] }[],
  delimiter: string,
): number[] {
  const chosen: number[] = [];
  for (let i = 0; i < header.length; i++) {
    if (i === timeIndex || exclude.includes(header[i])) continue;
    const first = rows.find((r) => !isMissingText(r.cells[i]));
    if (first === undefined) {
      throw new CsvError(
        file,
        rows[rows.length - 1].line,
        header[i],
        `no value (only empty or missing-value cells) in the first ${rows.length} data row(s), so it is unclear whether it is an input: name the inputs with --columns or leave it out with --exclude ${JSON.stringify(header[i])}`,
      );
    }
    const cell = numberText(first.cells[i], delimiter).trim();
    if (isDecimalText(cell)) chosen.push(i);
    // 0x10, 0b1, Infinity: Number reads them, a person meant something else; neither input nor text
    else if (Number.isFinite(Number(cell)) || /^[+-]?Infinity$/.test(cell))
      throw new CsvError(file, first.line, header[i], `not a decimal number: ${JSON.stringify(cell)}`);
    // 1e999: a number too large to hold, not a text column
    else if (hasDecimalSyntax(cell)) throw new CsvError(file, first.line, header[i], `not a finite number: ${JSON.stringify(cell)}`);
  }
  return chosen;
}

/** The columns read as text and their first values, e.g. ` (read as text: value "1,5", a decimal comma)`. */
function textColumnsNote(header: readonly string[], timeIndex: number, exclude: readonly string[], rows: readonly DataLine[]): string {
  const left = header.filter((h) => exclude.includes(h));
  const leftOut = left.length === 0 ? "" : ` (left out with --exclude: ${left.map((h) => JSON.stringify(h)).join(", ")})`;
  const shown: string[] = [];
  for (let i = 0; i < header.length && shown.length < 5; i++) {
    const first = i === timeIndex || exclude.includes(header[i]) ? undefined : rows.find((r) => !isMissingText(r.cells[i]));
    if (!first) continue;
    const cell = first.cells[i].trim();
    shown.push(`${JSON.stringify(header[i])} ${JSON.stringify(cell)}${DECIMAL_COMMA.test(cell) ? " (a decimal comma: numbers need a point)" : ""}`);
  }
  return (shown.length === 0 ? "" : ` (read as text: ${shown.join(", ")})`) + leftOut;
}

export async function* readSeries(spec: SeriesSpec, onHeader?: (h: SeriesHeader) => void): AsyncGenerator<SeriesRow> {
  const file = displayName(spec.file);
  if (spec.rowTime && spec.timeColumn !== undefined) throw new InputError("give a time column or row time, not both");
  if (spec.file !== STDIN_PATH) {
    if (!existsSync(file)) throw new InputError(`${file}: no such file`);
    // a named pipe or a shell's process substitution (`<(zcat x.gz)`, /dev/fd/63) streams like a file
    if (statSync(file).isDirectory()) throw new InputError(`${file}: is a folder, not a file`);
  }
  let lineNo = 0;
  let header: string[] | null = null;
  let delimiter = spec.delimiter ?? ",";
  let timeIndex = -1;
  let columnIndexes: number[] | null = null;
  let names: string[] = [];
  // rows read ahead while the inputs are not yet decided, with their line numbers
  const ahead: DataLine[] = [];

  const decide = (): void => {
    const h = header as string[];
    columnIndexes = spec.columns ? spec.columns.map((c) => h.indexOf(c)) : chooseColumns(file, h, timeIndex, spec.exclude ?? [], ahead, delimiter);
    if (columnIndexes.length === 0)
      throw new CsvError(file, ahead[0].line, null, `no numeric column to use as input${textColumnsNote(h, timeIndex, spec.exclude ?? [], ahead)}`);
    names = columnIndexes.map((i) => h[i]);
    onHeader?.({ header: h, delimiter, timeColumn: timeIndex < 0 ? "" : h[timeIndex], columns: names });
  };
  // candidate columns whose cells have all been empty so far
  let waiting: Set<number> | null = null;
  // data lines so far, read or not: with rowTime the k-th is at time k
  let dataLines = 0;
  const readRow = ({ line, ordinal, cells }: DataLine): SeriesRow => {
    const h = header as string[];
    const timestampText = spec.rowTime ? String(ordinal) : cells[timeIndex].trim();
    const timestamp = spec.rowTime ? ordinal : parseTimestamp(timestampText);
    if (!Number.isFinite(timestamp)) {
      throw new CsvError(
        file,
        line,
        h[timeIndex],
        `cannot read time ${JSON.stringify(timestampText)} (expected ISO-8601 such as 2024-01-31 23:30:00, or epoch milliseconds)`,
      );
    }
    const values = (columnIndexes as number[]).map((i, k) => {
      const cell = numberText(cells[i], delimiter);
      if (isMissingText(cell)) return NaN;
      if (!isDecimalText(cell)) throw new CsvError(file, line, names[k], `not a number: ${JSON.stringify(cell)}`, "text");
      return Number(cell);
    });
    return { line, timestampText, timestamp, values, cells };
  };
  const rowsOf = function* (lines: DataLine[]): Generator<SeriesRow> {
    for (const l of lines) {
      const row = toRow(l);
      if (row) yield row;
    }
  };
  // a row that cannot be read: an error, or a report to onBadRow and no row
  const badRow = (e: unknown): null => {
    if (!(e instanceof CsvError) || !spec.onBadRow) throw e;
    spec.onBadRow(e);
    return null;
  };
  const toRow = (l: DataLine): SeriesRow | null => {
    try {
      return readRow(l);
    } catch (e) {
      return badRow(e);
    }
  };

  for await (const raw of readLines(spec.file, spec.maxLineChars)) {
    lineNo++;
    const text = lineNo === 1 ? raw.replace(/^\uFEFF/, "") : raw;
    if (text.trim() === "") continue;
    let dataLine = false;
    if (header === null) {
      // UTF-16 (a spreadsheet's "Unicode text") read as UTF-8: a NUL byte beside every ASCII character
      if (text.includes("\u0000")) throw new CsvError(file, lineNo, null, "the header holds NUL bytes: the file looks UTF-16 encoded; save it as UTF-8 CSV");
      if (!spec.delimiter) delimiter = text.includes(";") && !text.includes(",") ? ";" : ",";
      header = splitCsvLine(text, delimiter).map((h) => h.trim());
      dataLine = spec.rowTime === true && header.every((h) => isDecimalText(numberText(h, delimiter)));
      if (dataLine) header = header.map((_, i) => `column${i + 1}`);
      const fields = header;
      const twice = fields.findIndex((h, i) => h !== "" && fields.indexOf(h) < i);
      if (twice >= 0) {
        const name = fields[twice];
        throw new CsvError(
          file,
          lineNo,
          name,
          `names fields ${fields.indexOf(name) + 1} and ${twice + 1} of the header: rename one (columns are told apart by name)`,
        );
      }
      const wanted = spec.timeColumn;
      timeIndex = spec.rowTime ? -1 : wanted ? header.indexOf(wanted) : defaultTimeColumn(header);
      if (timeIndex < 0 && !spec.rowTime) {
        throw new CsvError(
          file,
          lineNo,
          null,
          wanted
            ? `no time column ${JSON.stringify(wanted)} in header (${header.join(", ")})`
            : `no time column: expected "timestamp", "datetime", "time" or "date" in header (${header.join(", ")}); name it with --time-column, or give --no-time if the rows carry no time`,
        );
      }
      for (const c of [...(spec.columns ?? []), ...(spec.exclude ?? [])]) {
        if (!header.includes(c)) throw new CsvError(file, lineNo, c, `no such column in header (${header.join(", ")})`);
      }
      for (const [k, c] of (spec.columns ?? []).entries()) {
        if (timeIndex >= 0 && c === header[timeIndex]) throw new CsvError(file, lineNo, c, "is the time column, not an input");
        if (spec.columns?.indexOf(c) !== k) throw new CsvError(file, lineNo, c, "named twice as an input");
      }
      const h = header;
      waiting = new Set(spec.columns ? [] : h.map((_, i) => i).filter((i) => i !== timeIndex && !(spec.exclude ?? []).includes(h[i])));
      if (!dataLine) continue;
    }
    const cells = splitCsvLine(text, delimiter);
    const ordinal = ++dataLines;
    // quotes pair up ("" inside a quoted field is two); an odd count leaves a field open past the line's end
    if (text.includes('"') && (text.split('"').length - 1) % 2 === 1) {
      badRow(new CsvError(file, lineNo, null, "a quote is not closed on this line (a field cannot span lines)"));
      continue;
    }
    if (cells.length !== header.length) {
      badRow(new CsvError(file, lineNo, null, `expected ${header.length} fields, got ${cells.length}`));
      continue;
    }
    if (columnIndexes === null) {
      ahead.push({ line: lineNo, ordinal, cells });
      for (const i of [...(waiting as Set<number>)]) if (!isMissingText(cells[i])) (waiting as Set<number>).delete(i);
      if ((waiting as Set<number>).size > 0 && ahead.length < LOOKAHEAD_ROWS) continue;
      decide();
      yield* rowsOf(ahead.splice(0));
      continue;
    }
    const row = toRow({ line: lineNo, ordinal, cells });
    if (row) yield row;
  }
  if (header === null) throw new InputError(`${file}: empty file (no header)`);
  if (columnIndexes === null && ahead.length > 0) {
    decide();
    yield* rowsOf(ahead.splice(0));
  }
  if (columnIndexes === null)
    throw new InputError(
      dataLines > 0 ? `${file}: none of its ${dataLines} data row(s) could be read (each is named above)` : `${file}: header but no data rows`,
    );
}
