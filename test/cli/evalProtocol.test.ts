import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { CANDIDATES } from "../../anomaly/evaluation/candidates";
import { PROTOCOL_SETS } from "../../anomaly/evaluation/devSets";
import { runCli } from "../helpers/runCli";

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
    writeFileSync(results, JSON.stringify(stored));
    const r = runCli("eval", ["--protocol", "--data", dir, "--results", results, "--json"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.equal("");
    const out = JSON.parse(r.stdout);
    expect(out.results.merged.chosen).to.equal(names[1]);
    expect(out.results.merged.heldOut.find((h: { set: string }) => h.set === "skab")).to.deep.include({ chosen: names[1], heldOut: 0.5 });
    expect(out.results.merged.crossValidated).to.be.closeTo((6 * 0.7 + 0.5) / 7, 1e-12);
    expect(out.results.categories.heldOut).to.have.length(8);
  });

  it("refuses an unknown candidate and a missing data folder, naming them", () => {
    const dir = mkdtempSync(join(tmpdir(), "gridrail-protocol-"));
    expect(runCli("eval", ["--protocol", "--data", dir, "--only", "nope"]).stderr).to.match(
      /^error: --only nope: no such candidate; known: previous defaults, relativeFloor=0.03, /,
    );
    expect(runCli("eval", ["--protocol", "--data", join(dir, "absent")]).stderr).to.match(new RegExp(`^error: --data ${join(dir, "absent")}: no such folder`));
  });
});
