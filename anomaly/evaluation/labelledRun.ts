import { existsSync, readdirSync, readFileSync, statSync } from "fs";
import { join } from "path";
import { outcomesText, windowOutcomes } from "./windowOutcomes";
import { InputError } from "../errors";
import { parseTimestamp } from "../io/csvSeries";
import { runSeries } from "../io/runSeries";
import { DetectorOptions } from "../types";
import { LabelledRun, LabelledScores, scoreLabelled, windowsFromLabels } from "./labelledScore";
import { labelText } from "./nabLabels";

/**
 * A generic labelled-CSV set: a folder of CSVs, each with a time column, numeric inputs and a per-row
 * `label` column (1 = anomalous; never an input), plus optionally
 * - `labels_windows.json`: NAB-style windows per file, `{ "file.csv": [["start", "end"], ...] }` (without it,
 *   one window per run of labelled rows);
 * - `meta.json`: `{ "file.csv": { "unlabelled_prefix_rows": N } }`, rows the detector warms up on that no
 *   measure counts (a training split nobody labelled).
 */
export const LABEL_COLUMN = "label";
export const WINDOWS_FILE = "labels_windows.json";
export const META_FILE = "meta.json";

export interface LabelledReport extends LabelledScores {
  readonly benchmark: "labelled";
  readonly detector: string;
  readonly options: DetectorOptions;
}

interface Layout {
  readonly files: readonly string[];
  readonly windows?: Record<string, unknown>;
  readonly meta: Record<string, unknown>;
}

function readJson(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new InputError(`${path}: expected an object keyed by file name`);
  return parsed as Record<string, unknown>;
}

export function readLayout(dir: string): Layout {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`--labelled ${dir}: not a folder`);
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith(".csv"))
    .sort();
  if (files.length === 0) throw new InputError(`--labelled ${dir}: no .csv file in it`);
  const windowsPath = join(dir, WINDOWS_FILE);
  const metaPath = join(dir, META_FILE);
  const windows = existsSync(windowsPath) ? readJson(windowsPath) : undefined;
  if (windows) {
    const missing = files.filter((f) => !(f in windows));
    if (missing.length > 0) throw new InputError(`${windowsPath}: no windows for ${missing.join(", ")} (give [] for a file without anomalies)`);
    // an entry for no file of the folder (a misspelt name) would leave that file's anomalies unscored
    const ghosts = Object.keys(windows).filter((f) => !files.includes(f));
    if (ghosts.length > 0) throw new InputError(`${windowsPath}: ${ghosts.join(", ")}: no such .csv in the folder (${files.join(", ")})`);
    // every file's windows are checked before anything is scored
    for (const f of files) windowsOf(windows, f, windowsPath);
  }
  const meta = existsSync(metaPath) ? readJson(metaPath) : {};
  const problem = metaProblem(meta, files);
  if (problem) throw new InputError(`${metaPath}: ${problem}`);
  return { files, windows, meta };
}

/**
 * What is wrong with meta.json's entries, or undefined: each must name a CSV of the folder and be an object
 * (other fields, such as row counts, are descriptions and are not read); a field that names a prefix by
 * another spelling is refused, since the rows it meant would be scored as labelled rows.
 */
export function metaProblem(meta: Record<string, unknown>, files: readonly string[]): string | undefined {
  for (const [file, entry] of Object.entries(meta)) {
    if (!files.includes(file)) return `${file}: no such .csv in the folder (${files.join(", ")})`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry))
      return `${file}: expected an object such as {"unlabelled_prefix_rows": N}, got ${labelText(entry)}`;
    const misspelt = Object.keys(entry).find((k) => k !== "unlabelled_prefix_rows" && /prefix/i.test(k));
    if (misspelt !== undefined) return `${file}: unknown field ${JSON.stringify(misspelt)} (the prefix is "unlabelled_prefix_rows")`;
  }
  return undefined;
}

/** The file's unlabelled prefix from meta.json (0 when absent), checked against its row count. */
export function prefixOf(meta: Record<string, unknown>, file: string, rows: number, source = META_FILE): number | undefined {
  const entry = meta[file];
  if (entry === undefined) return undefined;
  const n = (entry as Record<string, unknown>)?.unlabelled_prefix_rows;
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || (n as number) < 0 || (n as number) >= rows) {
    throw new InputError(`${source}: ${file}: unlabelled_prefix_rows must be an integer in [0, ${rows - 1}] (the file has ${rows} rows), got ${labelText(n)}`);
  }
  return n as number;
}

