import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { CANDIDATES } from "../anomaly/evaluation/candidates";
import { DevData, devDataUnder, missingGroups, PROTOCOL_SETS, SetFigures, runDevSets } from "../anomaly/evaluation/devSets";
import { leaveOneSetOut } from "../anomaly/evaluation/protocol";
import { DetectorOptions } from "../anomaly/types";
import { HOLDOUT_SEEDS, readHoldoutSeries } from "./holdoutSeries";
import { UsageError } from "./args";

const ALL_GROUPS: (keyof DevData)[] = ["nab", "skab", "asd", "smd", "holdout", "rcfPaper"];

interface Stored extends SetFigures {
  readonly options: DetectorOptions;
  readonly seconds: number;
}

/**
 * `eval --protocol`: runs the rcf detector with each candidate option set (anomaly/evaluation/candidates.ts)
 * over every development set, keeps the figures in --results (a candidate already there with the same
 * options is not run again), then chooses defaults leave-one-set-out and prints the per-set and
 * cross-validated figures.
 */
export async function runProtocolMode(args: Record<string, unknown>): Promise<void> {
  const root = (args.data as string | undefined) ?? join("..", "shared", "data");
  if (!existsSync(root)) throw new UsageError(`--data ${root}: no such folder`);
  const resultsFile = (args.results as string | undefined) ?? join("out", "protocol.json");
  const stored: Record<string, Stored> = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, "utf8")) : {};
  const only = args.only as string | undefined;
  if (only !== undefined && !(only in CANDIDATES)) throw new UsageError(`--only ${only}: no such candidate; known: ${Object.keys(CANDIDATES).join(", ")}`);
  let data: DevData | undefined;
  const progress = (m: string): boolean => process.stderr.write(`${m}\n`);
  for (const [name, options] of Object.entries(CANDIDATES)) {
    if (only !== undefined && name !== only) continue;
    const same = stored[name] && JSON.stringify(stored[name].options) === JSON.stringify(options);
    const groups = same ? missingGroups(stored[name].figures) : ALL_GROUPS;
    if (groups.length === 0) continue;
    progress(`candidate ${name} ${JSON.stringify(options)}: ${groups.join(", ")}`);
    data ??= devDataUnder(root, { series: await readHoldoutSeries(join(root, "meters")), seeds: HOLDOUT_SEEDS });
    const started = process.cpuUsage();
    const all = data;
    const part = Object.fromEntries(groups.map((g) => [g, all[g]])) as DevData;
    const figures = await runDevSets(part, "rcf", options, progress);
    const cpu = process.cpuUsage(started);
    const before = same ? stored[name] : { figures: {}, details: {}, seconds: 0 };
    stored[name] = {
      options,
      figures: { ...before.figures, ...figures.figures },
      details: { ...before.details, ...figures.details },
      seconds: Math.round(before.seconds * 10 + (cpu.user + cpu.system) / 1e5) / 10,
    };
    mkdirSync(dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify(stored, null, 1)}\n`);
  }
  const candidates = Object.keys(CANDIDATES).filter((c) => stored[c]);
  const table = Object.fromEntries(candidates.map((c) => [c, stored[c].figures]));
  const results = Object.fromEntries(Object.entries(PROTOCOL_SETS).map(([variant, sets]) => [variant, leaveOneSetOut(table, candidates, sets)]));
  if (args.json) return void process.stdout.write(`${JSON.stringify({ results, stored })}\n`);
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  const sets = [...new Set(Object.values(PROTOCOL_SETS).flat())];
  const short = (s: string): string => s.replace("nab:artificial", "art").replace("nab:", "");
  out(`figure per set (NAB standard / 100, SKAB F1, share of quiet files or caught points): ${candidates.length} candidates`);
  out(`${"candidate".padEnd(24)}${sets.map((s) => short(s).padStart(15)).join("")}`);
  for (const c of candidates) out(`${c.padEnd(24)}${sets.map((s) => table[c][s].toFixed(3).padStart(15)).join("")}`);
  for (const [variant, result] of Object.entries(results)) {
    out(
      `leave-one-set-out over ${variant === "merged" ? "the NAB artificial categories as one set" : "NAB's three categories"}: held-out set, candidate chosen on the others, its figure there`,
    );
    for (const h of result.heldOut) out(`  ${h.set.padEnd(28)} ${h.chosen.padEnd(24)} ${h.heldOut.toFixed(3)}`);
    out(`  cross-validated mean ${result.crossValidated.toFixed(3)}; chosen on all sets: ${result.chosen} (in-sample mean ${result.inSampleMean.toFixed(3)})`);
  }
}
