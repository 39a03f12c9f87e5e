import { expect } from "chai";
import { Random } from "../../anomaly/random";
import { RandomCutForest } from "../../anomaly/rcf/forest";
import { NIL, RandomCutTree } from "../../anomaly/rcf/tree";

/** Walks a subtree: its points' bounding box and mass, computed from the leaves alone. */
function spanOf(tree: RandomCutTree, ref: number): { min: number[]; max: number[]; mass: number } {
  if (ref < 0) {
    const p = Array.from({ length: tree.dimensions }, (_, d) => tree.store.coord(tree.leafPoint[-ref - 1], d));
    return { min: p, max: [...p], mass: tree.leafMass[-ref - 1] };
  }
  const l = spanOf(tree, tree.left[ref]);
  const r = spanOf(tree, tree.right[ref]);
  return { min: l.min.map((v, d) => Math.min(v, r.min[d])), max: l.max.map((v, d) => Math.max(v, r.max[d])), mass: l.mass + r.mass };
}

/** Every internal node's cached box, range sum and mass against a recomputation from its leaves; the mismatches. */
function cacheErrors(tree: RandomCutTree): string[] {
  const errors: string[] = [];
  const visit = (ref: number): void => {
    if (ref < 0) return;
    const span = spanOf(tree, ref);
    const dims = tree.dimensions;
    const cached = Array.from({ length: dims }, (_, d) => [tree.box[2 * (ref * dims + d)], tree.box[2 * (ref * dims + d) + 1]]);
    const expected = span.min.map((v, d) => [v, span.max[d]]);
    if (JSON.stringify(cached) !== JSON.stringify(expected)) errors.push(`node ${ref}: box ${JSON.stringify(cached)}, leaves span ${JSON.stringify(expected)}`);
    const rangeSum = expected.reduce((s, [lo, hi]) => s + (hi - lo), 0);
    if (tree.boxRange[ref] !== rangeSum) errors.push(`node ${ref}: range sum ${tree.boxRange[ref]}, leaves ${rangeSum}`);
    if (tree.mass[ref] !== span.mass) errors.push(`node ${ref}: mass ${tree.mass[ref]}, leaves ${span.mass}`);
    visit(tree.left[ref]);
    visit(tree.right[ref]);
  };
  if (tree.root !== NIL) visit(tree.root);
  return errors;
}

describe("random cut trees keep their cached boxes exact through inserts and deletes", () => {
  // streams that put points on box boundaries often: few distinct values (ties, repeated leaves), a walk
  // that keeps setting new extremes, and a noisy multi-dimensional one
  const cases: { label: string; dims: number; next: (r: Random, i: number) => number[] }[] = [
    { label: "1-d, 12 distinct values", dims: 1, next: (r) => [Math.floor(r.nextDouble() * 12)] },
    { label: "3-d, quantised to 0.5, shared coordinates", dims: 3, next: (r) => [Math.round(r.nextDouble() * 8) / 2, Math.round(r.nextDouble() * 4) / 2, 1] },
    { label: "2-d random walk (new extremes)", dims: 2, next: (r, i) => [Math.sin(i / 40) * 10 + r.nextDouble(), i % 97] },
    { label: "8-d noise", dims: 8, next: (r) => Array.from({ length: 8 }, () => r.nextDouble() * 100 - 50) },
  ];
  for (const c of cases) {
    it(c.label, () => {
      const f = new RandomCutForest({ dimensions: c.dims, numberOfTrees: 6, sampleSize: 32, lambda: 1 / 64, seed: 11 });
      const r = new Random(5);
      const errors: string[] = [];
      for (let i = 0; i < 3000; i++) {
        f.update(Float32Array.from(c.next(r, i)));
        if (i % 250 === 249) f.trees.forEach((t, k) => errors.push(...cacheErrors(t).map((e) => `after ${i + 1} points, tree ${k}, ${e}`)));
      }
      expect(errors.slice(0, 3)).to.deep.equal([]);
      expect(f.trees.map((t) => t.totalMass)).to.deep.equal(Array(6).fill(32));
    });
  }
});
