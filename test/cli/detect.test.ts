import { expect } from "chai";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { runCli } from "../helpers/runCli";
import { requireShared } from "../helpers/sharedData";
import { tempDir } from "../helpers/tempDir";

const dir = tempDir("gridrail-detect-");
const input = join(dir, "in.csv");
const rows = Array.from({ length: 600 }, (_, i) => {
  const t = new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString().replace("T", " ").replace(".000Z", "");
  const v = i === 500 ? 40 : 10 + Math.sin(i / 20);
  return `${t},${v.toFixed(3)},${(i % 7).toFixed(1)}`;
});
writeFileSync(input, ["timestamp,value,other", ...rows].join("\n") + "\n");

describe("detect command", () => {
  it("writes one row per input row, in order, with the contract's header, and flags the spike", () => {
    const out = join(dir, "out.csv");
    const report = join(dir, "report.html");
    const r = runCli("detect", ["--input", input, "--columns", "value", "--output", out, "--report", report, "--option", "numberOfTrees=30"]);
    expect(r.status, r.stderr).to.equal(0);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).to.equal("timestamp,score,anomaly,raw_score,grade,ready,imputed,clipped");
    expect(lines.length).to.equal(601);
    expect(lines.slice(1).map((l) => l.split(",")[0])).to.deep.equal(rows.map((l) => l.split(",")[0]));
    const flagged = lines
      .slice(1)
      .map((l, i) => [i, l.split(",")[2]] as const)
      .filter(([, a]) => a === "1")
      .map(([i]) => i);
    expect(flagged).to.include(500);
    const scores = lines.slice(1).map((l) => Number(l.split(",")[1]));
    expect(scores.every((s) => s >= 0 && s <= 1)).to.equal(true);
    const html = readFileSync(report, "utf8");
    expect(html).to.match(/^<!doctype html>/);
    expect((html.match(/<svg /g) ?? []).length).to.equal(2);
    expect(r.stderr).to.match(/detect: 600 rows scored, 1 column\(s\) \[value\], \d+ anomalies/);
  });

  it("scores the random cut forest paper's example with --no-time: every isolated point above the clusters' 99th percentile", function () {
    const paper = requireShared(this, "rcf-paper", "rcf-paper.csv");
    const out = join(dir, "paper.csv");
    const r = runCli("detect", ["--input", paper, "--no-time", "--output", out]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/^detect: 2010 rows scored, 3 column\(s\) \[column1, column2, column3\], \d+ anomalies/m);
    const points = readFileSync(paper, "utf8")
      .trim()
      .split("\n")
      .map((l) => Number(l.split(",")[0]));
    const lines = readFileSync(out, "utf8").trim().split("\n").slice(1);
    expect(lines.map((l) => l.split(",")[0])).to.deep.equal(points.map((_, k) => String(k + 1)));
    const scores = lines.map((l) => Number(l.split(",")[1]));
    const isolated = points.map((x, k) => (Math.abs(x) < 2.5 ? k : -1)).filter((k) => k >= 0);
    const cluster = scores.filter((_, k) => Math.abs(points[k]) >= 2.5).sort((a, b) => a - b);
    const p99 = cluster[Math.floor(0.99 * (cluster.length - 1))];
    expect(isolated.length).to.equal(11);
    expect(isolated.filter((k) => scores[k] > p99).length).to.equal(11);
  });

  it("notes the inputs relativeFloor makes count for little: a voltage beside a column in millivolts", () => {
    const mixed = join(dir, "mixed.csv");
    // 230 V +- 1 and 5,000 mV +- 500: 3% of 500 is 15, fifteen times the voltage's deviation
    const lines = rows.slice(0, 300).map((l, i) => `${l.split(",")[0]},${(230 + Math.sin(i)).toFixed(3)},${(5000 + 500 * Math.cos(i / 3)).toFixed(1)}`);
    writeFileSync(mixed, ["timestamp,volts,millivolts", ...lines].join("\n") + "\n");
    const out = join(dir, "mixed-out.csv");
    const floored = runCli("detect", ["--input", mixed, "--output", out]);
    expect(floored.status, floored.stderr).to.equal(0);
    expect(floored.stderr).to.match(
      /detect: note: with relativeFloor 0\.03 \(the default\), 1 input\(s\) vary far less than "millivolts" \(deviation 35\d\) and are standardised by 3% of it, 10\.\d, so their changes count for little: "volts" \(deviation 0\.70\d, x15(\.\d)?\)/,
    );
    const own = runCli("detect", ["--input", mixed, "--output", out, "--option", "relativeFloor=0"]);
    expect(own.stderr).not.to.include("relativeFloor");
    const zscore = runCli("detect", ["--input", mixed, "--output", out, "--detector", "zscore"]);
    expect(zscore.stderr).not.to.include("relativeFloor");
  });

  it("notes an input that looks like a counter, and not its differences", () => {
    const counter = join(dir, "counter.csv");
    let total = 0;
    const lines = rows.slice(0, 300).map((l, i) => `${l.split(",")[0]},${(total += 2 + Math.sin(i)).toFixed(3)}`);
    writeFileSync(counter, ["timestamp,register", ...lines].join("\n") + "\n");
    const out = join(dir, "counter-out.csv");
    const r = runCli("detect", ["--input", counter, "--output", out]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.include(
      'detect: note: "register" rises at 100% of its rows and falls at 0% (a counter or a meter\'s register?): the detector judges values, not changes',
    );
    const steps = lines.map((l, i) => `${l.split(",")[0]},${i === 0 ? 0 : (Number(l.split(",")[1]) - Number(lines[i - 1].split(",")[1])).toFixed(3)}`);
    writeFileSync(counter, ["timestamp,register", ...steps].join("\n") + "\n");
    expect(runCli("detect", ["--input", counter, "--output", out]).stderr).not.to.include("rises at");
  });

  it("notes an input that looks like a label column unless the inputs were named, and scores it as asked", () => {
    const labelled = join(dir, "labelled.csv");
    writeFileSync(
      labelled,
      ["timestamp,value,anomaly", ...rows.slice(0, 100).map((l, i) => `${l.split(",").slice(0, 2).join(",")},${i === 50 ? 1 : 0}`)].join("\n") + "\n",
    );
    const all = runCli("detect", ["--input", labelled, "--output", join(dir, "labelled-out.csv")]);
    expect(all.status, all.stderr).to.equal(0);
    expect(all.stderr).to.include(
      'detect: note: "anomaly" looks like a label; the detector learns from every input column (leave it out with --exclude "anomaly")',
    );
    expect(all.stderr).to.include("2 column(s) [value, anomaly]");
    const excluded = runCli("detect", ["--input", labelled, "--exclude", "anomaly", "--output", join(dir, "labelled-out.csv")]);
    expect(excluded.stderr).not.to.include("note:");
    expect(excluded.stderr).to.include("not inputs: [anomaly]");
    const named = runCli("detect", ["--input", labelled, "--columns", "value,anomaly", "--output", join(dir, "labelled-out.csv")]);
    expect(named.stderr).not.to.include("note:");
    expect(named.stderr).to.include("2 column(s) [value, anomaly]");
  });

  it("reads standard input with --input -, naming it stdin in messages", () => {
    const text = readFileSync(input, "utf8");
    const fromFile = runCli("detect", ["--input", input, "--columns", "value"]);
    const fromStdin = runCli("detect", ["--input", "-", "--columns", "value"], text);
    expect(fromStdin.status, fromStdin.stderr).to.equal(0);
    expect(fromStdin.stdout).to.equal(fromFile.stdout);
    const bad = runCli("detect", ["--input", "-", "--columns", "value"], "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,oops\n");
    expect([bad.status, bad.stderr.split("\n")[0]]).to.deep.equal([3, 'detect: rejected stdin:3 column "value": not a number: "oops"']);
    const headerless = runCli("detect", ["--input", "-"], "");
    expect([headerless.status, headerless.stderr]).to.deep.equal([1, "error: stdin: empty file (no header)\n"]);
    const none = runCli("detect", ["--input", "-", "--columns", "value"], "timestamp,value\n2024-01-01 00:00:00,oops\n");
    expect([none.status, none.stderr.split("\n").at(-2)]).to.deep.equal([1, "error: stdin: no row could be scored (1 rejected)"]);
  });

  it("refuses --time-column with --no-time", () => {
    const r = runCli("detect", ["--input", input, "--no-time", "--time-column", "timestamp"]);
    expect([r.status, r.stderr]).to.deep.equal([2, "error: give --time-column or --no-time, not both\n"]);
  });

  it("scores every good row around rows it cannot use, names them and lists them in --rejected (exit 3)", () => {
    const good = rows.slice(0, 300);
    const bad = new Map<number, string>([
      [100, "2024-01-01 08:20:00,oops,1"],
      [150, "2024-01-01 12:30:00,,1"],
      [200, "2024-01-01 16:40:00,1e200,1"],
      [250, "2024-01-01 00:00:00,10,1"],
      [280, "2024-01-01 23:20:00,10"],
    ]);
    const dirty = join(dir, "dirty.csv");
    const clean = join(dir, "clean.csv");
    writeFileSync(dirty, ["timestamp,value,other", ...good.flatMap((l, i) => (bad.has(i) ? [bad.get(i)!, l] : [l]))].join("\n") + "\n");
    writeFileSync(clean, ["timestamp,value,other", ...good].join("\n") + "\n");
    const report = join(dir, "rejected.csv");
    const html = join(dir, "dirty.html");
    const r = runCli("detect", ["--input", dirty, "--output", join(dir, "dirty-out.csv"), "--rejected", report, "--report", html]);
    expect(r.status, r.stderr).to.equal(3);
    expect(readFileSync(html, "utf8")).to.include(`<tr><th>rejected rows (not scored)</th><td>5, listed in ${report}</td></tr>`);
    const lineOf = (i: number): number => 2 + i + [...bad.keys()].filter((k) => k < i).length;
    expect(readFileSync(report, "utf8")).to.equal(
      [
        "line,column,reason",
        `${lineOf(100)},value,"not a number: ""oops"""`,
        `${lineOf(150)},value,values[0] is NaN at timestamp 2024-01-01T12:30:00.000Z: expected a finite number (or set option missing=impute to repeat the input's last value)`,
        `${lineOf(200)},value,"values[0] is 1e+200 at timestamp 2024-01-01T16:40:00.000Z: outside the working range [-1e+150, 1e+150] (or set option extreme=clip)"`,
        `${lineOf(250)},,timestamp 2024-01-01T00:00:00.000Z is earlier than the previous point's 2024-01-01T20:45:00.000Z: points must arrive in time order (or set option outOfOrder=accept)`,
        `${lineOf(280)},,"expected 3 fields, got 2"`,
        "",
      ].join("\n"),
    );
    expect(r.stderr).to.include(`detect: rejected ${dirty}:${lineOf(100)} column "value": not a number: "oops"\n`);
    expect(r.stderr).to.match(new RegExp(`detect: 300 rows scored, .*, 5 row\\(s\\) rejected, listed in ${report.replace(/[.\\/]/g, "\\$&")}`));
    // a rejected row is neither scored nor learned: the good rows score as they do without it
    const withoutBad = runCli("detect", ["--input", clean, "--output", join(dir, "clean-out.csv")]);
    expect(withoutBad.status, withoutBad.stderr).to.equal(0);
    expect(readFileSync(join(dir, "dirty-out.csv"), "utf8")).to.equal(readFileSync(join(dir, "clean-out.csv"), "utf8"));
  });

  it("refuses a --rejected report that is the input or the scores file, before reading", () => {
    const before = readFileSync(input, "utf8");
    const same = runCli("detect", ["--input", input, "--rejected", input]);
    expect([same.status, same.stderr]).to.deep.equal([2, `error: --rejected ${input} is the --input file: it would be overwritten before it is read\n`]);
    const twin = runCli("detect", ["--input", input, "--output", join(dir, "twin.csv"), "--rejected", join(dir, "twin.csv")]);
    expect([twin.status, twin.stderr]).to.deep.equal([2, `error: --rejected ${join(dir, "twin.csv")} is the same file as --output\n`]);
    expect(readFileSync(input, "utf8")).to.equal(before);
  });

  it("names the first 20 rejected rows, counts the rest, and fails when no row could be scored", () => {
    const many = join(dir, "many-bad.csv");
    writeFileSync(
      many,
      ["timestamp,value", ...rows.slice(0, 60).map((l, i) => (i % 2 ? `${l.split(",")[0]},n/a` : l.split(",").slice(0, 2).join(",")))].join("\n") + "\n",
    );
    const r = runCli("detect", ["--input", many, "--output", join(dir, "many-out.csv")]);
    expect(r.status).to.equal(3);
    expect(r.stderr.match(/^detect: rejected /gm)?.length).to.equal(20);
    expect(r.stderr).to.include("30 rows scored");
    expect(r.stderr).to.include("30 row(s) rejected, 10 not named above (--rejected FILE lists all)");
    const none = join(dir, "none-good.csv");
    writeFileSync(none, "timestamp,value\n2024-01-01 00:00:00,x\n2024-01-01 00:05:00,y\n");
    const n = runCli("detect", ["--input", none, "--columns", "value", "--rejected", join(dir, "none-rejected.csv")]);
    expect([n.status, n.stdout]).to.deep.equal([1, ""]);
    expect(n.stderr.split("\n").slice(-2)).to.deep.equal([`error: ${none}: no row could be scored (2 rejected)`, ""]);
    expect(readFileSync(join(dir, "none-rejected.csv"), "utf8").split("\n").length).to.equal(4);
    const empty = join(dir, "empty.csv");
    writeFileSync(empty, "");
    const e = runCli("detect", ["--input", empty, "--rejected", join(dir, "none-rejected.csv")]);
    expect([e.status, readFileSync(join(dir, "none-rejected.csv"), "utf8")]).to.deep.equal([1, "line,column,reason\n"]);
  });

  it("rejects unknown flags and bad option values with usage errors", () => {
    const unknown = runCli("detect", ["--input", input, "--colums", "value"]);
    expect(unknown.status).to.equal(2);
    expect(unknown.stderr).to.match(/^error: unknown flag --colums; known: --input, /);
    const option = runCli("detect", ["--input", input, "--option", "shingleSize=0"]);
    expect(option.status).to.equal(2);
    expect(option.stderr).to.equal('error: option shingleSize must be an integer in [1, 64], got "0"\n');
  });

  it("scores with the anomaly likelihood and one alarm per event when asked, and names a bad scoring value", () => {
    const out = join(dir, "likelihood.csv");
    const r = runCli("detect", [
      "--input",
      input,
      "--columns",
      "value",
      "--output",
      out,
      "--option",
      "numberOfTrees=30",
      "--option",
      "scoring=likelihood",
      "--option",
      "suppress=30",
    ]);
    expect(r.status, r.stderr).to.equal(0);
    const flagged = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l, i) => [i, l.split(",")[2]] as const)
      .filter(([, a]) => a === "1")
      .map(([i]) => i);
    expect(flagged).to.include(500);
    const gaps = flagged.slice(1).map((f, k) => f - flagged[k]);
    expect(
      gaps.every((g) => g > 30),
      `alarms at ${flagged.join(", ")}`,
    ).to.equal(true);
    const bad = runCli("detect", ["--input", input, "--option", "scoring=htm"]);
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.equal('error: option scoring must be one of threshold, likelihood, got "htm"\n');
  });
});

