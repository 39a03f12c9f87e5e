import { existsSync, readdirSync, statSync } from "fs";
import { join } from "path";
import { InputError } from "../anomaly/errors";
import { RawSeries } from "../anomaly/evaluation/holdout";
import { ingestFile } from "../functions/supplierParser/ingest";

/** Seeds of the hold-out's fault placements: each meter series is scored once per seed. */
export const HOLDOUT_SEEDS: readonly number[] = [1, 2, 3];
/** Half-hours a series is cut to (about half a year, NAB's longer files' length). */
export const HOLDOUT_POINTS = 8_760;

/**
 * The hold-out's series: each supplier CSV in `dir` read with the supplier parser (any of its layouts),
 * readings in time order, the first HOLDOUT_POINTS half-hours.
 */
export async function readHoldoutSeries(dir: string, what = `--holdout ${dir}`): Promise<RawSeries[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`${what}: not a folder`);
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith(".csv"))
    .sort();
  if (files.length === 0) throw new InputError(`${what}: no .csv file in it`);
  const out: RawSeries[] = [];
  for (const file of files) {
    const points: [number, number][] = [];
    const r = await ingestFile(join(dir, file), { clientId: "holdout", sample: 0, onReading: (x) => points.push([Date.parse(x.intervalStart), x.kwh]) });
    if (r.accepted === 0) throw new InputError(`--holdout ${join(dir, file)}: no readings (layout ${r.layout}, ${r.rejected} rejected rows)`);
    points.sort((a, b) => a[0] - b[0]);
    const kept = points.filter((p, i) => i === 0 || p[0] > points[i - 1][0]).slice(0, HOLDOUT_POINTS);
    out.push({ name: file, timestamps: kept.map((p) => p[0]), values: kept.map((p) => p[1]) });
  }
  return out;
}
