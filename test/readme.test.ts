import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "fs";
import { join, relative } from "path";

const ROOT = join(__dirname, "..");

/** Every file under `dir` (skipping node_modules and dot folders) whose name ends with one of `suffixes`. */
function filesUnder(dir: string, suffixes: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, suffixes));
    else if (suffixes.some((s) => name.endsWith(s))) out.push(path);
  }
  return out;
}

describe("README", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");

  it("stays a front door of at most 12 KB", () => {
    expect(Buffer.byteLength(readme, "utf8")).to.be.at.most(12_000);
  });

  it("documents every npm script", () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as object);
    const missing = scripts.filter(
      (s) => !readme.includes(s === "start" || s === "test" ? `npm ${s}` : `npm run --silent ${s}`) && !readme.includes(`npm run ${s}`),
    );
    expect(missing).to.deep.equal([]);
  });

  it("links only to docs that exist", () => {
    const links = [...readme.matchAll(/\]\(((?:docs|policy)\/[^)#]+)/g)].map((m) => m[1]);
    expect(links.filter((l) => !statSync(join(ROOT, l), { throwIfNoEntry: false }))).to.deep.equal([]);
  });
});

describe("the project speaks of the product", () => {
  // built from parts so this file does not match itself
  const PROCESS_TALK = new RegExp(["\\bissue ?#?\\d", "\\bthis VM\\b", "\\bclosing" + " note"].join("|"), "i");

  it("names no tracker numbers, machines of its makers or notes of how it was built in the README, docs, code or tests", () => {
    const files = [
      join(ROOT, "README.md"),
      ...["docs", "anomaly", "cli", "devices", "functions", "infra", "local", "policy", "report", "test"].flatMap((d) =>
        filesUnder(join(ROOT, d), [".ts", ".md", ".wat"]),
      ),
    ];
    const offending = files.flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .flatMap((line, i) => (PROCESS_TALK.test(line) ? [`${relative(ROOT, f)}:${i + 1}`] : [])),
    );
    expect(offending).to.deep.equal([]);
  });
});
