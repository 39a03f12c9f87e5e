import { spawnSync } from "child_process";
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { command } from "../../cli/detect";
import { runCli } from "../helpers/runCli";
import { tempDir } from "../helpers/tempDir";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const HEADER = "timestamp,score,anomaly,raw_score,grade,ready,imputed,clipped";
const dir = tempDir("gridrail-detect-output-");

/** A CSV of `n` rows a minute apart from 2024-01-01 (times from `time`, values from `value`). */
function series(
  name: string,
  n: number,
  time = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
  value = (i: number) => `${(10 + Math.sin(i / 9)).toFixed(3)}`,
): string {
  const path = join(dir, name);
  writeFileSync(path, ["timestamp,value", ...Array.from({ length: n }, (_, i) => `${time(i)},${value(i)}`)].join("\n") + "\n");
  return path;
}

/** The scores file's column `name`, row by row. */
function column(csv: string, name: string): string[] {
  const [header, ...rows] = csv.trim().split("\n");
  const k = header.split(",").indexOf(name);
  return rows.map((r) => r.split(",")[k]);
}

/** The summary line (the last line on stderr). */
function summary(stderr: string): string {
  return stderr.trim().split("\n").at(-1) ?? "";
}

describe("detect says which rows it judged", () => {
  const short = series("short.csv", 200);
  const long = series("long.csv", 600);
  const gaps = series("gaps.csv", 300, undefined, (i) => (i % 50 === 49 ? "" : `${(10 + Math.sin(i / 9)).toFixed(3)}`));
  const cases: [what: string, args: string[], readyRows: [number, number], note: string | null, judged: boolean][] = [
    ["a file shorter than the rcf's warm-up", ["--input", short], [0, 200], null, false],
    [
      "a file past the rcf's warm-up (228 rows)",
      ["--input", long],
      [372, 600],
      "detect: note: 228 of 600 rows were scored before the detector was ready",
      true,
    ],
    [
      "ewma after minPoints (30 rows)",
      ["--input", short, "--detector", "ewma"],
      [169, 200],
      "detect: note: 31 of 200 rows were scored before the detector was ready",
      true,
    ],
    [
      "zscore with missing values imputed",
      ["--input", gaps, "--detector", "zscore", "--option", "missing=impute"],
      [239, 300],
      "detect: note: 61 of 300",
      true,
    ],
  ];
  for (const [what, args, [ready, rows], note, judged] of cases) {
    it(`${what}: ${ready} of ${rows} rows ready, exit 0`, () => {
      const r = runCli("detect", args);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout.split("\n")[0]).to.equal(HEADER);
      const flags = column(r.stdout, "ready");
      expect([flags.length, flags.filter((f) => f === "1").length]).to.deep.equal([rows, ready]);
      // warm-up rows come first and claim nothing
      expect(flags.indexOf("1")).to.equal(ready === 0 ? -1 : rows - ready);
      expect(column(r.stdout, "score").filter((s, i) => flags[i] === "0" && s !== "0")).to.deep.equal([]);
      if (note === null) expect(r.stderr).not.to.include("note:");
      else expect(r.stderr).to.include(note);
      const noneJudged = `detect: ${rows} rows scored but none judged: the input ends inside the detector's warm-up`;
      expect(summary(r.stderr).startsWith(noneJudged)).to.equal(!judged);
    });
  }

  it("counts the inputs filled in (missing=impute) in the imputed column", () => {
    const r = runCli("detect", ["--input", gaps, "--detector", "zscore", "--option", "missing=impute"]);
    const imputed = column(r.stdout, "imputed");
    expect(imputed.map((v, i) => (v === "1" ? i : -1)).filter((i) => i >= 0)).to.deep.equal([49, 99, 149, 199, 249, 299]);
    expect(column(r.stdout, "clipped").every((v) => v === "0")).to.equal(true);
  });
});

