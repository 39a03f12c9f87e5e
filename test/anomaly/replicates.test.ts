import { expect } from "chai";
import { meanFigures, PROTOCOL_SEEDS, replicateKey, replicateOptions, seedSpread } from "../../anomaly/evaluation/replicates";
import { RCF_DEFAULTS } from "../../anomaly/rcf/rcfOptions";

describe("seed replicates of the defaults protocol", () => {
  it("put the library's own seed first, so figures stored from one run with it are the first replicate", () => {
    expect(PROTOCOL_SEEDS[0]).to.equal(RCF_DEFAULTS.seed);
    expect(new Set(PROTOCOL_SEEDS).size).to.equal(PROTOCOL_SEEDS.length);
  });

  const cases: [string, number, string, Record<string, unknown>][] = [
    ["the library's seed keeps the candidate's name and options", 42, "onset: x", { suppress: 30 }],
    ["another seed is stored under its own key, with the seed in its options", 7, "onset: x @seed=7", { suppress: 30, seed: 7 }],
    ["seed 0 is a seed like any other", 0, "onset: x @seed=0", { suppress: 30, seed: 0 }],
  ];
  for (const [name, seed, key, options] of cases) {
    it(name, () => {
      expect(replicateKey("onset: x", seed)).to.equal(key);
      expect(replicateOptions({ suppress: 30 }, seed)).to.deep.equal(options);
    });
  }

  const means: [string, (Record<string, number> | undefined)[], Record<string, number> | undefined][] = [
    ["one replicate is its own mean", [{ a: 0.5, b: 0.25 }], { a: 0.5, b: 0.25 }],
    [
      "the mean per set over the replicates",
      [
        { a: 0.5, b: 0.2 },
        { a: 0.7, b: 0.4 },
        { a: 0.9, b: 0.3 },
      ],
      { a: 0.7, b: 0.3 },
    ],
    ["a missing replicate leaves the candidate unjudged", [{ a: 0.5 }, undefined], undefined],
    ["a replicate lacking a set leaves the candidate unjudged", [{ a: 0.5, b: 0.5 }, { a: 0.5 }], undefined],
    ["no replicate, no mean", [], undefined],
  ];
  for (const [name, replicates, expected] of means) {
    it(`meanFigures: ${name}`, () => {
      const mean = meanFigures(replicates);
      if (expected === undefined) return void expect(mean).to.equal(undefined);
      expect(Object.keys(mean!)).to.deep.equal(Object.keys(expected));
      for (const set of Object.keys(expected)) expect(mean![set]).to.be.closeTo(expected[set], 1e-12);
    });
  }

  it("seedSpread: the largest minus the smallest replicate, per set", () => {
    const spread = seedSpread([
      { a: 0.5, b: 0.2 },
      { a: 0.7, b: 0.4 },
      { a: 0.6, b: 0.1 },
    ]);
    expect(spread.a).to.be.closeTo(0.2, 1e-12);
    expect(spread.b).to.be.closeTo(0.3, 1e-12);
  });
});
