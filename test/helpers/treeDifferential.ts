import { Random } from "../../anomaly/random";
import { ForestMemory, storeCapacity } from "../../anomaly/rcf/forestMemory";
import { PointStore } from "../../anomaly/rcf/pointStore";
import { ReferenceTree } from "../../anomaly/rcf/reference/referenceTree";
import { firstDifference, snapshotOfCompiled, snapshotOfReference } from "../../anomaly/rcf/reference/treeSnapshot";
import { RandomCutTree } from "../../anomaly/rcf/tree";
import { scoreLoadedPoint } from "../../anomaly/rcf/visitors";

export interface DifferentialCase {
  readonly dims: number;
  readonly sampleSize: number;
  readonly seed: number;
  readonly operations: number;
  /** The compiled tree code to run (default: the shipped one). */
  readonly moduleBytes?: Uint8Array;
}

/** What a differential run did, and where the two trees first parted (undefined: never). */
export interface DifferentialResult {
  readonly difference: string | undefined;
  readonly inserts: number;
  /** Inserts of coordinates a leaf already held. */
  readonly duplicates: number;
  /** Inserts outside the root's box (a new extreme in some dimension). */
  readonly extremes: number;
  readonly deletes: number;
  readonly scores: number;
  /** Scores of points the tree holds (the leaf's own point: the seen score). */
  readonly seenScores: number;
  /** Times the tree was full, and emptied by deletes. */
  readonly full: number;
  readonly emptied: number;
}

/** The float32 spacing at 1: values this close leave a cut no float32 between them. */
const ULP_AT_ONE = 2 ** -23;

/**
 * A point drawn to put the trees' edge cases often: copies of held points, coordinates from a coarse
 * grid (ties, points on box boundaries), neighbouring float32 values (cuts that round onto a point),
 * new extremes, and plain noise.
 */
function drawPoint(r: Random, dims: number, op: number, held: readonly number[], store: PointStore): Float32Array {
  const u = r.nextDouble();
  if (u < 0.25 && held.length > 0) {
    const p = held[Math.floor(r.nextDouble() * held.length)];
    return Float32Array.from({ length: dims }, (_, d) => store.coord(p, d));
  }
  if (u < 0.45) return Float32Array.from({ length: dims }, () => Math.floor(r.nextDouble() * 5) / 2);
  if (u < 0.6) return Float32Array.from({ length: dims }, () => 1 + Math.floor(r.nextDouble() * 3) * ULP_AT_ONE);
  if (u < 0.7) return Float32Array.from({ length: dims }, () => (r.nextDouble() < 0.5 ? -1 : 1) * (3 + op / 50) * (1 + r.nextDouble()));
  return Float32Array.from({ length: dims }, () => r.nextDouble() * 6 - 2);
}

/** The compiled tree and the reference over one store, fed the same operations. */
export class TreePair {
  readonly memory: ForestMemory;
  readonly store: PointStore;
  readonly compiled: RandomCutTree;
  readonly reference: ReferenceTree;
  /** The point indexes the trees hold, with multiplicity. */
  readonly held: number[] = [];

  constructor(
    readonly dims: number,
    readonly sampleSize: number,
    seed: number,
    moduleBytes?: Uint8Array,
  ) {
    this.memory = new ForestMemory(dims, sampleSize, 1, moduleBytes);
    this.store = new PointStore(dims, storeCapacity(sampleSize, 1), this.memory);
    this.compiled = new RandomCutTree(dims, sampleSize, this.store, new Random(seed), this.memory);
    this.reference = new ReferenceTree(dims, this.store, new Random(seed));
  }

  /** Inserts a point into both (the caller keeps the tree within its sample); a difference, if any. */
  insert(point: Float32Array): string | undefined {
    const index = this.store.add(point);
    const a = this.compiled.insert(index);
    const b = this.reference.insert(index);
    if (a !== b) return `inserting point ${index}, compiled holds it as ${a}, reference as ${b}`;
    this.store.incrementRef(a);
    this.store.releaseIfUnused(index);
    this.held.push(a);
    return undefined;
  }

  /** Deletes the k-th held point from both; returns its coordinates. */
  delete(k: number): Float32Array {
    const index = this.held[k];
    this.held[k] = this.held[this.held.length - 1];
    this.held.pop();
    const point = Float32Array.from({ length: this.dims }, (_, d) => this.store.coord(index, d));
    this.compiled.delete(index);
    this.reference.delete(index);
    this.store.decrementRef(index);
    return point;
  }

