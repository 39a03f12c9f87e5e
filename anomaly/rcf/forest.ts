import { Random } from "../random";
import { ForestMemory, storeCapacity } from "./forestMemory";
import { PointStore } from "./pointStore";
import { Sampler } from "./sampler";
import { RandomCutTree } from "./tree";
import { attributeInTree, imputeInTree, scoreLoadedPoint } from "./visitors";

// Per tree and point, through a module-level name: where the code runs as CommonJS compiled per file
// (tsx: the CLI, the bench, the tests), every use of an imported name is a property read through a getter.
const scoreTree = scoreLoadedPoint;

export interface ForestConfig {
  /** Length of the points the trees hold (input dimensions x shingle size). */
  readonly dimensions: number;
  readonly numberOfTrees: number;
  readonly sampleSize: number;
  /** Decay rate lambda per point (1 / horizon in points). */
  readonly lambda: number;
  readonly seed: number;
}

/**
 * The forest: trees that each keep their own time-decayed sample of the stream, over one shared point
 * store. The samplers decide which points enter and leave; the trees follow.
 */
export class RandomCutForest {
  readonly store: PointStore;
  readonly trees: RandomCutTree[];
  readonly samplers: Sampler[];
  /** Points offered to the forest so far (the sequence number of the next one). */
  updates = 0;
  private readonly scratchHigh: Float64Array;
  private readonly scratchLow: Float64Array;
  private readonly missingMask: Uint8Array;
  /** The point store, the trees' arrays and the point being scored, where the compiled tree code reads them. */
  private readonly memory: ForestMemory;

  constructor(readonly config: ForestConfig) {
    const { dimensions, numberOfTrees, sampleSize, lambda, seed } = config;
    this.memory = new ForestMemory(dimensions, sampleSize, numberOfTrees);
    this.store = new PointStore(dimensions, storeCapacity(sampleSize, numberOfTrees), this.memory);
    const seeds = new Random(seed);
    this.trees = [];
    this.samplers = [];
    for (let t = 0; t < numberOfTrees; t++) {
      const treeSeed = seeds.nextUint32();
      const samplerSeed = seeds.nextUint32();
      this.trees.push(new RandomCutTree(dimensions, sampleSize, this.store, new Random(treeSeed), this.memory));
      this.samplers.push(new Sampler(sampleSize, lambda, samplerSeed));
    }
    this.scratchHigh = new Float64Array(dimensions);
    this.scratchLow = new Float64Array(dimensions);
    this.missingMask = new Uint8Array(dimensions);
  }

  get dimensions(): number {
    return this.config.dimensions;
  }

  /** Average anomaly score over the trees (0 before any point). */
  score(point: Float32Array): number {
    let sum = 0;
    this.memory.loadPoint(point);
    for (const tree of this.trees) sum += scoreTree(tree);
    return sum / this.trees.length;
  }

  /** Average per-dimension attribution; high + low sums to `score(point)`. */
  attribution(point: Float32Array): { high: Float64Array; low: Float64Array } {
    const dims = this.dimensions;
    const high = new Float64Array(dims);
    const low = new Float64Array(dims);
    for (const tree of this.trees) attributeInTree(tree, point, high, low, this.scratchHigh, this.scratchLow);
    const n = this.trees.length;
    for (let d = 0; d < dims; d++) {
      high[d] /= n;
      low[d] /= n;
    }
    return { high, low };
  }

  /**
   * Fills the dimensions listed in `missing` with the median over trees of each tree's completion of
   * the point (the other dimensions are copied). Used for the expected value.
   */
  impute(point: ArrayLike<number>, missing: readonly number[]): Float64Array {
    const dims = this.dimensions;
    const out = Float64Array.from({ length: dims }, (_, d) => point[d]);
    if (missing.length === 0) return out;
    this.missingMask.fill(0);
    for (const d of missing) this.missingMask[d] = 1;
    const columns = missing.map(() => [] as number[]);
    for (const tree of this.trees) {
      const p = imputeInTree(tree, point, this.missingMask);
      if (p < 0) continue;
      missing.forEach((d, k) => columns[k].push(this.store.coord(p, d)));
    }
    missing.forEach((d, k) => {
      if (columns[k].length > 0) out[d] = median(columns[k]);
    });
    return out;
  }

  /** Offers a point to every tree's sampler; accepted points enter those trees. */
  update(point: Float32Array): void {
    const seq = this.updates++;
    const store = this.store;
    let index = -1;
    for (let t = 0; t < this.trees.length; t++) {
      const sampler = this.samplers[t];
      if (!sampler.acceptPoint(seq)) continue;
      const tree = this.trees[t];
      if (sampler.evictedPoint >= 0) {
        tree.delete(sampler.evictedPoint);
        store.decrementRef(sampler.evictedPoint);
      }
      if (index < 0) index = store.add(point);
      const held = tree.insert(index);
      store.incrementRef(held);
      sampler.addPoint(held, seq);
    }
    if (index >= 0) store.releaseIfUnused(index);
  }
}

function median(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}
