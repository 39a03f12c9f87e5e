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

/**
 * Runs the compiled tree (RandomCutTree over the forest memory) and the reference tree side by side
 * through random inserts and deletes, phases of growth and shrinkage filling and emptying the tree.
 * After every operation: the same snapshot (cuts, boxes, range sums, masses, leaves), the same generator
 * state, and the same score, bit for bit, for the point just touched, a held point, a fresh point, a
 * far point and a float64 one.
 */
export function runDifferential(c: DifferentialCase): DifferentialResult {
  const { dims, sampleSize, seed } = c;
  const memory = new ForestMemory(dims, sampleSize, 1, c.moduleBytes);
  const store = new PointStore(dims, storeCapacity(sampleSize, 1), memory);
  const compiled = new RandomCutTree(dims, sampleSize, store, new Random(seed), memory);
  const reference = new ReferenceTree(dims, store, new Random(seed));
  const r = new Random(seed ^ 0x5bd1e995);
  const held: number[] = [];
  const counts = { inserts: 0, duplicates: 0, extremes: 0, deletes: 0, scores: 0, seenScores: 0, full: 0, emptied: 0 };
  const result = (difference: string | undefined): DifferentialResult => ({ difference, ...counts });
  for (let op = 0; op < c.operations; op++) {
    const growing = Math.floor(op / 120) % 2 === 0;
    const insert = held.length === 0 || (held.length < sampleSize && r.nextDouble() < (growing ? 0.8 : 0.2));
    let touched: Float32Array;
    try {
      if (insert) {
        touched = drawPoint(r, dims, op, held, store);
        const root = reference.root;
        if (root?.kind === "node" && Array.from(touched).some((x, d) => x < root.min[d] || x > root.max[d])) counts.extremes++;
        const index = store.add(touched);
        const a = compiled.insert(index);
        const b = reference.insert(index);
        if (a !== b) return result(`operation ${op}: inserting point ${index}, compiled holds it as ${a}, reference as ${b}`);
        if (a !== index) counts.duplicates++;
        store.incrementRef(a);
        store.releaseIfUnused(index);
        held.push(a);
        counts.inserts++;
        if (held.length === sampleSize) counts.full++;
      } else {
        const k = Math.floor(r.nextDouble() * held.length);
        const index = held[k];
        held[k] = held[held.length - 1];
        held.pop();
        touched = Float32Array.from({ length: dims }, (_, d) => store.coord(index, d));
        compiled.delete(index);
        reference.delete(index);
        store.decrementRef(index);
        counts.deletes++;
        if (held.length === 0) counts.emptied++;
      }
    } catch (e) {
      return result(`operation ${op} (${insert ? "insert" : "delete"}): ${(e as Error).message}`);
    }
    const shape = firstDifference(snapshotOfCompiled(compiled), snapshotOfReference(reference));
    if (shape) return result(`after operation ${op} (${insert ? "insert" : "delete"}), ${shape}`);
    const [gc, gr] = [compiled.random.getState(), reference.random.getState()];
    if (gc.join() !== gr.join()) return result(`after operation ${op}: generator ${gc} compiled, ${gr} reference`);
    const heldPoint = held.length > 0 ? held[Math.floor(r.nextDouble() * held.length)] : -1;
    const queries: ArrayLike<number>[] = [
      touched,
      Float32Array.from({ length: dims }, (_, d) => (heldPoint < 0 ? 0 : store.coord(heldPoint, d))),
      drawPoint(r, dims, op, [], store),
      Float32Array.from({ length: dims }, () => (r.nextDouble() - 0.5) * 60),
      Float64Array.from({ length: dims }, () => r.nextDouble() * 6 - 2),
    ];
    for (const [q, query] of queries.entries()) {
      memory.loadPoint(query);
      const a = scoreLoadedPoint(compiled);
      const b = reference.score(query);
      if (!Object.is(a, b)) return result(`after operation ${op}, query ${q} (${Array.from(query)}): score ${a} compiled, ${b} reference`);
      // the tree's own descent (attribution walks it) finds the reference's leaf at the same depth
      const slot = compiled.descend(query);
      const { path, leaf } = reference.descend(query);
      const [x, y] = [[compiled.pathLength, slot < 0 ? -1 : compiled.leafPoint[slot]], [path.length, leaf ? leaf.point : -1]];
      if (x.join() !== y.join()) return result(`after operation ${op}, query ${q}: descent to depth ${x[0]}, point ${x[1]} compiled, ${y[0]}, ${y[1]} reference`);
      counts.scores++;
      if (q === 1 && heldPoint >= 0) counts.seenScores++;
    }
  }
  return result(undefined);
}
