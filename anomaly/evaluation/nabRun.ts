import { existsSync, readdirSync, statSync } from "fs";
import { join } from "path";
import { InputError } from "../errors";
import { readNabLabels } from "./nabLabels";
import { runSeries } from "../io/runSeries";
import { DetectorOptions } from "../types";
import { CorpusFigures, LabelledSeries, corpusFigures } from "./nabScore";
import { WindowOutcome, outcomesText, windowOutcomes } from "./windowOutcomes";

export interface NabFileResult {
  readonly file: string;
  readonly rows: number;
  readonly windows: number;
  readonly detections: number;
  /** Windows the detector's own decisions found, and its alarms outside them after the probationary rows. */
  readonly windowsFound: number;
  readonly falseAlarms: number;
  /** Per window: where the first alarm fell (share of the window; null when missed), the alarms, the peak score. */
  readonly windowOutcomes: WindowOutcome[];
}

export interface NabReport extends CorpusFigures {
  readonly benchmark: "NAB";
  readonly detector: string;
  readonly options: DetectorOptions;
  readonly perFile: NabFileResult[];
}

/** A NAB-layout folder's files scored by a detector: the corpus, the detector's decisions, per-file counts. */
export interface NabRun {
  readonly corpus: LabelledSeries[];
  readonly decisions: boolean[][];
  readonly perFile: NabFileResult[];
}

/** Streams every labelled file of a NAB-layout folder (data/<category>/*.csv + labels/combined_windows.json) through a fresh detector. */
export async function runNab(dir: string, detector: string, options: DetectorOptions, progress: (message: string) => void = () => {}): Promise<NabRun> {
  const layout = "a NAB layout: data/<category>/*.csv, labels/combined_windows.json";
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`${dir}: not a folder (expected ${layout})`);
  const labelsFile = join(dir, "labels", "combined_windows.json");
  if (!existsSync(labelsFile)) throw new InputError(`${labelsFile}: not found (expected ${layout})`);
  const labels = readNabLabels(labelsFile);
  const names = Object.keys(labels)
    .filter((k) => existsSync(join(dir, "data", k)))
    .sort();
  if (names.length === 0) throw new InputError(`${dir}: no labelled data file found under data/`);
  if (names.every((k) => labels[k].length === 0))
    throw new InputError(`${labelsFile}: no window in the ${names.length} file(s) scored: a NAB score needs at least one labelled window`);
  notePartialCorpus(dir, labelsFile, Object.keys(labels), names, "the scores are over", progress);
  const corpus: LabelledSeries[] = [];
  const decisions: boolean[][] = [];
  const perFile: NabFileResult[] = [];
  for (const [k, name] of names.entries()) {
    const timestamps: number[] = [];
    const scores: number[] = [];
    const flags: boolean[] = [];
    await runSeries({ file: join(dir, "data", name) }, detector, options, ({ row, result }) => {
      timestamps.push(row.timestamp);
      scores.push(result.score);
      flags.push(result.anomaly);
    });
    const windows = labels[name];
    corpus.push({ name, timestamps, scores, windows });
    decisions.push(flags);
    const outcomes = windowOutcomes(corpus[corpus.length - 1], flags);
    perFile.push({
      file: name,
      rows: timestamps.length,
      windows: windows.length,
      detections: flags.filter(Boolean).length,
      windowsFound: outcomes.found,
      falseAlarms: outcomes.falseAlarms,
      windowOutcomes: outcomes.windows,
    });
    progress(`[${k + 1}/${names.length}] ${name}: ${timestamps.length} rows, ${flags.filter(Boolean).length} flagged; ${outcomesText(outcomes)}`);
  }
  return { corpus, decisions, perFile };
}

/**
 * Says what a partial corpus leaves out: labelled series without a file (a subset of the corpus is scored as a
 * corpus of its own, and its figures are not the corpus's), and data files the labels do not name.
 * `over` words what the rest is: "the scores are over" N files.
 */
export function notePartialCorpus(
  dir: string,
  labelsFile: string,
  keys: readonly string[],
  names: readonly string[],
  over: string,
  progress: (message: string) => void,
): void {
  if (names.length < keys.length)
    progress(`${keys.length - names.length} of ${keys.length} labelled series have no file under data/ and are left out: ${over} ${names.length} files`);
  const labelled = new Set(keys);
  const unlabelled = dataFiles(join(dir, "data")).filter((k) => !labelled.has(k));
  if (unlabelled.length > 0) {
    const shown = unlabelled.slice(0, 5).join(", ") + (unlabelled.length > 5 ? ", ..." : "");
    progress(`${unlabelled.length} file(s) under data/ have no entry in ${labelsFile} and are left out: ${shown}`);
  }
}

/** `<category>/<file>.csv` of every CSV file one folder down in `dataDir`. */
function dataFiles(dataDir: string): string[] {
  if (!existsSync(dataDir)) return [];
  const out: string[] = [];
  for (const category of readdirSync(dataDir, { withFileTypes: true })) {
    if (!category.isDirectory() && !(category.isSymbolicLink() && statSync(join(dataDir, category.name), { throwIfNoEntry: false })?.isDirectory())) continue;
    for (const file of readdirSync(join(dataDir, category.name), { withFileTypes: true })) {
      // a symbolic link counts as the file it names (the scoring reads through it)
      if ((file.isFile() || file.isSymbolicLink()) && file.name.toLowerCase().endsWith(".csv")) out.push(`${category.name}/${file.name}`);
    }
  }
  return out.sort();
}

/** Runs a detector over a NAB-layout folder and scores it per profile. */
export async function evaluateNab(dir: string, detector: string, options: DetectorOptions, progress: (message: string) => void = () => {}): Promise<NabReport> {
  const { corpus, decisions, perFile } = await runNab(dir, detector, options, progress);
  return { benchmark: "NAB", detector, options, ...corpusFigures(corpus, decisions), perFile };
}
