import { expect } from "chai";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { CANDIDATES } from "../../anomaly/evaluation/candidates";
import { PROTOCOL_SETS } from "../../anomaly/evaluation/devSets";
import { STATE_CANDIDATES, STATE_SETS } from "../../anomaly/evaluation/stateCandidates";
import { runCli } from "../helpers/runCli";
import { tempDir } from "../helpers/tempDir";

/** Stored state-track figures, one replicate a seed: every candidate 0.5 on every set, `better` (if given) 0.6 on all but smd. */
function stateStored(better?: string, seeds: readonly number[] = [42]): Record<string, unknown> {
  return Object.fromEntries(
    seeds.flatMap((seed) =>
      Object.entries(STATE_CANDIDATES).map(([name, options]) => [
        seed === 42 ? name : `${name} @seed=${seed}`,
        {
          options: seed === 42 ? options : { ...options, seed },
          figures: Object.fromEntries(STATE_SETS.map((s) => [s, name === better && s !== "smd" ? 0.6 : 0.5])),
          details: {},
          seconds: 1,
        },
      ]),
    ),
  );
}

describe("eval --protocol", () => {
  it("chooses from stored figures without running a candidate again, and prints both counts of NAB's categories", () => {
    const dir = tempDir("gridrail-protocol-");
    const sets = [...new Set(Object.values(PROTOCOL_SETS).flat())];
    // every candidate scores 0.5 everywhere except the second, better on every set but skab
    const names = Object.keys(CANDIDATES);
    const stored = Object.fromEntries(
      names.map((name, i) => [
        name,
        { options: CANDIDATES[name], figures: Object.fromEntries(sets.map((s) => [s, i === 1 && s !== "skab" ? 0.7 : 0.5])), details: {}, seconds: 1 },
      ]),
    );
    const results = join(dir, "protocol.json");
    writeFileSync(results, JSON.stringify({ ...stored, "alarm=state": stateStored() }));
    const r = runCli("eval", ["--protocol", "--data", dir, "--results", results, "--seeds", "42", "--json"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.equal("");
    const out = JSON.parse(r.stdout);
    expect(out.results.merged.chosen).to.equal(names[1]);
    expect(out.results.merged.heldOut.find((h: { set: string }) => h.set === "skab")).to.deep.include({ chosen: names[1], heldOut: 0.5 });
    expect(out.results.merged.crossValidated).to.be.closeTo((6 * 0.7 + 0.5) / 7, 1e-12);
    expect(out.results.categories.heldOut).to.have.length(8);
    expect(Object.keys(out.stored)).to.deep.equal(names);
  });

  it("holds NAB's categories out together and names the choice made without them, with its NAB score", () => {
    const dir = tempDir("gridrail-protocol-");
    const sets = [...new Set(Object.values(PROTOCOL_SETS).flat())];
    // the second candidate is best away from NAB, the third on NAB's sets; each has its own NAB standard score
    const names = Object.keys(CANDIDATES);
    const figure = (i: number, set: string): number => (set.startsWith("nab:") ? (i === 2 ? 0.95 : 0.4) : i === 1 ? 0.7 : i === 2 ? 0.6 : 0.5);
    const stored = Object.fromEntries(
      names.map((name, i) => [
        name,
        { options: CANDIDATES[name], figures: Object.fromEntries(sets.map((s) => [s, figure(i, s)])), details: { nab: { standard: 40 + i } }, seconds: 1 },
      ]),
    );
    const results = join(dir, "protocol.json");
    writeFileSync(results, JSON.stringify({ ...stored, "alarm=state": stateStored() }));
    const r = runCli("eval", ["--protocol", "--data", dir, "--results", results, "--seeds", "42"]);
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.split("\n");
    const at = lines.indexOf("leave-one-benchmark-out (a benchmark's sets held out together; the others are single sets, as above):");
    expect(at).to.be.greaterThan(0);
    expect(lines[at + 1].replace(/ +/g, " ")).to.equal(` nab ${names[1]} art 0.400, realKnownCause 0.400; NAB standard over all its files 41.00`);
    // leave-one-set-out lets realKnownCause vouch for the NAB-only candidate when the artificial files are held out
    const json = JSON.parse(runCli("eval", ["--protocol", "--data", dir, "--results", results, "--seeds", "42", "--json"]).stdout);
    expect(json.results.merged.heldOut[0]).to.deep.include({ set: "nab:artificial", chosen: names[2] });
    expect(json.benchmarks[0]).to.deep.include({ benchmark: "nab", chosen: names[1], heldOut: { "nab:artificial": 0.4, "nab:realKnownCause": 0.4 } });
  });

  it("chooses the state alarm's options on its own track, leave-one-set-out over skab, asd and smd, and applies the adoption rule", () => {
    const dir = tempDir("gridrail-protocol-");
    const names = Object.keys(CANDIDATES);
    const onset = Object.fromEntries(
      names.map((name) => [
        name,
        {
          options: CANDIDATES[name],
          figures: Object.fromEntries([...PROTOCOL_SETS.categories, ...PROTOCOL_SETS.merged].map((s) => [s, 0.5])),
          details: {},
          seconds: 1,
        },
      ]),
    );
    const results = join(dir, "protocol.json");
    writeFileSync(results, JSON.stringify({ ...onset, "alarm=state": stateStored("state: smoothing=30") }));
    const json = runCli("eval", ["--protocol", "--data", dir, "--results", results, "--seeds", "42", "--json"]);
    expect(json.status, json.stderr).to.equal(0);
    const state = JSON.parse(json.stdout).state;
    expect(state.result.heldOut.map((h: { set: string; chosen: string; heldOut: number }) => [h.set, h.chosen, h.heldOut])).to.deep.equal([
      ["skab", "state: smoothing=30", 0.6],
      ["asd", "state: smoothing=30", 0.6],
      ["smd", "state: smoothing=30", 0.5],
    ]);
    expect(state.verdict).to.deep.equal({ adopt: true, incumbent: "state: current defaults", chosen: "state: smoothing=30", reasons: [] });
    const text = runCli("eval", ["--protocol", "--data", dir, "--results", results, "--seeds", "42"]);
    expect(text.stdout.split("\n").slice(-24)).to.deep.equal([
      "state alarm track (point-wise F1 of the alarm=state decisions): 15 candidates, seed 42",
      "candidate                         skab     asd     smd",
      "state: current defaults          0.500   0.500   0.500",
      "state: relativeFloor=0           0.500   0.500   0.500",
      "state: relativeFloor=0.01        0.500   0.500   0.500",
      "state: relativeFloor=0.1         0.500   0.500   0.500",
      "state: scoreHorizon=2560         0.500   0.500   0.500",
      "state: smoothing=30              0.600   0.600   0.500",
      "state: smoothing=120             0.500   0.500   0.500",
      "state: zFactor=2.5               0.500   0.500   0.500",
      "state: zFactor=3.5               0.500   0.500   0.500",
      "state: likelihood window 60      0.500   0.500   0.500",
      "state: before the protocol       0.500   0.500   0.500",
      "state: numberOfTrees=200         0.500   0.500   0.500",
      "state: settle=0                  0.500   0.500   0.500",
      "state: settle=500                0.500   0.500   0.500",
      "state: scaleFlagged=true         0.500   0.500   0.500",
      "leave-one-set-out over skab, asd, smd: held-out set, candidate chosen on the others, its figure there",
      "  skab     state: smoothing=30            0.600",
      "  asd      state: smoothing=30            0.600",
      "  smd      state: smoothing=30            0.500",
      "  cross-validated mean 0.567; chosen on all sets: state: smoothing=30 (in-sample mean 0.567)",
      "  adoption rule (better held-out figures, no set more than 0.02 worse): adopt state: smoothing=30 in place of state: current defaults",
      "",
    ]);
  });

  it("runs a state candidate not yet stored, keeps it under its own key beside the onset figures, and does not run it again", () => {
    const dir = tempDir("gridrail-protocol-");
    const stamp = (i: number): string => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().replace("T", " ").replace(".000Z", "");
    const fault = (i: number): boolean => i >= 240 && i < 270;
    const wave = (i: number): string => (fault(i) ? 60 : 10 + Math.sin(i / 5)).toFixed(4);
    mkdirSync(join(dir, "skab", "valve1"), { recursive: true });
    const skab = Array.from({ length: 300 }, (_, i) => `${stamp(i)};${wave(i)};${fault(i) ? 1 : 0};0`);
    writeFileSync(join(dir, "skab", "valve1", "0.csv"), ["datetime;Pressure;anomaly;changepoint", ...skab].join("\n") + "\n");
    for (const set of ["asd", "smd"]) {
      mkdirSync(join(dir, set));
      const rows = Array.from({ length: 300 }, (_, i) => `${stamp(i)},${wave(i)},${fault(i) ? 1 : 0}`);
      writeFileSync(join(dir, set, "a.csv"), ["timestamp,value,label", ...rows].join("\n") + "\n");
    }
    const results = join(dir, "protocol.json");
    const everySet = Object.fromEntries([...PROTOCOL_SETS.categories, ...PROTOCOL_SETS.merged].map((s) => [s, 0.5]));
    const onset = { "previous defaults": { options: CANDIDATES["previous defaults"], figures: everySet, details: {}, seconds: 1 } };
    writeFileSync(results, JSON.stringify(onset));
    const first = runCli("eval", ["--protocol", "--data", dir, "--results", results, "--only", "state: smoothing=30", "--seeds", "42", "--json"]);
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stderr.split("\n")[0]).to.equal(`candidate state: smoothing=30 ${JSON.stringify(STATE_CANDIDATES["state: smoothing=30"])}: skab, asd, smd`);
    const file = JSON.parse(readFileSync(results, "utf8"));
    expect(Object.keys(file)).to.deep.equal(["previous defaults", "alarm=state"]);
    expect(file["previous defaults"]).to.deep.equal(onset["previous defaults"]);
    expect(Object.keys(file["alarm=state"])).to.deep.equal(["state: smoothing=30"]);
    const figures = file["alarm=state"]["state: smoothing=30"].figures;
    expect(Object.keys(figures)).to.deep.equal(["skab", "asd", "smd"]);
    // the same series in all three sets: the same F1 from SKAB's reader and the labelled-CSV reader
    expect(figures.skab).to.equal(0.652); // the 30-row fault, flagged once the 30-score mean rises
    expect(figures.asd).to.equal(figures.skab);
    expect(figures.smd).to.equal(figures.skab);
    const again = runCli("eval", ["--protocol", "--data", dir, "--results", results, "--only", "state: smoothing=30", "--seeds", "42", "--json"]);
    expect(again.stderr).to.equal("");
    expect(JSON.parse(again.stdout).state.result.chosen).to.equal("state: smoothing=30");
  });

  it("judges each candidate on the mean of its seed replicates, and shows how far a seed moves each set", () => {
    const dir = tempDir("gridrail-protocol-");
    const sets = [...new Set(Object.values(PROTOCOL_SETS).flat())];
    const names = Object.keys(CANDIDATES);
    // seed 42: the second candidate 0.7 everywhere, the others 0.5; seed 7: the third 0.9 everywhere, the others 0.5
    const entries: [string, unknown][] = [];
    for (const [seed, lucky, figure] of [
      [42, 1, 0.7],
      [7, 2, 0.9],
    ] as const) {
      names.forEach((name, i) => {
        const options = seed === 42 ? CANDIDATES[name] : { ...CANDIDATES[name], seed };
        const figures = Object.fromEntries(sets.map((s) => [s, i === lucky ? figure : 0.5]));
        entries.push([seed === 42 ? name : `${name} @seed=${seed}`, { options, figures, details: {}, seconds: 1 }]);
      });
    }
    const results = join(dir, "protocol.json");
    writeFileSync(results, JSON.stringify({ ...Object.fromEntries(entries), "alarm=state": stateStored("state: smoothing=30", [42, 7]) }));
    const alone = runCli("eval", ["--protocol", "--data", dir, "--results", results, "--seeds", "42", "--json"]);
    expect(JSON.parse(alone.stdout).results.merged.chosen).to.equal(names[1]);
    const both = runCli("eval", ["--protocol", "--data", dir, "--results", results, "--seeds", "42,7", "--json"]);
    expect(both.status, both.stderr).to.equal(0);
    expect(both.stderr).to.equal("");
    const out = JSON.parse(both.stdout);
    expect(out.seeds).to.deep.equal([42, 7]);
    expect(out.results.merged.chosen).to.equal(names[2]);
    expect(out.table[names[1]].asd).to.be.closeTo(0.6, 1e-12);
    expect(out.table[names[2]].asd).to.be.closeTo(0.7, 1e-12);
    expect(out.state.result.chosen).to.equal("state: smoothing=30");
    expect(out.state.spread).to.deep.equal({ skab: 0, asd: 0, smd: 0 });
    const text = runCli("eval", ["--protocol", "--data", dir, "--results", results, "--seeds", "42,7"]).stdout.split("\n");
    expect(text[0]).to.equal(
      `figure per set (NAB standard / 100, SKAB F1, share of quiet files or caught points): ${names.length} candidates, each the mean of seeds 42, 7`,
    );
    // spread 0.2 for the second candidate, 0.4 for the third, 0 for the others, on every set
    const spread = text.find((l) => l.startsWith("(seed spread, mean)"))!;
    expect(spread.trim().split(/\s+/).slice(3)).to.deep.equal(sets.map(() => (0.6 / names.length).toFixed(3)));
  });

  it("refuses a malformed or repeated seed, naming it", () => {
    const dir = tempDir("gridrail-protocol-");
    expect(runCli("eval", ["--protocol", "--data", dir, "--seeds", "42,x"]).stderr).to.match(
      /^error: --seeds 42,x: "x" is not an integer seed in \[0, 4294967295\]/,
    );
    expect(runCli("eval", ["--protocol", "--data", dir, "--seeds", "1.5"]).stderr).to.match(/^error: --seeds 1.5: "1.5" is not an integer seed/);
    expect(runCli("eval", ["--protocol", "--data", dir, "--seeds", "7,7"]).stderr).to.match(/^error: --seeds 7,7: seed 7 is given twice/);
  });

  it("refuses an unknown candidate and a missing data folder, naming them", () => {
    const dir = tempDir("gridrail-protocol-");
    expect(runCli("eval", ["--protocol", "--data", dir, "--only", "nope"]).stderr).to.match(
      /^error: --only nope: no such candidate; known: previous defaults, relativeFloor=0.03, /,
    );
    const absent = runCli("eval", ["--protocol", "--data", join(dir, "absent")]);
    expect([absent.status, absent.stderr]).to.deep.equal([1, `error: --data ${join(dir, "absent")}: no such folder\n`]);
  });

  it("names the flag and the file of a --data or --results it cannot use, before running any candidate", () => {
    const dir = tempDir("gridrail-protocol-");
    const file = join(dir, "figures.json");
    writeFileSync(file, "{bad");
    writeFileSync(join(dir, "list.json"), "[]");
    const cases: [string[], number, string][] = [
      [["--data", file], 1, `error: --data ${file}: not a folder`],
      [["--data", dir, "--results", dir], 1, `error: --results ${dir}: a folder, not a file`],
      [
        ["--data", dir, "--results", file],
        1,
        `error: --results ${file}: not JSON (Expected property name or '}' in JSON at position 1 (line 1 column 2)); move it aside to run every candidate again`,
      ],
      [
        ["--data", dir, "--results", join(dir, "new.json"), "--only", "previous defaults", "--seeds", "42"],
        1,
        `error: --data ${dir} (its meters/ folder): not a folder`,
      ],
      [["--data", dir, "--results", join(dir, "list.json")], 1, `error: --results ${join(dir, "list.json")}: not the protocol's figures (a JSON object)`],
    ];
    for (const [args, status, line] of cases) {
      const r = runCli("eval", ["--protocol", ...args]);
      expect([r.status, r.stderr.split("\n").filter((l) => l.startsWith("error:"))]).to.deep.equal([status, [line]]);
    }
  });
});