describe("eval command", () => {
  it("scores a NAB-layout folder and prints the JSON contract", () => {
    const nab = join(dir, "nab");
    mkdirSync(join(nab, "data", "cat"), { recursive: true });
    mkdirSync(join(nab, "labels"), { recursive: true });
    writeFileSync(
      join(nab, "data", "cat", "a.csv"),
      readFileSync(input, "utf8")
        .split("\n")
        .map((l) => l.split(",").slice(0, 2).join(","))
        .join("\n"),
    );
    writeFileSync(
      join(nab, "labels", "combined_windows.json"),
      JSON.stringify({ "cat/a.csv": [["2024-01-02 17:00:00.000000", "2024-01-02 19:00:00.000000"]], "cat/elsewhere.csv": [] }),
    );
    // a file the labels do not name is left out, and said to be
    writeFileSync(join(nab, "data", "cat", "unlabelled.csv"), "timestamp,value\n2024-01-01 00:00:00,1\n");
    const r = runCli("eval", ["--nab", nab, "--json", "--option", "numberOfTrees=30"]);
    expect(r.status, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout);
    expect(report).to.include({ benchmark: "NAB", files: 1, rows: 600, windows: 1 });
    expect(Object.keys(report.scores)).to.deep.equal(["standard", "reward_low_FP_rate", "reward_low_FN_rate"]);
    // the spike at row 500 (17:40) sits in the window: a good detector scores high
    expect(report.scores.standard).to.be.greaterThan(50);
    expect(r.stderr).to.include("[1/1] cat/a.csv: 600 rows");
    expect(r.stderr).to.include("1 of 2 labelled series have no file under data/ and are left out: the scores are over 1 files");
    expect(r.stderr).to.include(`1 file(s) under data/ have no entry in ${join(nab, "labels", "combined_windows.json")} and are left out: cat/unlabelled.csv`);
    // without a window there is no NAB score: an error, not NaN
    writeFileSync(join(nab, "labels", "combined_windows.json"), JSON.stringify({ "cat/a.csv": [] }));
    const none = runCli("eval", ["--nab", nab, "--json"]);
    expect([none.status, none.stdout, none.stderr]).to.deep.equal([
      1,
      "",
      `error: ${join(nab, "labels", "combined_windows.json")}: no window in the 1 file(s) scored: a NAB score needs at least one labelled window\n`,
    ]);
  });

  it("names a benchmark folder that is a file", () => {
    const r = runCli("eval", ["--skab", input]);
    expect([r.status, r.stderr]).to.deep.equal([1, `error: --skab ${input}: not a folder (expected SKAB's data folder of labelled csv files)\n`]);
    const nab = runCli("eval", ["--nab", input]);
    expect([nab.status, nab.stderr]).to.deep.equal([
      1,
      `error: ${input}: not a folder (expected a NAB layout: data/<category>/*.csv, labels/combined_windows.json)\n`,
    ]);
  });

  it("refuses a flag of another mode rather than ignore it", () => {
    const cases: [string[], string][] = [
      [["--labelled", "x", "--seeds", "1,2"], "error: --seeds is for --protocol only\n"],
      [["--skab", "x", "--results", "r.json"], "error: --results is for --protocol only\n"],
      [
        ["--protocol", "--detector", "zscore"],
        "error: --detector does not apply to --protocol, which runs the rcf candidates of anomaly/evaluation/candidates.ts\n",
      ],
      [
        ["--protocol", "--option", "numberOfTrees=5"],
        "error: --option does not apply to --protocol, which runs the rcf candidates of anomaly/evaluation/candidates.ts\n",
      ],
    ];
    for (const [args, stderr] of cases) expect(runCli("eval", args)).to.deep.include({ status: 2, stderr });
  });

  it("needs exactly one benchmark folder", () => {
    const r = runCli("eval", ["--json"]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^error: give exactly one of --nab DIR, --skab DIR, --holdout DIR, --labelled DIR or --protocol/);
  });

  it("scores the hold-out: the real meter exports with seeded injected faults, NAB-scored", function () {
    const meters = requireShared(this, "meters");
    const r = runCli("eval", ["--holdout", meters, "--json", "--detector", "ewma"]);
    expect(r.status, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout);
    expect(report).to.include({ benchmark: "holdout", detector: "ewma", series: 12, rows: 12 * 8760, windows: 36 });
    expect(report.injected.map((x: { name: string; seed: number }) => `${x.name}#${x.seed}`).slice(0, 5)).to.deep.equal([
      "meter01.csv#1",
      "meter02.csv#1",
      "meter03.csv#1",
      "meter04.csv#1",
      "meter01.csv#2",
    ]);
    expect(report.scores.standard).to.be.within(0, 100);
  });

  it("refuses a hold-out folder without CSV files, naming it", () => {
    const empty = tempDir("gridrail-holdout-");
    const r = runCli("eval", ["--holdout", empty]);
    expect([r.status, r.stderr]).to.deep.equal([1, `error: --holdout ${empty}: no .csv file in it\n`]);
  });
});
