import { execFile } from "child_process";
import { expect } from "chai";
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { COMMANDS, SUMMARIES } from "../../cli/commands";
import { tempDir } from "../helpers/tempDir";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const BIN = join(ROOT, "cli", "gridrail.js");
const SCRIPTS = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function spawn(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: 120_000, env: { ...process.env, GRIDRAIL_DEBUG: "" } }, (err, stdout, stderr) => {
      resolve({ status: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

/** Runs the thunks at most `limit` at a time (the machine has few cores), in order of the results. */
async function pooled<T>(thunks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(thunks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < thunks.length) {
        const i = next++;
        out[i] = await thunks[i]();
      }
    }),
  );
  return out;
}

/** The TypeScript file an npm script runs: `tsx cli/x.ts` -> cli/x.ts. */
function scriptFile(name: string): string {
  const m = /^tsx (\S+\.ts)$/.exec(SCRIPTS[name]);
  if (!m) throw new Error(`npm script ${name} is not "tsx FILE.ts": ${SCRIPTS[name]}`);
  return m[1];
}

describe("the gridrail command line", function () {
  this.timeout(600_000);
  const names = Object.keys(COMMANDS);
  const runs = new Map<string, Run>();

  before(async () => {
    // every command twice: --help through the bin, a bad flag through its npm script's file
    const jobs: [string, string[]][] = [
      ...names.map((n): [string, string[]] => [`help ${n}`, [BIN, n, "--help"]]),
      ...names.map((n): [string, string[]] => [`bad ${n}`, [TSX, scriptFile(n), "--no-such-flag"]]),
      ["bin help", [BIN, "--help"]],
      ["bin unknown", [BIN, "deploy"]],
      ["bin none", [BIN]],
      ["bin -h", [BIN, "detect", "-h"]],
    ];
    const results = await pooled(
      jobs.map(
        ([, args]) =>
          () =>
            spawn(args),
      ),
      3,
    );
    jobs.forEach(([key], i) => runs.set(key, results[i]));
  });

  it("has a subcommand for every npm script but test, typecheck, lint and format, each with a summary", () => {
    expect(names.slice().sort()).to.deep.equal(
      Object.keys(SCRIPTS)
        .filter((s) => !["test", "typecheck", "lint", "format"].includes(s))
        .sort(),
    );
    expect(Object.keys(SUMMARIES)).to.deep.equal(names);
    for (const n of names) expect(COMMANDS[n]().name, n).to.equal(n);
  });

  const page = readFileSync(join(ROOT, "docs", "commands.md"), "utf8");
  for (const name of Object.keys(COMMANDS)) {
    it(`${name}: docs/commands.md has its section and names every flag it takes`, () => {
      const start = page.indexOf(`\n## ${name}\n`);
      expect(start, `no "## ${name}" section`).to.be.greaterThan(-1);
      const end = page.indexOf("\n## ", start + 1);
      const section = page.slice(start, end < 0 ? undefined : end);
      const flags = Object.keys(COMMANDS[name]().flags ?? {});
      expect(flags.filter((f) => !section.includes(`--${f}`))).to.deep.equal([]);
    });
  }

  it("declares the bin as cli/gridrail.js", () => {
    expect(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).bin).to.deep.equal({ gridrail: "cli/gridrail.js" });
  });

  for (const name of Object.keys(SUMMARIES)) {
    it(`${name}: --help prints its usage and exits 0; a bad flag exits 2 with one error: line`, () => {
      const help = runs.get(`help ${name}`)!;
      expect([help.status, help.stderr], help.stderr).to.deep.equal([0, ""]);
      expect(help.stdout.startsWith(`usage: gridrail ${name}`), help.stdout).to.equal(true);
      const bad = runs.get(`bad ${name}`)!;
      expect(bad.status, bad.stderr).to.equal(2);
      expect(bad.stdout).to.equal("");
      expect(bad.stderr.split("\n")).to.have.length(2);
      expect(bad.stderr.startsWith("error: unknown flag --no-such-flag"), bad.stderr).to.equal(true);
    });
  }

  it("gridrail --help lists every subcommand", () => {
    const r = runs.get("bin help")!;
    expect(r.status).to.equal(0);
    const listed = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("  "))
      .map((l) => l.trim().split(/\s+/)[0]);
    expect(listed).to.deep.equal(names);
  });

  it("gridrail with an unknown or no subcommand exits 2 naming the known ones", () => {
    const known = `known: ${names.join(", ")}\n`;
    expect([runs.get("bin unknown")!.status, runs.get("bin unknown")!.stderr]).to.deep.equal([2, `error: unknown command "deploy"; ${known}`]);
    expect([runs.get("bin none")!.status, runs.get("bin none")!.stderr]).to.deep.equal([2, `error: a command is required; ${known}`]);
  });

  it("-h is --help", () => {
    const r = runs.get("bin -h")!;
    expect([r.status, r.stdout.split("\n")[0]]).to.deep.equal([0, "usage: gridrail detect --input FILE [--delimiter ,|;] [--time-column NAME | --no-time]"]);
  });

  it("runs a real subcommand through the bin: detect over a CSV", async () => {
    const dir = tempDir("gridrail-bin-");
    const input = join(dir, "in.csv");
    writeFileSync(
      input,
      ["timestamp,value", ...Array.from({ length: 50 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString()},${i % 5}`)].join("\n"),
    );
    const r = await spawn([BIN, "detect", "--input", input, "--detector", "ewma"]);
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split("\n");
    expect([lines[0], lines.length, lines[1].split(",")[0]]).to.deep.equal([
      "timestamp,score,anomaly,raw_score,grade,ready,imputed,clipped",
      51,
      "2024-01-01T00:00:00.000Z",
    ]);
    expect(r.stderr).to.match(/^detect: 50 rows scored, 1 column\(s\) \[value\], \d+ anomalies/m);
  });
});
