import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { InputError } from "../errors";
import { parseTimestamp } from "../io/timestamp";
import { labelsObject, labelText } from "./nabLabels";
import { notePartialCorpus } from "./nabRun";
import { probationaryLength } from "./nabScore";

/**
 * Short series cut from a NAB-layout corpus: the development files are 1,882 to 22,695 rows long, while many
 * monitored series are shorter, and a detector's first thousand points weigh more in them. One crop of `length`
 * rows per labelled anomaly, the anomaly `at` that share of the way in (a file without anomalies gives its first
 * `length` rows). Each crop is labelled as NAB labels a file: 10% of its rows shared among the anomalies in it,
 * a window centred on each, overlapping windows merged, a window that starts inside the probationary rows
 * (probationaryLength) dropped. NAB's labeler drops only a first such window, before merging, and merges in
 * pairs; the two agree window for window on NAB's 18 files whole (tested). An anomaly inside another's crop is
 * labelled there too, so a corpus of crops can hold more windows than anomalies.
 */
export interface CropPlan {
  /** First data row (from 0) and the row after the last. */
  readonly start: number;
  readonly end: number;
  /** NAB windows as first and last row of the crop (inclusive). */
  readonly windows: [number, number][];
}

/** The lowest `at`: the anomaly's own window (a twentieth of the crop, or less) then starts after the probationary 15%. */
export const MIN_CROP_AT = 0.2;

/**
 * Where the crops of a file of `rows` rows with anomalies at `anomalyRows` fall. An anomaly inside a window of an
 * earlier crop gets no crop of its own, nor does one whose window its crop drops (it would start in the
 * probationary rows of a crop held at the file's start).
 */
export function cropPlan(rows: number, anomalyRows: readonly number[], length: number, at: number): CropPlan[] {
  const sorted = [...anomalyRows].sort((a, b) => a - b);
  if (sorted.length === 0) return [planAt(0, Math.min(rows, length), sorted)];
  const plans: CropPlan[] = [];
  for (const row of sorted) {
    if (plans.some((p) => judges(p, row))) continue;
    const start = Math.max(0, Math.min(row - Math.round(at * length), rows - length));
    const plan = planAt(start, Math.min(rows, start + length), sorted);
    if (judges(plan, row)) plans.push(plan);
  }
  return plans;
}

/** Whether the source row `row` lies in one of the crop's windows. */
function judges(p: CropPlan, row: number): boolean {
  return p.windows.some(([first, last]) => row - p.start >= first && row - p.start <= last);
}

/** A window's bound as a time the windows file can hold: the row's time, or an InputError naming the row. */
function timeAt(stamps: readonly string[], row: number, file: string): string {
  if (!Number.isFinite(parseTimestamp(stamps[row])))
    throw new InputError(`${file}:${row + 2}: a window of a crop is bounded here, but the row's time is not ISO-8601: ${labelText(stamps[row])}`);
  return stamps[row];
}

function planAt(start: number, end: number, anomalies: readonly number[]): CropPlan {
  const n = end - start;
  const inside = anomalies.filter((r) => r >= start && r < end).map((r) => r - start);
  const half = inside.length > 0 ? Math.floor(Math.floor((0.1 * n) / inside.length) / 2) : 0;
  const merged: [number, number][] = [];
  for (const r of inside) {
    const [first, last] = [Math.max(0, r - half), Math.min(n - 1, r + half)];
    const previous = merged[merged.length - 1];
    if (previous && first <= previous[1]) previous[1] = Math.max(previous[1], last);
    else merged.push([first, last]);
  }
  return { start, end, windows: merged.filter(([first]) => first >= probationaryLength(n)) };
}

/** A crop as written: its file (under the crops' data/), the source file's, and the source's data rows it holds. */
export interface CropSource {
  readonly crop: string;
  readonly source: string;
  readonly start: number;
  readonly end: number;
}

export interface WrittenCrops {
  readonly dir: string;
  readonly crops: CropSource[];
  readonly windows: number;
  /** A message about the crops' files, with each crop's path (and line) put back as the source file's. */
  sourceText(message: string): string;
  /** Removes the crops' folder. */
  done(): void;
}

/**
 * Writes the crops of the NAB-layout folder `dir` (labels/combined_labels.json names each file's anomalies by
 * time) in NAB's layout into the empty folder `into` (a new temporary folder unless given, so a caller can
 * watch it from before anything is written); `done` removes it, as does an error.
 */
