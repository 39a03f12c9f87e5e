import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { runMain } from "./args";

/**
 * Copies the generated Mermaid diagram (docs/architecture.md) into README.md between the
 * `<!-- diagram:start -->` and `<!-- diagram:end -->` markers; test/readme.test.ts fails when they differ.
 */
export const ROOT = join(__dirname, "..");
export const START = "<!-- diagram:start -->";
export const END = "<!-- diagram:end -->";

export function mermaidBlock(architecture: string): string {
  const m = architecture.match(/```mermaid\n[\s\S]*?\n```/);
  if (!m) throw new Error("docs/architecture.md holds no mermaid block");
  return m[0];
}

export function embed(readme: string, block: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md needs the markers ${START} and ${END}`);
  return `${readme.slice(0, a + START.length)}\n${block}\n${readme.slice(b)}`;
}

if (require.main === module) {
  runMain("usage: npm run --silent diagram", async () => {
    const block = mermaidBlock(readFileSync(join(ROOT, "docs", "architecture.md"), "utf8"));
    const readmePath = join(ROOT, "README.md");
    writeFileSync(readmePath, embed(readFileSync(readmePath, "utf8"), block));
    process.stdout.write("README.md: architecture diagram updated from docs/architecture.md\n");
  });
}
