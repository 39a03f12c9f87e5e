import { join } from "path";

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
