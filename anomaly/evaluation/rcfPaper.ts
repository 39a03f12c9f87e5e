import { existsSync, readFileSync } from "fs";
import { InputError } from "../errors";
import { createDetector } from "../registry";
import { DetectorOptions } from "../types";
import { probationaryLength } from "./nabScore";

/**
 * The random cut forest paper's example (aws/random-cut-forest-by-aws example-data/rcf-paper.csv): three
 * inputs, two tight clusters at x = -5 and x = +5 (the other two inputs are noise of deviation 0.01) and a
 * few isolated points between them. Streamed in file order (timestamp = row number), every isolated point
 * should score above the 99th percentile of the cluster points. Warm-up is NAB's probationary period.
 */
export interface RcfPaperReport {
  readonly rows: number;
  readonly warmUp: number;
  /** 1-based rows of the isolated points (first input between the clusters). */
  readonly isolated: number[];
  /** The isolated points' scores, in row order. */
  readonly scores: number[];
  /** 99th percentile of the cluster points' scores (all rows but the isolated). */
  readonly clusterP99: number;
  /** Isolated points after warm-up scoring above clusterP99, and how many there are. */
  readonly caught: number;
  readonly afterWarmUp: number;
  /** The same for every isolated point, warm-up included. */
  readonly caughtAll: number;
}

/** Between the clusters: the first input at least halfway from both cluster centres. */
const isIsolated = (x: number): boolean => Math.abs(x) < 2.5;

export function readRcfPaper(file: string): number[][] {
  if (!existsSync(file)) throw new InputError(`${file}: no such file`);
  return readFileSync(file, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "")
    .map((line, i) => {
      const values = line.split(",").map(Number);
      if (values.length !== 3 || !values.every(Number.isFinite)) throw new InputError(`${file}:${i + 1}: expected three numbers, got ${JSON.stringify(line)}`);
      return values;
    });
}

/** p-quantile (nearest rank, as numpy's "lower") of unsorted values. */
export function quantileOf(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
}

export function evaluateRcfPaper(file: string, detector: string, options: DetectorOptions): RcfPaperReport {
  const points = readRcfPaper(file);
  const d = createDetector(detector, 3, options);
  const scores = points.map((values, i) => d.process({ timestamp: i + 1, values }).score);
  const isolated = points.map((p, i) => (isIsolated(p[0]) ? i : -1)).filter((i) => i >= 0);
  const clusterP99 = quantileOf(
    scores.filter((_, i) => !isIsolated(points[i][0])),
    0.99,
  );
  const warmUp = probationaryLength(points.length);
  const late = isolated.filter((i) => i >= warmUp);
  return {
    rows: points.length,
    warmUp,
    isolated: isolated.map((i) => i + 1),
    scores: isolated.map((i) => scores[i]),
    clusterP99,
    caught: late.filter((i) => scores[i] > clusterP99).length,
    afterWarmUp: late.length,
    caughtAll: isolated.filter((i) => scores[i] > clusterP99).length,
  };
}
