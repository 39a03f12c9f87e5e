import { damp, normalise, normaliser, scoreSeen, scoreUnseen } from "./scoreFunctions";
import { NIL, RandomCutTree } from "./tree";
import { OUT_SLOT } from "./treeHeader";

// Per tree and point, through module-level names (see scoreTree in forest.ts).
const EMPTY = NIL;
const normaliseTree = normalise;

/**
 * Queries that walk one tree, following the Java RCF's visitors: descend to the leaf the point would
 * land in, then climb back to the root mixing in, at every node, the probability that a random cut of the
 * node's box grown by the point would have isolated the point there. The score functions (unseen, seen,
 * damping, normaliser) are written once, in scoreFunctions.ts; the compiled climb reads the unseen
 * scores from a table filled from them.
 */

/**
 * The anomaly score in one tree (0 for an empty tree) of the point copied into the tree's memory with
 * `tree.memory.loadPoint(point)` (the forest copies it once for all its trees). The descent and the climb from the leaf's parent to the root
 * are compiled WebAssembly (wasm/tree.wat, where the arithmetic is spelled out): per node the climb
 * measures, branch-free and two dimensions at a time, how far the point lies outside the box, and stops at
 * the first box holding the point, since every box above holds it too.
 */
export function scoreLoadedPoint(tree: RandomCutTree): number {
  const root = tree.root;
  if (root === EMPTY) return 0;
  const memory = tree.memory;
  const score = memory.score(tree.header.byteOffset, root);
  const treeMass = tree.totalMass;
  if (score >= 0) return normaliseTree(score, treeMass);
  // the leaf holds this very point
  const depth = memory.out[OUT_SLOT.depth];
  const leafMass = tree.leafMass[memory.out[OUT_SLOT.leaf]];
  return normalise(damp(leafMass, treeMass) * scoreSeen(depth, leafMass), treeMass);
}

/**
 * Adds this tree's attribution of the score to `high`/`low` (per point dimension): how much of the score
 * comes from the point lying above / below what the tree has seen. high + low sums to the tree's score.
 */
export function attributeInTree(
  tree: RandomCutTree,
  point: Float32Array,
  high: Float64Array,
  low: Float64Array,
  scratchHigh: Float64Array,
  scratchLow: Float64Array,
): void {
  const leaf = tree.descend(point);
  if (leaf < 0) return;
  const dims = tree.dimensions;
  const treeMass = tree.totalMass;
  const len = tree.pathLength;
  const pv = tree.store.values;
  const lb = tree.leafPoint[leaf] * dims;
  let gapSum = 0;
  for (let d = 0; d < dims; d++) gapSum += Math.abs(point[d] - pv[lb + d]);
  if (gapSum === 0) {
    const s = damp(tree.leafMass[leaf], treeMass) * scoreSeen(len, tree.leafMass[leaf]);
    const share = normalise(s, treeMass) / (2 * dims);
    for (let d = 0; d < dims; d++) {
      high[d] += share;
      low[d] += share;
    }
    return;
  }
  const base = scoreUnseen(len);
  for (let d = 0; d < dims; d++) {
    const diff = point[d] - pv[lb + d];
    scratchHigh[d] = diff > 0 ? (base * diff) / gapSum : 0;
    scratchLow[d] = diff < 0 ? (-base * diff) / gapSum : 0;
  }
  for (let i = len - 1; i >= 0; i--) {
    const b = tree.path[i] * dims;
    let gap = 0;
    let newRange = 0;
    for (let d = 0; d < dims; d++) {
      const v = point[d];
      const mn = tree.box[2 * (b + d)];
      const mx = tree.box[2 * (b + d) + 1];
      if (v < mn) {
        gap += mn - v;
        newRange += mx - v;
      } else if (v > mx) {
        gap += v - mx;
        newRange += v - mn;
      } else newRange += mx - mn;
    }
    if (gap === 0) break;
    const p = gap / newRange;
    const unseen = scoreUnseen(i);
    for (let d = 0; d < dims; d++) {
      const v = point[d];
      const mn = tree.box[2 * (b + d)];
      const mx = tree.box[2 * (b + d) + 1];
      scratchHigh[d] = (1 - p) * scratchHigh[d] + (v > mx ? ((v - mx) / newRange) * unseen : 0);
      scratchLow[d] = (1 - p) * scratchLow[d] + (v < mn ? ((mn - v) / newRange) * unseen : 0);
    }
  }
  const scale = normaliser(treeMass);
  for (let d = 0; d < dims; d++) {
    high[d] += scratchHigh[d] * scale;
    low[d] += scratchLow[d] * scale;
  }
}

/**
 * The stored point this tree offers as the completion of `point` when the dimensions flagged in
 * `missing` are unknown: descend on the known dimensions and, at a cut on an unknown one, take the child
 * holding more of the sample (the more typical completion). Returns the point index, or -1 if empty.
 */
export function imputeInTree(tree: RandomCutTree, point: ArrayLike<number>, missing: Uint8Array): number {
  let node = tree.root;
  if (node === NIL) return -1;
  while (node >= 0) {
    const d = tree.cutDim[node];
    if (missing[d]) {
      const l = tree.left[node];
      const r = tree.right[node];
      node = tree.childMass(l) >= tree.childMass(r) ? l : r;
    } else {
      node = point[d] <= tree.cutValue[node] ? tree.left[node] : tree.right[node];
    }
  }
  return tree.leafPoint[-node - 1];
}
