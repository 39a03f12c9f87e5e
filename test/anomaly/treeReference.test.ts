import { expect } from "chai";
import fc from "fast-check";
import { runDifferential, TreePair } from "../helpers/treeDifferential";

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

  it("agrees on any sequence of inserts and deletes of float32 points, shrunk to the shortest when not", () => {
    const ulp = 2 ** -23;
    // signed zeros, float32 neighbours, halves, and any finite float32 of moderate size
    const coordinate = fc.oneof(fc.constantFrom(0, -0, 1, 1 + ulp, 1 + 2 * ulp, -1, 0.5), fc.float({ noNaN: true, min: -1e6, max: 1e6 }));
    const operation = fc.record({ insert: fc.boolean(), point: fc.array(coordinate, { minLength: 5, maxLength: 5 }), pick: fc.nat() });
    const sample = 8;
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 3, 5), fc.nat(), fc.array(operation, { maxLength: 40 }), (dims, seed, operations) => {
        const pair = new TreePair(dims, sample, seed);
        for (const [i, o] of operations.entries()) {
          const insert = pair.held.length === 0 || (o.insert && pair.held.length < sample);
          const touched = insert ? Float32Array.from(o.point.slice(0, dims)) : pair.delete(o.pick % pair.held.length);
          const held = pair.held.length > 0 ? pair.coordinates(pair.held[o.pick % pair.held.length]) : touched;
          const difference = (insert ? pair.insert(touched) : undefined) ?? pair.difference([touched, held]);
          if (difference) throw new Error(`operation ${i} (${insert ? "insert" : "delete"}): ${difference}`);
        }
      }),
      { numRuns: 300, seed: 18 },
    );
  });
});
