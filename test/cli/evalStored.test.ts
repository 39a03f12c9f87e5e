import { expect } from "chai";
import { sameOptions, Stored, storedTable } from "../../cli/evalStored";
import { DetectorOptions } from "../../anomaly/types";

describe("storedTable over replicates", () => {
  const candidates = { first: { suppress: 30 }, second: { suppress: 60 }, third: { suppress: 15 } };
  const entry = (options: DetectorOptions, a: number, b: number): Stored => ({ options, figures: { a, b }, details: {}, seconds: 1 });
  const stored: Record<string, Stored> = {
    first: entry({ suppress: 30 }, 0.5, 0.5),
    "first @seed=1": entry({ suppress: 30, seed: 1 }, 0.7, 0.3),
    second: entry({ suppress: 60 }, 0.9, 0.9),
    // a replicate stored with options the candidate no longer has does not count
    "second @seed=1": entry({ suppress: 45, seed: 1 }, 0.1, 0.1),
    third: entry({ suppress: 15 }, 0.4, 0.4),
  };

  it("judges only candidates with every replicate current, on their mean, and reports the mean seed spread", () => {
    const { names, table, spread } = storedTable(candidates, stored, [42, 1]);
    expect(names).to.deep.equal(["first"]);
    expect(table.first.a).to.be.closeTo(0.6, 1e-12);
    expect(table.first.b).to.be.closeTo(0.4, 1e-12);
    expect(spread.a).to.be.closeTo(0.2, 1e-12);
    expect(spread.b).to.be.closeTo(0.2, 1e-12);
  });

  it("with the library's seed alone, is the stored figures as they are", () => {
    const { names, table, spread } = storedTable(candidates, stored, [42]);
    expect(names).to.deep.equal(["first", "second", "third"]);
    expect(table.second).to.deep.equal({ a: 0.9, b: 0.9 });
    expect(spread).to.deep.equal({ a: 0, b: 0 });
  });

  const same: [DetectorOptions, DetectorOptions, boolean][] = [
    [{ suppress: 30, seed: 1 }, { seed: 1, suppress: 30 }, true],
    // figures stored before escalate became a default ran without it: they count for a candidate naming 0
    [{ suppress: 30 }, { suppress: 30, escalate: 0 }, true],
    [{ suppress: 30 }, { suppress: 30, escalate: 100 }, false],
    // and before likelihoodFill became a default, without it
    [{ suppress: 30 }, { suppress: 30, likelihoodFill: 0, escalate: 0 }, true],
    [{ suppress: 30 }, { suppress: 30, likelihoodFill: 2 }, false],
    // and before the state alarm's scaleFlagged became false, without it
    [{ alarm: "state", settle: 300 }, { alarm: "state", settle: 300, scaleFlagged: true }, true],
    [{ alarm: "state", settle: 300 }, { alarm: "state", settle: 300, scaleFlagged: false }, false],
    [{ suppress: 30, escalate: 100 }, { suppress: 30, escalate: 100 }, true],
    [{ suppress: 30 }, { suppress: 60 }, false],
  ];
  for (const [stored, wanted, expected] of same) {
    it(`reads options stored as ${JSON.stringify(stored)} ${expected ? "as" : "not as"} ${JSON.stringify(wanted)}`, () =>
      expect(sameOptions(stored, wanted)).to.equal(expected));
  }
});