export function writeNabCrops(dir: string, length: number, at: number, progress: (message: string) => void = () => {}, into?: string): WrittenCrops {
  if (!Number.isInteger(length) || length < 100) throw new InputError(`crop length must be an integer of at least 100 rows, got ${length}`);
  if (!(at >= MIN_CROP_AT && at < 1)) throw new InputError(`crop position must be in [${MIN_CROP_AT}, 1), got ${at}`);
  const labelsFile = join(dir, "labels", "combined_labels.json");
  if (!existsSync(labelsFile)) throw new InputError(`${labelsFile}: not found (crops are labelled from each anomaly's time, NAB's combined_labels.json)`);
  const labels = readAnomalyLabels(labelsFile);
  const names = Object.keys(labels).filter((k) => existsSync(join(dir, "data", k)));
  if (names.length === 0) throw new InputError(`${dir}: no labelled data file found under data/`);
  notePartialCorpus(dir, labelsFile, Object.keys(labels), names, "the crops are of", progress);
  if (into !== undefined && readdirSync(into).length > 0) throw new InputError(`${into}: the crops' folder must be empty (it is removed after the run)`);
  const out = into ?? newCropsFolder();
  const windows: Record<string, [string, string][]> = {};
  const crops: CropSource[] = [];
  let total = 0;
  try {
    for (const name of names.sort()) {
      const file = join(dir, "data", name);
      const [header, ...rows] = readFileSync(file, "utf8").trimEnd().split(/\r?\n/);
      // each row's time as written, quotes taken off (the windows file holds plain time strings)
      const stamps = rows.map((r) =>
        r
          .split(",", 1)[0]
          .trim()
          .replace(/^"(.*)"$/, "$1"),
      );
      const anomalyRows = anomalyRowsOf(labels[name], stamps, `${labelsFile}: key ${JSON.stringify(name)}`, file);
      const plans = cropPlan(rows.length, anomalyRows, length, at);
      const unjudged = anomalyRows.filter((r) => !plans.some((p) => judges(p, r)));
      if (unjudged.length > 0)
        progress(
          `${name}: no crop judges the anomaly at data row ${unjudged.map((r) => r + 1).join(", ")} (its window would start in a crop's probationary rows): left out`,
        );
      plans.forEach((plan, k) => {
        // the extension as the source writes it: a.csv and a.CSV are two files, and so are their crops
        const crop = `${name.slice(0, -".csv".length)}_crop${k}${name.slice(-".csv".length)}`;
        mkdirSync(dirname(join(out, "data", crop)), { recursive: true });
        writeFileSync(join(out, "data", crop), [header, ...rows.slice(plan.start, plan.end)].join("\n") + "\n");
        windows[crop] = plan.windows.map(([a, b]) => [timeAt(stamps, plan.start + a, file), timeAt(stamps, plan.start + b, file)]);
        crops.push({ crop, source: name, start: plan.start, end: plan.end });
      });
    }
    total = Object.values(windows).reduce((sum, w) => sum + w.length, 0);
    if (total === 0)
      throw new InputError(
        `${labelsFile}: no crop of ${length} rows holds a window (a NAB score needs one): no anomaly, or each one's window would start in a crop's probationary rows`,
      );
    mkdirSync(join(out, "labels"));
    writeFileSync(join(out, "labels", "combined_windows.json"), JSON.stringify(windows, null, 1));
  } catch (e) {
    rmSync(out, { recursive: true, force: true });
    throw e;
  }
  return {
    dir: out,
    crops,
    windows: total,
    sourceText: (message) => sourceText(message, out, dir, crops),
    done: () => rmSync(out, { recursive: true, force: true }),
  };
}

/** A new, empty temporary folder for crops. */
export function newCropsFolder(): string {
  return mkdtempSync(join(tmpdir(), "gridrail-crops-"));
}

/** Each anomaly time's row: the first row whose time (quoted or not) is the same instant. */
function anomalyRowsOf(times: readonly string[], stamps: readonly string[], where: string, file: string): number[] {
  const rowAt = new Map<number, number>();
  stamps.forEach((s, i) => {
    const t = parseTimestamp(s);
    if (Number.isFinite(t) && !rowAt.has(t)) rowAt.set(t, i);
  });
  return times.map((time) => {
    const t = parseTimestamp(time);
    if (!Number.isFinite(t)) throw new InputError(`${where}: anomaly time ${labelText(time)} is not ISO-8601`);
    const row = rowAt.get(t);
    if (row === undefined) throw new InputError(`${where}: anomaly time ${labelText(time)} is no row's time in ${file}`);
    return row;
  });
}

/** `message` with each crop's path, and a line of it, written as the source file's path and line (the crops are removed after the run). */
function sourceText(message: string, out: string, dir: string, crops: readonly CropSource[]): string {
  let text = message;
  for (const c of crops) {
    const path = join(out, "data", c.crop);
    // the crop's line L (the header is line 1) is the source's line L + start
    text = text.split(path).reduce((done, rest) => {
      const line = /^:(\d+)/.exec(rest);
      const source = join(dir, "data", c.source);
      return line ? `${done}${source}:${Number(line[1]) + c.start}${rest.slice(line[0].length)}` : `${done}${source} (rows ${c.start + 1}-${c.end})${rest}`;
    });
  }
  return text;
}

/** NAB's `labels/combined_labels.json`: `<category>/<file>.csv` -> the anomalies' times. */
function readAnomalyLabels(file: string): Record<string, string[]> {
  const json = labelsObject(file, readFileSync(file, "utf8"), "anomaly times");
  for (const [key, times] of Object.entries(json)) {
    // a key is a data file one folder down: anything else could name a file outside the crops' folder
    const parts = key.split("/");
    if (parts.length !== 2 || parts.some((p) => p === "" || p === "." || p === ".." || p.includes("\\")) || !/\.csv$/i.test(key))
      throw new InputError(`${file}: key ${JSON.stringify(key)}: expected a data file as <category>/<file>.csv`);
    if (!Array.isArray(times) || times.some((t) => typeof t !== "string"))
      throw new InputError(`${file}: key ${JSON.stringify(key)}: expected a list of time strings, got ${labelText(times)}`);
  }
  return json as Record<string, string[]>;
}
