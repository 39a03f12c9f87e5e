import { expect } from "chai";
import { readFileSync } from "fs";
import { TREE_MODULE, treeModuleSource, compileTreeWasm } from "../../cli/buildWasm";
import { Random } from "../../anomaly/random";
import { RandomCutForest } from "../../anomaly/rcf/forest";
import { ForestMemory } from "../../anomaly/rcf/forestMemory";
import { PointStore } from "../../anomaly/rcf/pointStore";
import { RandomCutTree } from "../../anomaly/rcf/tree";

/**
 * The climb as wasm/tree.wat describes it, in plain JavaScript: per node on the path from the leaf's parent
 * up, twice the point's distance outside the box, even dimensions and odd ones summed apart, in order.
 */
function referenceClimb(tree: RandomCutTree, point: ArrayLike<number>, i: number, score: number): number {
  const dims = tree.dimensions;
  for (; i >= 0; i--) {
    const node = tree.path[i];
    let even = 0;
    let odd = 0;
    for (let d = 0; d < dims; d++) {
      const lo = tree.box[2 * (node * dims + d)] - point[d];
      const hi = point[d] - tree.box[2 * (node * dims + d) + 1];
      const t = lo + Math.abs(lo) + (hi + Math.abs(hi));
      if (d % 2 === 0) even += t;
      else odd += t;
    }
    const gap2 = even + odd;
    if (gap2 === 0) break;
    const gap = gap2 / 2;
    const p = gap / (tree.boxRange[node] + gap);
    score = p * (1 / (i + 1)) + (1 - p) * score;
  }
  return score;
}

/** A tree of `n` points drawn by `draw`, room for `capacity` (a one-tree forest's, the points inserted without its sampler). */
function treeOf(dims: number, n: number, draw: (r: Random) => number, seed: number, capacity = n): RandomCutTree {
  const r = new Random(seed);
  const forest = new RandomCutForest({ dimensions: dims, numberOfTrees: 1, sampleSize: capacity, lambda: 0, seed });
  const store = forest.store;
  const tree = forest.trees[0];
  for (let k = 0; k < n; k++) {
    const index = store.add(Float32Array.from({ length: dims }, () => draw(r)));
    store.incrementRef(tree.insert(index));
  }
  return tree;
}

