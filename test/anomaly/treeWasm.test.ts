import { expect } from "chai";
import { readFileSync } from "fs";
import { TREE_MODULE, treeModuleSource, compileTreeWasm } from "../../cli/buildWasm";
import { Random } from "../../anomaly/random";
import { RandomCutForest } from "../../anomaly/rcf/forest";
import { ForestMemory, forestBytes, storeCapacity } from "../../anomaly/rcf/forestMemory";
import { PointStore } from "../../anomaly/rcf/pointStore";
import { RandomCutTree } from "../../anomaly/rcf/tree";

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

  it("counts the store's bytes for the points it is told a forest holds, and never more than its capacity", () => {
    const whole = forestBytes(9, 128, 20);
    // 9 dimensions of float32: 36 bytes a point, aligned to 16
    const table: [number, number][] = [
      [storeCapacity(128, 20), whole],
      [10 * storeCapacity(128, 20), whole],
      [2001, whole - (Math.ceil((storeCapacity(128, 20) * 36) / 16) * 16 - Math.ceil((2001 * 36) / 16) * 16)],
      [0, whole - Math.ceil((storeCapacity(128, 20) * 36) / 16) * 16],
    ];
    for (const [stored, bytes] of table) expect(forestBytes(9, 128, 20, stored), `${stored} points`).to.equal(bytes);
  });

  it("refuses a tree whose store lives outside its memory", () => {
    const memory = new ForestMemory(2, 8, 1);
    expect(() => new RandomCutTree(2, 8, new PointStore(2), new Random(1), memory)).to.throw("internal: a tree's point store must live in the tree's memory");
  });
});