describe("detect sets an ensemble member's options from the command line", () => {
  const input = series("ensemble.csv", 300);
  const cases: [options: string[], status: number, error: string][] = [
    [["rcf.shingleSize=4"], 0, ""],
    [["members=rcf,rcf#long", "rcf#long.shingleSize=8", "rcf.numberOfTrees=20"], 0, ""],
    [["members=rcf", "zscore.window=9"], 2, "error: option zscore.window=9: zscore is not a member; members: rcf\n"],
    [["rcf.shingle=4"], 2, "error: ensemble member rcf: unknown option shingle=4 for detector rcf; known: "],
    [["zscore.window=2"], 2, 'error: ensemble member zscore: option window must be an integer in [3, 100000], got "2"\n'],
  ];
  for (const [options, status, error] of cases) {
    it(`--option ${options.join(" --option ")}: exit ${status}`, () => {
      const r = runCli("detect", ["--input", input, "--detector", "ensemble", ...options.flatMap((o) => ["--option", o])]);
      expect(r.status, r.stderr).to.equal(status);
      if (status !== 0) expect(r.stderr.startsWith(error), r.stderr).to.equal(true);
    });
  }

  it("hands the option to the member: rcf.shingleSize=4 changes the scores", () => {
    const plain = runCli("detect", ["--input", input, "--detector", "ensemble"]);
    const shingled = runCli("detect", ["--input", input, "--detector", "ensemble", "--option", "rcf.shingleSize=4"]);
    expect([plain.status, shingled.status], shingled.stderr).to.deep.equal([0, 0]);
    expect(column(shingled.stdout, "score")).to.have.length(300);
    expect(column(shingled.stdout, "score")).not.to.deep.equal(column(plain.stdout, "score"));
  });
});

describe("detect shows the times it read", () => {
  const seconds = Date.UTC(2024, 0, 1) / 1000;
  const EPOCH_NOTE = "detect: note: the times look like epoch seconds read as milliseconds";
  const cases: [what: string, time: (i: number) => string, extra: string[], times: string | null, note: boolean][] = [
    ["epoch seconds", (i) => String(seconds + 60 * i), [], "times 1970-01-20T17:21:07.200Z to 1970-01-20T17:21:19.140Z", true],
    ["epoch seconds with fractions", (i) => `${seconds + 60 * i}.5`, [], "times 1970-01-20T17:21:07.200Z to 1970-01-20T17:21:19.140Z", true],
    ["epoch milliseconds", (i) => String((seconds + 60 * i) * 1000), [], "times 2024-01-01T00:00:00Z to 2024-01-01T03:19:00Z", false],
    ["ISO-8601", (i) => new Date((seconds + 60 * i) * 1000).toISOString(), [], "times 2024-01-01T00:00:00Z to 2024-01-01T03:19:00Z", false],
    ["row numbers with --no-time", (i) => String(i), ["--no-time", "--exclude", "timestamp"], null, false],
  ];
  for (const [what, time, extra, times, note] of cases) {
    it(`${what}: ${times ?? "no times"}${note ? ", with the epoch seconds note" : ""}`, () => {
      const input = series(`times-${what.replace(/\W/g, "-")}.csv`, 200, time);
      const r = runCli("detect", ["--input", input, "--detector", "ewma", ...extra]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr.includes(EPOCH_NOTE)).to.equal(note);
      if (times === null) expect(summary(r.stderr)).not.to.include(", times ");
      else expect(summary(r.stderr)).to.include(`, ${times}, `);
    });
  }
});

