import { spawn, spawnSync } from "child_process";
import { expect } from "chai";
import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "fs";
import { join } from "path";
import { InputError } from "../../anomaly/errors";
import { UsageError } from "../../cli/args";
import { checkOutputPaths } from "../../cli/outputPaths";
import { runCli } from "../helpers/runCli";
import { tempDir } from "../helpers/tempDir";

const ROOT = join(__dirname, "..", "..");
const dir = tempDir("gridrail-detect-safety-");
const input = join(dir, "in.csv");
const rows = Array.from({ length: 20_000 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString()},${(10 + Math.sin(i / 20)).toFixed(3)}`);
const original = ["timestamp,value", ...rows].join("\n") + "\n";
writeFileSync(input, original);
symlinkSync(input, join(dir, "link.csv"));
linkSync(input, join(dir, "hard.csv"));
mkdirSync(join(dir, "folder"));

describe("detect refuses outputs that would destroy its input or fail late", () => {
  const refused: [string, string | undefined, string | undefined, string, string][] = [
    [
      "the input by another spelling",
      `${dir}/./in.csv`,
      undefined,
      "UsageError",
      `--output ${dir}/./in.csv is the --input file: it would be overwritten before it is read`,
    ],
    [
      "the input through a symlink",
      join(dir, "link.csv"),
      undefined,
      "UsageError",
      `--output ${join(dir, "link.csv")} is the --input file: it would be overwritten before it is read`,
    ],
    [
      "the input through a hard link (report)",
      undefined,
      join(dir, "hard.csv"),
      "UsageError",
      `--report ${join(dir, "hard.csv")} is the --input file: it would be overwritten before it is read`,
    ],
    ["the same new file twice", join(dir, "o.csv"), join(dir, ".", "o.csv"), "UsageError", `--report ${join(dir, ".", "o.csv")} is the same file as --output`],
    [
      "a missing folder (output)",
      join(dir, "none", "o.csv"),
      undefined,
      "InputError",
      `--output ${join(dir, "none", "o.csv")}: folder ${join(dir, "none")} does not exist`,
    ],
    [
      "a missing folder (report)",
      undefined,
      join(dir, "none", "r.html"),
      "InputError",
      `--report ${join(dir, "none", "r.html")}: folder ${join(dir, "none")} does not exist`,
    ],
    ["a folder", join(dir, "folder"), undefined, "InputError", `--output ${join(dir, "folder")}: is a folder`],
  ];
  for (const [what, output, report, name, message] of refused) {
    it(`refuses ${what}`, () => {
      let error: Error | undefined;
      try {
        checkOutputPaths({ flag: "--input", path: input }, [
          { flag: "--output", path: output },
          { flag: "--report", path: report },
        ]);
      } catch (e) {
        error = e as Error;
      }
      expect([error?.name, error?.message]).to.deep.equal([name, message]);
      expect(error).to.be.instanceOf(name === "UsageError" ? UsageError : InputError);
    });
  }

  it("accepts new files in existing folders, and an existing output to overwrite", () => {
    writeFileSync(join(dir, "old.csv"), "x");
    expect(() =>
      checkOutputPaths({ flag: "--input", path: input }, [
        { flag: "--output", path: join(dir, "old.csv") },
        { flag: "--report", path: join(dir, "r.html") },
      ]),
    ).not.to.throw();
  });

  it("leaves the input whole when --output names it (exit 2, one line)", () => {
    const r = runCli("detect", ["--input", input, "--output", join(dir, "link.csv")]);
    expect([r.status, r.stderr]).to.deep.equal([
      2,
      `error: --output ${join(dir, "link.csv")} is the --input file: it would be overwritten before it is read\n`,
    ]);
    expect(readFileSync(input, "utf8")).to.equal(original);
  });

  it("fails on a report in a missing folder before scoring, writing no output", () => {
    const out = join(dir, "scores.csv");
    const r = runCli("detect", ["--input", input, "--output", out, "--report", join(dir, "none", "r.html")]);
    expect([r.status, r.stderr]).to.deep.equal([1, `error: --report ${join(dir, "none", "r.html")}: folder ${join(dir, "none")} does not exist\n`]);
    expect(existsSync(out)).to.equal(false);
  });

  it("treats an unknown detector and __proto__ as an option key as usage errors (exit 2)", () => {
    const nope = runCli("detect", ["--input", input, "--detector", "nope"]);
    expect([nope.status, nope.stderr]).to.deep.equal([2, 'error: --detector must be one of ensemble, ewma, rcf, zscore, got "nope"\n']);
    const proto = runCli("detect", ["--input", input, "--detector", "ewma", "--option", "__proto__=1"]);
    expect([proto.status, proto.stderr]).to.deep.equal([
      2,
      'error: --option key must be an option name (letters and digits) or member.name or member#tag.name for an ensemble member, got "__proto__"\n',
    ]);
  });

  it("names the line of a line too long to hold, without a stack", () => {
    const huge = join(dir, "huge.csv");
    writeFileSync(huge, `timestamp,value\n2024-01-01T00:00:00Z,1\n2024-01-01T00:05:00Z,${"7".repeat(17 * 1024 * 1024)}\n`);
    const r = runCli("detect", ["--input", huge, "--detector", "ewma"]);
    expect([r.status, r.stderr]).to.deep.equal([1, `error: ${huge}:3: line longer than 16777216 characters\n`]);
    expect(r.stdout).to.equal("timestamp,score,anomaly,raw_score,grade,ready,imputed,clipped\n2024-01-01T00:00:00Z,0,0,0,0,0,0,0\n");
  });

  it("fails (exit 1, naming --output) when only the last flush of the output cannot be written", function () {
    if (!existsSync("/dev/full")) this.skip();
    const small = join(dir, "small.csv");
    writeFileSync(small, "timestamp,value\n2024-01-01T00:00:00Z,1\n2024-01-01T00:05:00Z,2\n2024-01-01T00:10:00Z,3\n");
    const r = runCli("detect", ["--input", small, "--detector", "ewma", "--output", "/dev/full"]);
    expect([r.status, r.stderr]).to.deep.equal([1, "error: --output /dev/full: cannot write: ENOSPC\n"]);
  });

  it("leaves an earlier --output as it was when the run fails part-way, with no partial file left", () => {
    const folder = tempDir("gridrail-staged-");
    const out = join(folder, "scores.csv");
    writeFileSync(out, "earlier run\n");
    const huge = join(folder, "huge.csv");
    writeFileSync(huge, `timestamp,value\n2024-01-01T00:00:00Z,1\n2024-01-01T00:05:00Z,${"7".repeat(17 * 1024 * 1024)}\n`);
    const r = runCli("detect", ["--input", huge, "--detector", "ewma", "--output", out]);
    expect([r.status, readFileSync(out, "utf8"), readdirSync(folder).sort()]).to.deep.equal([1, "earlier run\n", ["huge.csv", "scores.csv"]]);
  });

  it("replaces the file a symlinked --output points to, keeping the link", () => {
    const folder = tempDir("gridrail-staged-");
    const target = join(folder, "target.csv");
    writeFileSync(target, "earlier run\n");
    symlinkSync(target, join(folder, "link.csv"));
    const small = join(folder, "small.csv");
    writeFileSync(small, "timestamp,value\n2024-01-01T00:00:00Z,1\n");
    const r = runCli("detect", ["--input", small, "--detector", "ewma", "--output", join(folder, "link.csv")]);
    expect([r.status, readFileSync(target, "utf8"), lstatSync(join(folder, "link.csv")).isSymbolicLink()]).to.deep.equal([
      0,
      "timestamp,score,anomaly,raw_score,grade,ready,imputed,clipped\n2024-01-01T00:00:00Z,0,0,0,0,0,0,0\n",
      true,
    ]);
  });

  it("removes the partial --output when interrupted (Ctrl-C, SIGTERM), leaving the earlier file as it was", async () => {
    const folder = tempDir("gridrail-staged-");
    const out = join(folder, "scores.csv");
    writeFileSync(out, "earlier run\n");
    const big = join(folder, "big.csv");
    writeFileSync(big, ["timestamp,value", ...Array.from({ length: 15 }, () => rows).flat()].join("\n") + "\n");
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      // one process (node --import tsx), as the gridrail executable runs; npm's tsx wrapper may SIGKILL a busy child
      const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "cli", "detect.ts"), "--input", big, "--output", out], { cwd: ROOT });
      const partial = () => readdirSync(folder).some((f) => f.endsWith(".partial"));
      while (!partial() && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
      child.kill(signal);
      const ended = await new Promise<NodeJS.Signals | null>((resolve) => child.on("close", (_code, s) => resolve(s)));
      expect([ended, readFileSync(out, "utf8"), readdirSync(folder).sort()]).to.deep.equal([signal, "earlier run\n", ["big.csv", "scores.csv"]]);
    }
  });

  it("removes a partial --output a killed run left behind when it writes the same output", () => {
    const folder = tempDir("gridrail-staged-");
    const small = join(folder, "small.csv");
    writeFileSync(small, "timestamp,value\n2024-01-01T00:00:00Z,1\n");
    // 2^22 + 1 is above Linux's largest process id: no process has it
    writeFileSync(join(folder, ".scores.csv.4194305.partial"), "a killed run's rows\n");
    writeFileSync(join(folder, ".other.csv.4194305.partial"), "another output's\n");
    writeFileSync(join(folder, `.scores.csv.${process.pid}.partial`), "a live run's rows\n");
    const r = runCli("detect", ["--input", small, "--detector", "ewma", "--output", join(folder, "scores.csv")]);
    expect([r.status, readdirSync(folder).sort()]).to.deep.equal([
      0,
      [".other.csv.4194305.partial", `.scores.csv.${process.pid}.partial`, "scores.csv", "small.csv"],
    ]);
  });

  it("writes --output /dev/stdout into a shell pipe (| cat)", () => {
    const small = join(dir, "small-pipe.csv");
    writeFileSync(small, "timestamp,value\n2024-01-01T00:00:00Z,1\n");
    const tsx = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
    const command = `"${process.execPath}" "${tsx}" cli/detect.ts --input "${small}" --detector ewma --output /dev/stdout | cat`;
    const r = spawnSync("sh", ["-c", command], { cwd: ROOT, encoding: "utf8" });
    expect([r.status, r.stdout]).to.deep.equal([0, "timestamp,score,anomaly,raw_score,grade,ready,imputed,clipped\n2024-01-01T00:00:00Z,0,0,0,0,0,0,0\n"]);
    expect(r.stderr).to.match(/scores in \/dev\/stdout\n$/);
  });

  it("stops quietly with exit 0 when the reader closes the pipe (| head)", async () => {
    const child = spawn(
      process.execPath,
      [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), join(ROOT, "cli", "detect.ts"), "--input", input, "--detector", "ewma"],
      { cwd: ROOT },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect([code, stderr]).to.deep.equal([0, ""]);
  });
});
