import { existsSync, readdirSync, statSync } from "fs";
import { join, relative } from "path";
import { InputError } from "../errors";
import { runSeries } from "../io/runSeries";
import { DetectorOptions } from "../types";

/**
 * SKAB evaluation (waico/SKAB): every labelled file (a CSV with `anomaly` and `changepoint` columns) is
 * streamed through a fresh detector over all sensor columns; the detector's own `anomaly` decisions
 * (by default the rcf detector with alarm=state, since SKAB labels every point of a fault, not its onset)
 * are compared point by point with the labels, summed over all files: F1, false-alarm rate
 * FP / (FP + TN) and missed-alarm rate FN / (FN + TP), as SKAB's leaderboard reports them.
 */
export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface SkabReport {
  readonly benchmark: "SKAB";
  readonly detector: string;
  readonly options: DetectorOptions;
  readonly files: number;
  readonly rows: number;
  readonly f1: number;
  readonly falseAlarmRate: number;
  readonly missedAlarmRate: number;
  readonly confusion: Confusion;
  readonly perFile: { file: string; rows: number; f1: number }[];
}

export function f1Score(c: Confusion): number {
  const denom = 2 * c.tp + c.fp + c.fn;
  return denom === 0 ? 0 : (2 * c.tp) / denom;
}

/** F1, false-alarm and missed-alarm rates of a confusion count, to three decimals, as SKAB reports them. */
export function pointwiseRates(c: Confusion): { f1: number; falseAlarmRate: number; missedAlarmRate: number } {
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    f1: round(f1Score(c)),
    falseAlarmRate: round(c.fp / Math.max(1, c.fp + c.tn)),
    missedAlarmRate: round(c.fn / Math.max(1, c.fn + c.tp)),
  };
}

function labelledFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".csv") && !name.startsWith("anomaly-free")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export async function evaluateSkab(
  dir: string,
  detector: string,
  options: DetectorOptions,
  progress: (message: string) => void = () => {},
): Promise<SkabReport> {
  if (!existsSync(dir)) throw new InputError(`--skab ${dir}: no such folder`);
  if (!statSync(dir).isDirectory()) throw new InputError(`--skab ${dir}: not a folder (expected SKAB's data folder of labelled csv files)`);
  const files = labelledFiles(dir);
  if (files.length === 0) throw new InputError(`${dir}: no labelled SKAB csv found`);
  const total: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  const perFile: SkabReport["perFile"] = [];
  let rows = 0;
  for (const [k, file] of files.entries()) {
    const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
    let labelIndex = -1;
    const r = await runSeries({ file, exclude: ["anomaly", "changepoint"] }, detector, options, ({ row, result }, header) => {
      if (labelIndex < 0) labelIndex = header.header.indexOf("anomaly");
      if (labelIndex < 0) throw new InputError(`${file}: no "anomaly" label column`);
      const label = Number(row.cells[labelIndex]) >= 0.5;
      if (label && result.anomaly) c.tp++;
      else if (label) c.fn++;
      else if (result.anomaly) c.fp++;
      else c.tn++;
    });
    rows += r.rows;
    (Object.keys(total) as (keyof Confusion)[]).forEach((key) => (total[key] += c[key]));
    const name = relative(dir, file);
    perFile.push({ file: name, rows: r.rows, f1: pointwiseRates(c).f1 });
    progress(`[${k + 1}/${files.length}] ${name}: ${r.rows} rows, F1 ${f1Score(c).toFixed(3)}`);
  }
  return {
    benchmark: "SKAB",
    detector,
    options,
    files: files.length,
    rows,
    ...pointwiseRates(total),
    confusion: total,
    perFile,
  };
}