describe("detect --output - and the outputs that cannot go to stdout", () => {
  const input = series("stdout.csv", 40);

  /** Runs detect in a fresh working folder, so a file named `-` would show. */
  function inFolder(args: string[]): { status: number; stdout: string; stderr: string; files: string[] } {
    const cwd = tempDir("gridrail-detect-cwd-");
    const r = spawnSync(process.execPath, [TSX, join(ROOT, "cli", "detect.ts"), ...args], { cwd, encoding: "utf8", timeout: 120_000 });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, files: readdirSync(cwd) };
  }

  const cases: [args: string[], status: number, stderr: RegExp][] = [
    [["--output", "-"], 0, /^detect: note: 31 of 40 rows .*\ndetect: 40 rows scored, 1 column\(s\) \[value\], \d+ anomalies, times [^,]+, [\d.]+ s\n$/],
    [["--report", "-"], 2, /^error: --report needs a file path: - \(standard output\) is not supported for it\n$/],
    [["--rejected", "-"], 2, /^error: --rejected needs a file path: - \(standard output\) is not supported for it\n$/],
    [["--output", "-", "--report", "-"], 2, /^error: --report needs a file path/],
  ];
  for (const [args, status, stderr] of cases) {
    it(`${args.join(" ")}: exit ${status}, no file named -`, () => {
      const r = inFolder(["--input", input, "--detector", "ewma", ...args]);
      expect([r.status, r.files]).to.deep.equal([status, []]);
      expect(r.stderr).to.match(stderr);
      if (status === 0) expect(r.stdout).to.equal(runCli("detect", ["--input", input, "--detector", "ewma"]).stdout);
      else expect(r.stdout).to.equal("");
    });
  }
});

describe("detect reads a named pipe and says which column rejected rows", () => {
  it("reads --input <(cat FILE), as from the file itself", function () {
    if (!existsSync("/bin/bash")) this.skip();
    const input = series("piped.csv", 40);
    const command = `"${process.execPath}" "${TSX}" cli/detect.ts --detector ewma --input <(cat "${input}")`;
    const r = spawnSync("/bin/bash", ["-c", command], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    expect([r.status, r.stderr.includes("error:")], r.stderr).to.deep.equal([0, false]);
    expect(r.stdout).to.equal(runCli("detect", ["--input", input, "--detector", "ewma"]).stdout);
  });

  it("names a column that turns to text, with its count and the --exclude that leaves it out", () => {
    const path = join(dir, "later-text.csv");
    const rows = Array.from(
      { length: 300 },
      (_, i) => `${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()},${(10 + Math.sin(i / 9)).toFixed(3)},${i < 10 ? i : `E${i}`}`,
    );
    writeFileSync(path, ["timestamp,value,code", ...rows].join("\n") + "\n");
    const r = runCli("detect", ["--input", path, "--output", join(dir, "later-text-out.csv")]);
    expect(r.status).to.equal(3);
    expect(summary(r.stderr)).to.match(
      /, 290 row\(s\) rejected, 270 not named above \(--rejected FILE lists all\); 290 of them for text in column "code" \(if "code" is not a measurement, leave it out with --exclude "code" or name the inputs with --columns\)$/,
    );
    const excluded = runCli("detect", ["--input", path, "--exclude", "code", "--output", join(dir, "later-text-out.csv")]);
    expect(excluded.status, excluded.stderr).to.equal(0);
    expect(readFileSync(join(dir, "later-text-out.csv"), "utf8").trim().split("\n")).to.have.length(301);
  });
});

describe("detect's help and docs say what it writes and how it ends", () => {
  const said: string[] = [
    HEADER,
    "rcf (default), zscore, ewma or ensemble",
    "--option rcf.shingleSize=4",
    "docs/anomaly.md lists every option",
    "--output -",
    "Exit codes: 0 done; 1 failed",
    "no row could be scored",
    "2 usage error",
    "3 done, but some rows were rejected",
  ];
  for (const text of said) {
    it(`--help says ${JSON.stringify(text)}`, () => expect(command.usage.replace(/\n/g, " ")).to.include(text));
  }

  const page = readFileSync(join(ROOT, "docs", "commands.md"), "utf8");
  const detect = page.slice(page.indexOf("\n## detect\n"), page.indexOf("\n## eval\n"));
  for (const name of HEADER.split(",")) {
    it(`docs/commands.md's detect section says what column ${name} holds`, () => expect(detect).to.match(new RegExp(`\\n\\| \`${name}\` \\| .{12,}`)));
  }
});