/**
 * The file's windows from labels_windows.json as epoch ms, in time order (the scorer walks them so), each checked
 * to be a [start, end] pair of times in order; windows that overlap are refused, naming both (NAB's windows never
 * do, and the scorer would count the second as missed).
 */
export function windowsOf(windows: Record<string, unknown>, file: string, source = WINDOWS_FILE): [number, number][] {
  const list = windows[file];
  if (!Array.isArray(list)) throw new InputError(`${source}: ${file}: expected a list of [start, end] pairs, got ${labelText(list)}`);
  const parsed = list.map((w, k) => {
    const pair = Array.isArray(w) && w.length === 2 ? w.map((t) => (typeof t === "string" || typeof t === "number" ? parseTimestamp(String(t)) : NaN)) : [];
    if (pair.length !== 2 || !pair.every(Number.isFinite) || pair[0] > pair[1]) {
      throw new InputError(`${source}: ${file}: window ${k} must be [start, end] times with start <= end, got ${labelText(w)}`);
    }
    return { k, w, span: [pair[0], pair[1]] as [number, number] };
  });
  parsed.sort((a, b) => a.span[0] - b.span[0] || a.k - b.k);
  for (let i = 1; i < parsed.length; i++) {
    const [before, after] = [parsed[i - 1], parsed[i]];
    if (after.span[0] <= before.span[1]) {
      throw new InputError(`${source}: ${file}: windows ${before.k} ${labelText(before.w)} and ${after.k} ${labelText(after.w)} overlap: merge them into one`);
    }
  }
  return parsed.map((p) => p.span);
}

/**
 * Where a file's windows and its label column disagree, or undefined: labelled rows outside every window, and
 * windows holding no labelled row.
 */
export function labelsOutsideWindows(timestamps: readonly number[], labels: readonly boolean[], windows: readonly [number, number][]): string | undefined {
  const inside = (t: number) => windows.some(([a, b]) => t >= a && t <= b);
  const outside = timestamps.filter((t, i) => labels[i] && !inside(t)).length;
  const empty = windows.filter(([a, b]) => !timestamps.some((t, i) => labels[i] && t >= a && t <= b)).length;
  const parts = [
    ...(outside > 0 ? [`${outside} labelled row(s) outside every window`] : []),
    ...(empty > 0 ? [`${empty} window(s) without a labelled row`] : []),
  ];
  return parts.length > 0 ? parts.join(", ") : undefined;
}

/** Streams every file of a labelled folder through a fresh detector and keeps what the scorers need. */
export async function runLabelled(dir: string, detector: string, options: DetectorOptions, progress: (m: string) => void = () => {}): Promise<LabelledRun[]> {
  const layout = readLayout(dir);
  const runs: LabelledRun[] = [];
  for (const [k, name] of layout.files.entries()) {
    const file = join(dir, name);
    const timestamps: number[] = [];
    const scores: number[] = [];
    const flags: boolean[] = [];
    const labels: boolean[] = [];
    let labelIndex = -1;
    await runSeries({ file, exclude: [LABEL_COLUMN] }, detector, options, ({ row, result }, header) => {
      if (labelIndex < 0) labelIndex = header.header.indexOf(LABEL_COLUMN);
      const cell = row.cells[labelIndex].trim();
      if (cell !== "0" && cell !== "1") throw new InputError(`${file}:${row.line} column "${LABEL_COLUMN}": expected 0 or 1, got ${JSON.stringify(cell)}`);
      timestamps.push(row.timestamp);
      scores.push(result.score);
      flags.push(result.anomaly);
      labels.push(cell === "1");
    });
    const prefix = prefixOf(layout.meta, name, timestamps.length, join(dir, META_FILE));
    const windows = layout.windows ? windowsOf(layout.windows, name, join(dir, WINDOWS_FILE)) : windowsFromLabels(timestamps, labels);
    runs.push({ name, timestamps, scores, flags, labels, prefix, windows });
    const outcomes = windowOutcomes({ name, timestamps, scores, windows, probationary: prefix }, flags);
    progress(`[${k + 1}/${layout.files.length}] ${name}: ${timestamps.length} rows, ${flags.filter(Boolean).length} flagged; ${outcomesText(outcomes)}`);
    if (layout.windows) {
      const disagreement = labelsOutsideWindows(timestamps, labels, windows);
      if (disagreement) progress(`warning: ${name}: ${disagreement} (NAB scores read the windows, F1 the labels)`);
    }
  }
  return runs;
}

export async function evaluateLabelled(dir: string, detector: string, options: DetectorOptions, progress?: (m: string) => void): Promise<LabelledReport> {
  const runs = await runLabelled(dir, detector, options, progress);
  return { benchmark: "labelled", detector, options, ...scoreLabelled(runs) };
}
