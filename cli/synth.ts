/**
 * Offline synth: runs the Pulumi program under mocks with a stack's config and prints the resource inventory.
 *   gridrail synth --stack dev|prod [--json] [--diagram FILE.md]
 */
import { STACK_NAME } from "../functions/provisioningHook/serials";
import * as fs from "fs";
import { renderDiagramDocument } from "../infra/synth/diagram";
import { toInventory, toTable } from "../infra/synth/inventory";
import { REPO_ROOT, stackWarnings, synthStack } from "../infra/synth/synthStack";
import * as path from "path";
import { Command, ParsedArgs, runCommand, UsageError } from "./args";
import { checkOutputFile } from "./outputPaths";

export interface SynthOptions {
  stack: string;
  json: boolean;
  diagram?: string;
}

const USAGE = "usage: gridrail synth --stack <dev|prod> [--json] [--diagram FILE.md]";
const FLAGS = { stack: "string", json: "boolean", diagram: "string" } as const;

/** The synth's options from parsed flags; UsageErrors name the flag. */
export function synthOptions(args: ParsedArgs): SynthOptions {
  const stack = args.stack as string | undefined;
  const diagram = args.diagram as string | undefined;
  if (stack === undefined) throw new UsageError("--stack is required");
  if (!STACK_NAME.test(stack) || !fs.existsSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`))) {
    const stacks = fs
      .readdirSync(REPO_ROOT)
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined)
      .sort();
    throw new UsageError(`--stack ${JSON.stringify(stack)}: no stack file Pulumi.${stack}.yaml (stacks: ${stacks.join(", ")})`);
  }
  return { stack, json: args.json === true, diagram };
}

async function main(args: ParsedArgs): Promise<void> {
  const options = synthOptions(args);
  if (options.diagram) checkOutputFile("--diagram", options.diagram);
  const synthesis = await synthStack(options.stack);
  for (const warning of stackWarnings(options.stack)) process.stderr.write(`warning: ${warning}\n`);
  if (options.diagram) {
    const named = path.relative(REPO_ROOT, path.resolve(options.diagram)).split(path.sep).join("/");
    fs.writeFileSync(options.diagram, renderDiagramDocument(synthesis, named.startsWith("../") ? path.resolve(options.diagram) : named));
  }
  if (options.json) process.stdout.write(`${JSON.stringify(await toInventory(synthesis), null, 2)}\n`);
  else if (!options.diagram) process.stdout.write(`${toTable(synthesis)}\n`);
  else process.stderr.write(`wrote ${options.diagram} (stack ${options.stack}, ${synthesis.resources.length} resources)\n`);
}

export const command: Command = {
  name: "synth",
  usage: USAGE,
  flags: FLAGS,
  run: main,
};

if (require.main === module) runCommand(command);
