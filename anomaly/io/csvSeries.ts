import { createReadStream, existsSync, statSync } from "fs";
import { createInterface } from "readline";
import { InputError } from "../errors";

/**
 * Reads a time series CSV line by line (never the whole file at once): a header naming a time column
 * and numeric columns. Errors name the file, the line and the column.
 */
export interface SeriesSpec {
  readonly file: string;
  /** "," or ";" (default: guessed from the header). */
  readonly delimiter?: string;
  /** Default: "timestamp", else "datetime" (case-insensitive). */
  readonly timeColumn?: string;
  /** Input columns; default all numeric columns of the first row except the time column and `exclude`. */
  readonly columns?: readonly string[];
  readonly exclude?: readonly string[];
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
  readonly timeColumn: string;
  readonly columns: readonly string[];
}

export class CsvError extends InputError {
  constructor(file: string, line: number, column: string | null, message: string) {
    super(`${file}:${line}${column === null ? "" : ` column ${JSON.stringify(column)}`}: ${message}`);
    this.name = "CsvError";
  }
}

/** Splits one CSV line; double-quoted fields may contain the delimiter and "" for a quote. */
export function splitCsvLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Milliseconds since the epoch for ISO-like text (no zone: UTC), or the number itself for numeric text. */
export function parseTimestamp(text: string): number {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  let iso = t.replace(" ", "T");
  // fractions beyond milliseconds (NAB writes microseconds) are cut to what Date parses
  iso = iso.replace(/(\.\d{3})\d+/, "$1");
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(iso) && /T/.test(iso)) iso += "Z";
  return Date.parse(iso);
}

function isNumericText(text: string): boolean {
  const t = text.trim();
  return t !== "" && Number.isFinite(Number(t));
}

export async function* readSeries(spec: SeriesSpec, onHeader?: (h: SeriesHeader) => void): AsyncGenerator<SeriesRow> {
  const { file } = spec;
  if (!existsSync(file)) throw new InputError(`${file}: no such file`);
  if (!statSync(file).isFile()) throw new InputError(`${file}: not a file`);
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  let lineNo = 0;
  let header: string[] | null = null;
  let delimiter = spec.delimiter ?? ",";
  let timeIndex = -1;
  let columnIndexes: number[] = [];
  let names: string[] = [];
  for await (const raw of lines) {
    lineNo++;
    const text = lineNo === 1 ? raw.replace(/^\uFEFF/, "") : raw;
    if (text.trim() === "") continue;
    if (header === null) {
      if (!spec.delimiter) delimiter = text.includes(";") && !text.includes(",") ? ";" : ",";
      header = splitCsvLine(text, delimiter).map((h) => h.trim());
      const wanted = spec.timeColumn;
      timeIndex = wanted
        ? header.indexOf(wanted)
        : header.findIndex((h) => /^(timestamp|datetime)$/i.test(h));
      if (timeIndex < 0) {
        throw new CsvError(file, lineNo, null, wanted
          ? `no time column ${JSON.stringify(wanted)} in header (${header.join(", ")})`
          : `no time column: expected "timestamp" or "datetime" in header (${header.join(", ")}); name it with --time-column`);
      }
      for (const c of [...(spec.columns ?? []), ...(spec.exclude ?? [])]) {
        if (!header.includes(c)) throw new CsvError(file, lineNo, c, `no such column in header (${header.join(", ")})`);
      }
      continue;
    }
    const cells = splitCsvLine(text, delimiter);
    if (cells.length !== header.length) {
      throw new CsvError(file, lineNo, null, `expected ${header.length} fields, got ${cells.length}`);
    }
    if (columnIndexes.length === 0) {
      const h = header;
      columnIndexes = spec.columns
        ? spec.columns.map((c) => h.indexOf(c))
        : h.map((_, i) => i).filter((i) => i !== timeIndex && !(spec.exclude ?? []).includes(h[i]) && isNumericText(cells[i]));
      if (columnIndexes.length === 0) throw new CsvError(file, lineNo, null, "no numeric column to use as input");
      names = columnIndexes.map((i) => h[i]);
      onHeader?.({ header: h, delimiter, timeColumn: h[timeIndex], columns: names });
    }
    const timestampText = cells[timeIndex].trim();
    const timestamp = parseTimestamp(timestampText);
    if (!Number.isFinite(timestamp)) {
      throw new CsvError(file, lineNo, header[timeIndex], `cannot read time ${JSON.stringify(timestampText)}`);
    }
    const values = columnIndexes.map((i, k) => {
      const cell = cells[i];
      if (cell.trim() !== "" && !isNumericText(cell)) {
        throw new CsvError(file, lineNo, names[k], `not a number: ${JSON.stringify(cell)}`);
      }
      return cell.trim() === "" ? NaN : Number(cell);
    });
    yield { line: lineNo, timestampText, timestamp, values, cells };
  }
  if (header === null) throw new InputError(`${file}: empty file (no header)`);
  if (columnIndexes.length === 0) throw new InputError(`${file}: header but no data rows`);
}
