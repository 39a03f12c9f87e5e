import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { InputError } from "../anomaly/errors";
import { CANDIDATES } from "../anomaly/evaluation/candidates";
import { DevData, devDataUnder, missingGroups, PROTOCOL_SETS, runDevSets } from "../anomaly/evaluation/devSets";
import { leaveOneBenchmarkOut, leaveOneSetOut } from "../anomaly/evaluation/protocol";
import { PROTOCOL_SEEDS } from "../anomaly/evaluation/replicates";
import { STATE_CANDIDATES } from "../anomaly/evaluation/stateCandidates";
import { HOLDOUT_SEEDS, readHoldoutSeries } from "./holdoutSeries";
import { PROJECT_ROOT, ParsedArgs, SHARED_DATA, UsageError, seedsFlag } from "./args";
import { refuseStdoutPath } from "./outputPaths";
import { printStateTrack, runStateCandidates, STATE_KEY, stateTrack } from "./evalStateTrack";
import { figureRows, heldOutRows, meanDetail, runMissing, seedsText, spreadRows, Stored, storedTable } from "./evalStored";

const ALL_GROUPS: (keyof DevData)[] = ["nab", "skab", "asd", "smd", "holdout", "rcfPaper"];

/** The stored figures of --results: none when the file is not there yet; an error naming it when it cannot be read. */
function readResults(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  if (statSync(file).isDirectory()) throw new InputError(`--results ${file}: a folder, not a file`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`--results ${file}: not JSON (${(e as Error).message}); move it aside to run every candidate again`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new InputError(`--results ${file}: not the protocol's figures (a JSON object)`);
  return json as Record<string, unknown>;
}

/**
 * `eval --protocol`: runs the rcf detector with each candidate option set (anomaly/evaluation/candidates.ts)
 * over every development set, once for each of the --seeds (default PROTOCOL_SEEDS), keeps the figures in
 * --results (a replicate already there with the same options is not run again), then chooses defaults
 * leave-one-set-out on the replicates' mean figures and prints the per-set and cross-validated figures;
 * then the same for the state alarm's candidates over the sets labelled per row (the state track, kept under
 * its own key of the results file).
 */
export async function runProtocolMode(args: ParsedArgs): Promise<void> {
  const root = (args.data as string | undefined) ?? SHARED_DATA;
  if (!existsSync(root)) throw new InputError(`--data ${root}: no such folder`);
  if (!statSync(root).isDirectory()) throw new InputError(`--data ${root}: not a folder`);
  const resultsFile = (args.results as string | undefined) ?? join(PROJECT_ROOT, "out", "protocol.json");
  refuseStdoutPath("--results", resultsFile);
  const file = readResults(resultsFile);
  const { [STATE_KEY]: stateStored = {}, ...onsetStored } = file as Record<string, Stored> & { [STATE_KEY]?: Record<string, Stored> };
  const stored: Record<string, Stored> = onsetStored;
  const only = args.only as string | undefined;
  if (only !== undefined && !(only in CANDIDATES) && !(only in STATE_CANDIDATES)) {
    throw new UsageError(`--only ${only}: no such candidate; known: ${[...Object.keys(CANDIDATES), ...Object.keys(STATE_CANDIDATES)].join(", ")}`);
  }
  const seeds = seedsFlag(args, PROTOCOL_SEEDS);
  const save = (): void => {
    mkdirSync(dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify({ ...stored, [STATE_KEY]: stateStored }, null, 1)}\n`);
  };
  const progress = (m: string): boolean => process.stderr.write(`${m}\n`);
  let data: DevData | undefined;
  await runMissing(
    CANDIDATES,
    stored,
    only,
    seeds,
    missingGroups,
    ALL_GROUPS,
    async (groups, options) => {
      data ??= devDataUnder(root, { series: await readHoldoutSeries(join(root, "meters"), `--data ${root} (its meters/ folder)`), seeds: HOLDOUT_SEEDS });
      const all = data;
      const part = Object.fromEntries(groups.map((g) => [g, all[g]])) as DevData;
      return runDevSets(part, "rcf", options, progress);
    },
    save,
  );
  await runStateCandidates(root, stateStored, only, seeds, save);
  const { names: candidates, table, spread } = storedTable(CANDIDATES, stored, seeds);
  const results = Object.fromEntries(Object.entries(PROTOCOL_SETS).map(([variant, sets]) => [variant, leaveOneSetOut(table, candidates, sets)]));
  const benchmarks = leaveOneBenchmarkOut(table, candidates, PROTOCOL_SETS.merged);
  const state = stateTrack(stateStored, seeds);
  if (args.json) return void process.stdout.write(`${JSON.stringify({ seeds, table, results, benchmarks, stored, ...(state ? { state } : {}) })}\n`);
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  const sets = [...new Set(Object.values(PROTOCOL_SETS).flat())];
  const short = (s: string): string => s.replace("nab:artificial", "art").replace("nab:", "");
  out(`figure per set (NAB standard / 100, SKAB F1, share of quiet files or caught points): ${candidates.length} candidates, ${seedsText(seeds)}`);
  const width = Math.max("candidate".length, ...candidates.map((c) => c.length)) + 1;
  figureRows(table, sets, { name: width, column: 15 }, short).forEach(out);
  spreadRows(spread, sets, seeds, { name: width, column: 15 }).forEach(out);
  for (const [variant, result] of Object.entries(results)) {
    out(
      `leave-one-set-out over ${variant === "merged" ? "the NAB artificial categories as one set" : "NAB's three categories"}: held-out set, candidate chosen on the others, its figure there`,
    );
    heldOutRows(result, { set: 28, name: width }).forEach(out);
  }
  out("leave-one-benchmark-out (a benchmark's sets held out together; the others are single sets, as above):");
  for (const b of benchmarks.filter((x) => x.sets.length > 1)) {
    const nab = b.benchmark === "nab" ? meanDetail(CANDIDATES, stored, b.chosen, seeds, "nab", "standard") : undefined;
    const figures = b.sets.map((set) => `${short(set)} ${b.heldOut[set].toFixed(3)}`).join(", ");
    out(`  ${b.benchmark.padEnd(28)} ${b.chosen.padEnd(width)} ${figures}${nab === undefined ? "" : `; NAB standard over all its files ${nab.toFixed(2)}`}`);
  }
  if (state) printStateTrack(state, out);
}
