import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { CANDIDATES } from "../../anomaly/evaluation/candidates";
import { PROTOCOL_SETS } from "../../anomaly/evaluation/devSets";
import { STATE_CANDIDATES, STATE_SETS } from "../../anomaly/evaluation/stateCandidates";
import { runCli } from "../helpers/runCli";

/** Stored state-track figures: every candidate 0.5 on every set, `better` (if given) 0.6 on all but smd. */
function stateStored(better?: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(STATE_CANDIDATES).map(([name, options]) => [
      name,
      { options, figures: Object.fromEntries(STATE_SETS.map((s) => [s, name === better && s !== "smd" ? 0.6 : 0.5])), details: {}, seconds: 1 },
    ]),
  );
}

describe("eval --protocol", () => {
  it("chooses from stored figures without running a candidate again, and prints both counts of NAB's categories", () => {
    const dir = mkdtempSync(join(tmpdir(), "gridrail-protocol-"));
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
    const r = runCli("eval", ["--protocol", "--data", dir, "--results", results, "--json"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.equal("");
    const out = JSON.parse(r.stdout);
    expect(out.results.merged.chosen).to.equal(names[1]);
    expect(out.results.merged.heldOut.find((h: { set: string }) => h.set === "skab")).to.deep.include({ chosen: names[1], heldOut: 0.5 });
    expect(out.results.merged.crossValidated).to.be.closeTo((6 * 0.7 + 0.5) / 7, 1e-12);
    expect(out.results.categories.heldOut).to.have.length(8);
    expect(Object.keys(out.stored)).to.deep.equal(names);
  });

  it("chooses the state alarm's options on its own track, leave-one-set-out over skab, asd and smd, and applies the adoption rule", () => {
    const dir = mkdtempSync(join(tmpdir(), "gridrail-protocol-"));
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
    const json = runCli("eval", ["--protocol", "--data", dir, "--results", results, "--json"]);
    expect(json.status, json.stderr).to.equal(0);
    const state = JSON.parse(json.stdout).state;
    expect(state.result.heldOut.map((h: { set: string; chosen: string; heldOut: number }) => [h.set, h.chosen, h.heldOut])).to.deep.equal([
      ["skab", "state: smoothing=30", 0.6],
      ["asd", "state: smoothing=30", 0.6],
      ["smd", "state: smoothing=30", 0.5],
    ]);
    expect(state.verdict).to.deep.equal({ adopt: true, incumbent: "state: current defaults", chosen: "state: smoothing=30", reasons: [] });
    const text = runCli("eval", ["--protocol", "--data", dir, "--results", results]);
    expect(text.stdout.split("\n").slice(-20)).to.deep.equal([
      "state alarm track (point-wise F1 of the alarm=state decisions): 11 candidates",
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
    const dir = mkdtempSync(join(tmpdir(), "gridrail-protocol-"));
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
    const first = runCli("eval", ["--protocol", "--data", dir, "--results", results, "--only", "state: smoothing=30", "--json"]);
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
    const again = runCli("eval", ["--protocol", "--data", dir, "--results", results, "--only", "state: smoothing=30", "--json"]);
    expect(again.stderr).to.equal("");
    expect(JSON.parse(again.stdout).state.result.chosen).to.equal("state: smoothing=30");
  });

  it("refuses an unknown candidate and a missing data folder, naming them", () => {
    const dir = mkdtempSync(join(tmpdir(), "gridrail-protocol-"));
    expect(runCli("eval", ["--protocol", "--data", dir, "--only", "nope"]).stderr).to.match(
      /^error: --only nope: no such candidate; known: previous defaults, relativeFloor=0.03, /,
    );
    expect(runCli("eval", ["--protocol", "--data", join(dir, "absent")]).stderr).to.match(new RegExp(`^error: --data ${join(dir, "absent")}: no such folder`));
  });
});
