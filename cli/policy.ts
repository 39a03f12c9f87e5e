/**
 * Offline policy check: every gridrail rule over a stack's offline synth (or a graph file in the synth's
 * `--json` format), without the pulumi CLI. Exit 0: no mandatory violation; 1: a mandatory violation; 2: the
 * check could not run (usage, unreadable or invalid graph, unknown stack): a CI step tells the two apart.
 *   gridrail policy (--stack dev|prod | --graph FILE.json [--environment dev|prod]) [--json]
 */
import * as fs from "fs";
import type { Synthesis } from "../infra/synth/recorder";
import { Environment, StackView } from "../policy/graph";
import { evaluate, hasMandatoryViolation, PolicyReport } from "../policy/evaluate";
import { parseGraph } from "../policy/graphFile";
import { RULES } from "../policy/ruleSet";
import { Command, debugStack, errorLine, parseArgs, runCommand, UsageError } from "./args";

export const USAGE = "usage: gridrail policy (--stack <dev|prod> | --graph FILE.json [--environment dev|prod]) [--json]";

export interface Options {
  readonly stack?: string;
  readonly graph?: string;
  readonly environment?: Environment;
  readonly json: boolean;
}

const FLAGS = { stack: "string", graph: "string", environment: "string", json: "boolean" } as const;

export function parseOptions(argv: readonly string[]): Options {
  const a = parseArgs(argv, FLAGS);
  const stack = a.stack as string | undefined;
  const graph = a.graph as string | undefined;
  const environment = a.environment as string | undefined;
  if ((stack === undefined) === (graph === undefined)) throw new UsageError("give exactly one of --stack or --graph");
  if (environment !== undefined && environment !== "dev" && environment !== "prod")
    throw new UsageError(`--environment must be dev or prod, not ${JSON.stringify(environment)}`);
  if (environment !== undefined && stack !== undefined)
    throw new UsageError("--environment goes with --graph; a stack's environment comes from its stack file");
  return { stack, graph, environment, json: a.json === true };
}

/** The view of a synthesized stack: its inventory (the `--json` entries) plus the recorded retainOnDelete option. */
export async function viewOfSynthesis(synthesis: Synthesis, environment: Environment): Promise<StackView> {
  const { toInventory } = require("../infra/synth/inventory") as typeof import("../infra/synth/inventory");
  const inventory = await toInventory(synthesis);
  return {
    environment,
    resources: inventory.map((entry, i) => ({
      type: entry.type,
      name: entry.name,
      inputs: entry.inputs,
      retainOnDelete: synthesis.resources[i].retainOnDelete,
    })),
  };
}

/** Synthesizes a stack; tests pass a cached one. */
export type Synthesize = (stack: string) => Promise<Synthesis>;

async function loadView(options: Options, synthesize?: Synthesize): Promise<{ view: StackView; source: string }> {
  if (options.graph !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(options.graph, "utf8");
    } catch (e) {
      throw new Error(`cannot read graph file ${options.graph}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      return { view: parseGraph(text, options.environment), source: `graph ${options.graph}` };
    } catch (e) {
      throw new Error(`invalid graph file ${options.graph}: ${(e as Error).message}`);
    }
  }
  // Required here, not imported, so `--graph` runs never load the Pulumi program.
  const { parseStackConfig } = require("../infra/config") as typeof import("../infra/config");
  const { readStackConfig, synthStack } = require("../infra/synth/synthStack") as typeof import("../infra/synth/synthStack");
  const stack = options.stack!;
  const environment = parseStackConfig(stack, readStackConfig(stack)).environment;
  return { view: await viewOfSynthesis(await (synthesize ?? synthStack)(stack), environment), source: `stack ${stack}` };
}

export function formatReport(report: PolicyReport, source: string, environment: Environment | undefined): string {
  const lines = [`policy: ${source} (environment ${environment ?? "unknown"}): ${report.rules} rules on ${report.resources} resources`];
  for (const v of report.violations) {
    lines.push(`${v.level.padEnd(9)}  ${v.rule}  ${v.resource === null ? "(stack)" : `${v.resource} (${v.type})`}: ${v.message}`);
  }
  for (const s of report.skipped) lines.push(`skipped    ${s.rule}: ${s.reason}`);
  const count = (level: string) => report.violations.filter((v) => v.level === level).length;
  lines.push(`${count("mandatory")} mandatory, ${count("advisory")} advisory violation(s)`);
  return lines.join("\n");
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** The whole command: returns the exit code (0 pass, 1 mandatory violation, 2 could not run). */
export async function runPolicy(argv: readonly string[], io: Io, synthesize?: Synthesize): Promise<number> {
  let options: Options;
  let loaded: { view: StackView; source: string };
  try {
    options = parseOptions(argv);
    loaded = await loadView(options, synthesize);
  } catch (e) {
    const err = e as Error;
    // parseOptions and loadView throw messages written for the user
    io.err(`${errorLine(err, true)}\n${debugStack(err)}`);
    return 2;
  }
  let report: ReturnType<typeof evaluate>;
  try {
    report = evaluate(RULES, loaded.view);
  } catch (e) {
    // a rule that fails on an odd graph is a check that could not run, never a verdict on the stack
    io.err(`error: a policy rule failed on this graph: ${errorLine(e).slice("error: ".length)}\n${debugStack(e)}`);
    return 2;
  }
  if (options.json) {
    io.out(`${JSON.stringify({ rules: report.rules, resources: report.resources, violations: report.violations }, null, 2)}\n`);
    for (const s of report.skipped) io.err(`skipped ${s.rule}: ${s.reason}\n`);
  } else {
    io.out(`${formatReport(report, loaded.source, loaded.view.environment)}\n`);
  }
  return hasMandatoryViolation(report) ? 1 : 0;
}

export const command: Command = {
  name: "policy",
  usage: USAGE,
  flags: FLAGS,
  run: (_args, argv) => runPolicy(argv, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }),
};

if (require.main === module) runCommand(command);
