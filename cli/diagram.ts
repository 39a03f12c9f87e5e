import { writeFileSync } from "fs";
import { join } from "path";
import { renderDiagramDocument } from "../infra/synth/diagram";
import { REPO_ROOT, synthStack } from "../infra/synth/synthStack";
import { Command, runCommand } from "./args";

/** Regenerates docs/architecture.md (the Mermaid architecture diagram) from the prod stack's offline synth. */
const USAGE = `usage: gridrail diagram
Writes docs/architecture.md from the prod stack's offline synth (as synth --stack prod --diagram docs/architecture.md).`;

async function main(): Promise<void> {
  const architecture = join(REPO_ROOT, "docs", "architecture.md");
  const synthesis = await synthStack("prod");
  writeFileSync(architecture, renderDiagramDocument(synthesis));
  process.stdout.write(`wrote ${architecture} (stack prod, ${synthesis.resources.length} resources)\n`);
}

export const command: Command = {
  name: "diagram",
  usage: USAGE,
  flags: {},
  run: main,
};

if (require.main === module) runCommand(command);