describe("the compiled tree code (wasm/tree.wat)", () => {
  it("treeModule.ts is what tree.wat compiles to (npm run build:wasm)", async () => {
    expect(readFileSync(TREE_MODULE, "utf8")).to.equal(treeModuleSource(await compileTreeWasm()));
  });

  // odd and even dimension counts (the odd one out takes the scalar tail), coarse values for points on
  // box boundaries and inside boxes, wide ones for points far outside
  const cases = [
    { dims: 1, draw: (r: Random) => r.nextDouble() },
    { dims: 2, draw: (r: Random) => Math.floor(r.nextDouble() * 4) },
    { dims: 3, draw: (r: Random) => r.nextDouble() * 100 - 50 },
    { dims: 5, draw: (r: Random) => Math.floor(r.nextDouble() * 3) / 2 },
    { dims: 20, draw: (r: Random) => Math.sin(r.nextDouble() * 7) },
  ];
  for (const { dims, draw } of cases) {
    it(`gives the plain JavaScript climb's scores bit for bit, ${dims}-d`, () => {
      const tree = treeOf(dims, 64, draw, 11 * dims);
      const r = new Random(dims);
      let climbs = 0;
      let stoppedInside = 0;
      for (let q = 0; q < 300; q++) {
        // every third query is drawn wider, so it lies outside the root's box
        const scale = q % 3 === 0 ? 3 : 1;
        const point = Float32Array.from({ length: dims }, () => draw(r) * scale);
        tree.memory.loadPoint(point);
        tree.descend(point);
        const len = tree.pathLength;
        if (len === 0) continue;
        const start = 1 / (len + 1);
        const compiled = tree.memory.climb(tree.box.byteOffset, tree.boxRange.byteOffset, tree.path.byteOffset, tree.memory.point.byteOffset, tree.memory.unseenScore.byteOffset, dims, len - 1, start);
        expect(compiled, `query ${q}: ${Array.from(point)}`).to.equal(referenceClimb(tree, point, len - 1, start));
        climbs++;
        if (compiled === start) stoppedInside++;
      }
      expect(climbs).to.be.greaterThan(250);
      // climbs that move the score were compared, and in few dimensions, climbs that stop at once (in 20
      // dimensions a query is never inside its leaf's parent's box)
      expect(stoppedInside, "climbs that stopped at the first box").to.be.lessThan(climbs);
      if (dims <= 5) expect(stoppedInside, "climbs that stopped at the first box").to.be.greaterThan(0);
    });
  }

  it("descends as the JavaScript descent does, and reports the leaf when it holds the point itself", () => {
    const dims = 3;
    const forest = new RandomCutForest({ dimensions: dims, numberOfTrees: 3, sampleSize: 32, lambda: 0.01, seed: 9 });
    const r = new Random(4);
    const seen: Float32Array[] = [];
    for (let k = 0; k < 200; k++) {
      const point = Float32Array.from({ length: dims }, () => Math.floor(r.nextDouble() * 6));
      forest.update(point);
      seen.push(point);
    }
    let held = 0;
    for (let q = 0; q < 200; q++) {
      const point = q % 2 === 0 ? seen[seen.length - 1 - q] : Float32Array.from({ length: dims }, () => r.nextDouble() * 6);
      for (const tree of forest.trees) {
        tree.memory.loadPoint(point);
        const compiled = tree.memory.score(tree.header.byteOffset, tree.root);
        const leaf = tree.descend(point);
        const len = tree.pathLength;
        const stored = tree.leafPoint[leaf];
        if (Array.from(point).every((v, d) => tree.store.coord(stored, d) === v)) {
          held++;
          expect([compiled, tree.memory.out[0], tree.memory.out[1]], `query ${q}`).to.deep.equal([-1, len, leaf]);
        } else {
          expect(compiled, `query ${q}`).to.equal(len === 0 ? 1 : referenceClimb(tree, point, len - 1, 1 / (len + 1)));
        }
      }
    }
    expect(held).to.be.within(1, 599);
  });

  it("draws its cuts from the tree's generator as anomaly/random.ts does, and leaves the generator where JavaScript would", () => {
    const tree = treeOf(4, 20, (r) => r.nextDouble(), 21, 40);
    tree.random = new Random(99);
    const store = tree.store;
    const r = new Random(22);
    for (let k = 0; k < 20; k++) {
      const index = store.add(Float32Array.from({ length: 4 }, () => r.nextDouble() * 2));
      store.incrementRef(tree.insert(index));
    }
    // every draw takes two words: find how many the inserts took
    const expected = new Random(99);
    const after = tree.random.getState();
    let words = 0;
    while (words < 10_000 && JSON.stringify(expected.getState()) !== JSON.stringify(after)) {
      expected.nextUint32();
      words++;
    }
    expect(words % 2, `words drawn: ${words}`).to.equal(0);
    // at least one draw per inserted point (a new leaf is always split by a drawn cut), and not lost
    expect(words).to.be.within(40, 9_998);
    expect(tree.random.nextDouble()).to.equal(expected.nextDouble());
  });

  it("keeps a forest's store and trees in one memory, without overlaps", () => {
    const forest = new RandomCutForest({ dimensions: 3, numberOfTrees: 4, sampleSize: 32, lambda: 0.01, seed: 5 });
    const arrays: ArrayBufferView[] = [forest.store.values];
    for (const t of forest.trees) arrays.push(t.header, t.left, t.right, t.cutDim, t.cutValue, t.leafPoint, t.path, t.box, t.boxRange);
    expect(new Set(arrays.map((a) => a.buffer)).size).to.equal(1);
    const spans = arrays.map((a) => [a.byteOffset, a.byteOffset + a.byteLength]).sort((x, y) => x[0] - y[0]);
    for (let k = 1; k < spans.length; k++) expect(spans[k][0], `array ${k}`).to.be.at.least(spans[k - 1][1]);
    // the memory holds exactly the store and the trees
    expect(() => new RandomCutTree(3, 32, forest.store, new Random(1), forest.trees[0].memory)).to.throw("internal: forest memory exhausted");
  });

  it("refuses a tree whose store lives outside its memory", () => {
    const memory = new ForestMemory(2, 8, 1);
    expect(() => new RandomCutTree(2, 8, new PointStore(2), new Random(1), memory)).to.throw("internal: a tree's point store must live in the tree's memory");
  });
});
