import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { InputError } from "../errors";
import { labelText } from "./nabLabels";

/**
 * Short series cut from a NAB-layout corpus: the development files are 1,882 to 22,695 rows long, while many
 * monitored series (and NAB's hourly and traffic files) are shorter, and a detector's first thousand points
 * weigh more in them. One crop of `length` rows per labelled anomaly, the anomaly `at` that share of the way
 * in (a file without anomalies gives its first `length` rows), each labelled as NAB labels a file: a window of
 * 10% of the crop's rows shared among the anomalies after its 15% probationary period, centred on each.
 */
export interface CropPlan {
  /** First row (0-based, after the header) and the row after the last. */
  readonly start: number;
  readonly end: number;
  /** The anomalies inside the crop after its probationary rows, as rows of the crop. */
  readonly anomalies: number[];
  /** NAB windows as first and last row of the crop. */
  readonly windows: [number, number][];
}

/** Where the crops of a file of `rows` rows with anomalies at `anomalyRows` fall (see above). */
export function cropPlan(rows: number, anomalyRows: readonly number[], length: number, at: number): CropPlan[] {
  const plans: CropPlan[] = [];
  const sorted = [...anomalyRows].sort((a, b) => a - b);
  const starts = sorted.length === 0 ? [0] : [];
  for (const row of sorted) {
    // an anomaly already judged inside an earlier crop gets no crop of its own
    if (plans.some((p) => row >= probationEnd(p.start, p.end) && row < p.end)) continue;
    const start = Math.max(0, Math.min(row - Math.round(at * length), rows - length));
    plans.push(planAt(start, Math.min(rows, start + length), sorted));
  }
  for (const start of starts) plans.push(planAt(start, Math.min(rows, start + length), sorted));
  return plans;
}

function planAt(start: number, end: number, anomalies: readonly number[]): CropPlan {
  const inside = anomalies.filter((r) => r >= probationEnd(start, end) && r < end).map((r) => r - start);
  const n = end - start;
  const half = inside.length > 0 ? Math.floor(Math.floor((0.1 * n) / inside.length) / 2) : 0;
  return { start, end, anomalies: inside, windows: inside.map((r) => [Math.max(0, r - half), Math.min(n - 1, r + half)]) };
}

/** NAB's probationary period: the first 15% of a file's rows. */
function probationEnd(start: number, end: number): number {
  return start + Math.floor(0.15 * (end - start));
}

/**
 * Writes the crops of the NAB-layout folder `dir` (labels/combined_labels.json names each file's anomalies) to a
 * new folder of the same layout and returns it; `done` removes it.
 */
export function writeNabCrops(dir: string, length: number, at: number): { dir: string; files: number; windows: number; done: () => void } {
  if (!Number.isInteger(length) || length < 100) throw new InputError(`crop length must be an integer of at least 100 rows, got ${length}`);
  if (!(at >= 0.15 && at < 1)) throw new InputError(`crop position must be in [0.15, 1) (after NAB's probationary 15%), got ${at}`);
  const labelsFile = join(dir, "labels", "combined_labels.json");
  if (!existsSync(labelsFile)) throw new InputError(`${labelsFile}: not found (crops are labelled from each anomaly's time, NAB's combined_labels.json)`);
  const labels = readAnomalyLabels(labelsFile);
  const out = mkdtempSync(join(tmpdir(), "gridrail-crops-"));
  const windows: Record<string, [string, string][]> = {};
  let count = 0;
  try {
    for (const [name, times] of Object.entries(labels)) {
      const file = join(dir, "data", name);
      if (!existsSync(file)) continue;
      const [header, ...rows] = readFileSync(file, "utf8").trimEnd().split(/\r?\n/);
      const stamps = rows.map((r) => r.slice(0, r.indexOf(",")));
      const anomalyRows = times.map((t) => {
        const row = stamps.indexOf(t);
        if (row < 0) throw new InputError(`${labelsFile}: key ${JSON.stringify(name)}: anomaly time ${labelText(t)} is no row's timestamp in ${file}`);
        return row;
      });
      cropPlan(rows.length, anomalyRows, length, at).forEach((plan, k) => {
        const cropName = `${name.replace(/\.csv$/i, "")}_crop${k}.csv`;
        mkdirSync(dirname(join(out, "data", cropName)), { recursive: true });
        writeFileSync(join(out, "data", cropName), [header, ...rows.slice(plan.start, plan.end)].join("\n") + "\n");
        windows[cropName] = plan.windows.map(([a, b]) => [stamps[plan.start + a], stamps[plan.start + b]]);
        count += plan.windows.length;
      });
    }
    mkdirSync(join(out, "labels"));
    writeFileSync(join(out, "labels", "combined_windows.json"), JSON.stringify(windows, null, 1));
  } catch (e) {
    rmSync(out, { recursive: true, force: true });
    throw e;
  }
  return { dir: out, files: Object.keys(windows).length, windows: count, done: () => rmSync(out, { recursive: true, force: true }) };
}

/** NAB's `labels/combined_labels.json`: data file -> the anomalies' times, as the data file writes them. */
function readAnomalyLabels(file: string): Record<string, string[]> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`${file}: not JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new InputError(`${file}: expected an object of data file -> anomaly times`);
  for (const [key, times] of Object.entries(json as Record<string, unknown>)) {
    if (!Array.isArray(times) || times.some((t) => typeof t !== "string"))
      throw new InputError(`${file}: key ${JSON.stringify(key)}: expected a list of time strings, got ${labelText(times)}`);
  }
  return json as Record<string, string[]>;
}
