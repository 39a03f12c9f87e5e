import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { renderDiagramDocument } from "../infra/synth/diagram";
import { synthStack } from "../infra/synth/synthStack";
import { Command, runCommand } from "./args";
import { embed, mermaidBlock, ROOT } from "./embedDiagram";

/**
 * Regenerates docs/architecture.md from the prod stack's offline synth and copies its Mermaid diagram into
 * README.md between the markers (test/readme.test.ts fails when they differ).
 */
const USAGE = `usage: gridrail diagram
Writes docs/architecture.md from the prod stack's offline synth and embeds its diagram in README.md.`;

async function main(): Promise<void> {
  const architecture = join(ROOT, "docs", "architecture.md");
  const synthesis = await synthStack("prod");
  writeFileSync(architecture, renderDiagramDocument(synthesis));
  process.stdout.write(`wrote ${architecture} (stack prod, ${synthesis.resources.length} resources)\n`);
  const readmePath = join(ROOT, "README.md");
  writeFileSync(readmePath, embed(readFileSync(readmePath, "utf8"), mermaidBlock(readFileSync(architecture, "utf8"))));
  process.stdout.write("README.md: architecture diagram updated from docs/architecture.md\n");
}

export const command: Command = {
  name: "diagram",
  usage: USAGE,
  flags: {},
  run: main,
};

if (require.main === module) runCommand(command);