  /**
   * Where the two trees differ: snapshot (cuts, boxes, range sums, masses, leaves), generator state,
   * and per query the score, bit for bit, and the tree's own descent (attribution walks it).
   */
  difference(queries: readonly ArrayLike<number>[]): string | undefined {
    const { compiled, reference } = this;
    const shape = firstDifference(snapshotOfCompiled(compiled), snapshotOfReference(reference));
    if (shape) return shape;
    const [gc, gr] = [compiled.random.getState(), reference.random.getState()];
    if (gc.join() !== gr.join()) return `generator ${gc} compiled, ${gr} reference`;
    for (const [q, query] of queries.entries()) {
      this.memory.loadPoint(query);
      const a = scoreLoadedPoint(compiled);
      const b = reference.score(query);
      if (!Object.is(a, b)) return `query ${q} (${Array.from(query)}): score ${a} compiled, ${b} reference`;
      const slot = compiled.descend(query);
      const { path, leaf } = reference.descend(query);
      const [x, y] = [
        [compiled.pathLength, slot < 0 ? -1 : compiled.leafPoint[slot]],
        [path.length, leaf ? leaf.point : -1],
      ];
      if (x.join() !== y.join()) return `query ${q}: descent to depth ${x[0]}, point ${x[1]} compiled, ${y[0]}, ${y[1]} reference`;
    }
    return undefined;
  }

  /** The coordinates of a held point. */
  coordinates(index: number): Float32Array {
    return Float32Array.from({ length: this.dims }, (_, d) => this.store.coord(index, d));
  }
}

/**
 * Runs the compiled tree (RandomCutTree over the forest memory) and the reference tree side by side
 * through random inserts and deletes, phases of growth and shrinkage filling and emptying the tree.
 * After every operation: the same snapshot, generator state, descent and scores, bit for bit, for the
 * point just touched, a held point, a fresh point, a far point and a float64 one.
 */
export function runDifferential(c: DifferentialCase): DifferentialResult {
  const { dims, sampleSize, seed } = c;
  const pair = new TreePair(dims, sampleSize, seed, c.moduleBytes);
  const { held, store, reference } = pair;
  const r = new Random(seed ^ 0x5bd1e995);
  const counts = { inserts: 0, duplicates: 0, extremes: 0, deletes: 0, scores: 0, seenScores: 0, full: 0, emptied: 0 };
  const result = (difference: string | undefined): DifferentialResult => ({ difference, ...counts });
  for (let op = 0; op < c.operations; op++) {
    const growing = Math.floor(op / 120) % 2 === 0;
    const insert = held.length === 0 || (held.length < sampleSize && r.nextDouble() < (growing ? 0.8 : 0.2));
    const what = `operation ${op} (${insert ? "insert" : "delete"})`;
    let touched: Float32Array;
    try {
      if (insert) {
        touched = drawPoint(r, dims, op, held, store);
        const root = reference.root;
        if (root?.kind === "node" && Array.from(touched).some((x, d) => x < root.min[d] || x > root.max[d])) counts.extremes++;
        const before = store.liveCount;
        const inserted = pair.insert(touched);
        if (inserted) return result(`${what}: ${inserted}`);
        if (store.liveCount === before) counts.duplicates++;
        counts.inserts++;
        if (held.length === sampleSize) counts.full++;
      } else {
        touched = pair.delete(Math.floor(r.nextDouble() * held.length));
        counts.deletes++;
        if (held.length === 0) counts.emptied++;
      }
    } catch (e) {
      return result(`${what}: ${(e as Error).message}`);
    }
    const heldPoint = held.length > 0 ? held[Math.floor(r.nextDouble() * held.length)] : -1;
    const queries: ArrayLike<number>[] = [
      touched,
      heldPoint < 0 ? new Float32Array(dims) : pair.coordinates(heldPoint),
      drawPoint(r, dims, op, [], store),
      Float32Array.from({ length: dims }, () => (r.nextDouble() - 0.5) * 60),
      Float64Array.from({ length: dims }, () => r.nextDouble() * 6 - 2),
    ];
    const difference = pair.difference(queries);
    if (difference) return result(`after ${what}, ${difference}`);
    counts.scores += queries.length;
    if (heldPoint >= 0) counts.seenScores++;
  }
  return result(undefined);
}
