import { expect } from "chai";
import { runDifferential } from "../helpers/treeDifferential";

describe("the compiled tree code against the reference tree (reference/referenceTree.ts)", () => {
  // a small sample fills and empties often; a larger one grows deeper trees
  const cases = [
    { dims: 1, sampleSize: 64, seed: 1 },
    { dims: 1, sampleSize: 8, seed: 2 },
    { dims: 2, sampleSize: 64, seed: 3 },
    { dims: 5, sampleSize: 32, seed: 4 },
    { dims: 20, sampleSize: 32, seed: 5 },
  ];
  for (const c of cases) {
    it(`holds the same cuts, boxes, masses, generator and scores after every insert and delete, ${c.dims}-d, sample ${c.sampleSize}`, () => {
      const run = runDifferential({ ...c, operations: 1500 });
      expect(run.difference).to.equal(undefined);
      // the stream reached the cases that matter: ties, new extremes, a full tree, an emptied one
      expect(run.inserts + run.deletes).to.equal(1500);
      expect(run.scores).to.equal(5 * 1500);
      expect(run.duplicates, "inserts of held coordinates").to.be.greaterThan(50);
      expect(run.extremes, "inserts outside the root's box").to.be.greaterThan(20);
      expect(run.seenScores, "scores of held points").to.be.greaterThan(1000);
      expect(run.full, "times the tree was full").to.be.greaterThan(0);
      expect(run.emptied, "times the tree was emptied").to.be.greaterThan(0);
    });
  }
});
