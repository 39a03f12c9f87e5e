import { Random } from "../random";
import { ForestMemory, HEADER_FIELDS } from "./forestMemory";
import { PointStore } from "./pointStore";

/** Sentinel for "no node" (empty tree / root's parent). */
export const NIL = 0x7fffffff;

/**
 * One random cut tree in a flat, typed-array layout. Internal nodes have ids 0..capacity-2; a child
 * reference < 0 is a leaf, leaf slot = -ref - 1. Bounding boxes are cached per internal node (float32,
 * exact, never serialised: they are rebuilt from the points on restore). The arrays live in the forest's
 * memory, where the compiled scorer finds them through the tree's header.
 *
 * Cut convention: a point goes left when point[cutDim] <= cutValue.
 */
export class RandomCutTree {
  readonly capacity: number;
  root = NIL;
  // internal nodes
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly cutDim: Int32Array;
  readonly cutValue: Float32Array;
  readonly mass: Int32Array;
  /** Per internal node and dimension, min then max (interleaved: one node's box is contiguous in memory). */
  readonly box: Float32Array;
  /** Sum over dimensions of each box's range (boxMax - boxMin), cached for the scorer. */
  readonly boxRange: Float64Array;
  // leaves
  readonly leafPoint: Int32Array;
  readonly leafMass: Int32Array;
  private readonly freeNodes: Int32Array;
  private freeNodeTop: number;
  private readonly freeLeaves: Int32Array;
  private freeLeafTop: number;
  /** Scratch: per-dimension ranges of the box a cut is drawn in, and the offset pickDimension chose. */
  private readonly ranges: Float64Array;
  private pickedOffset = 0;
  /** Byte offsets of the arrays, for the compiled scorer (see wasm/climb.wat). */
  readonly header: Int32Array;
  /** Whether the compiled scorer can read this tree: its store is in its memory (a forest's trees). */
  readonly scorable: boolean;
  /** Scratch: the internal nodes on the last descent, root first. */
  readonly path: Int32Array;
  pathLength = 0;

  constructor(
    readonly dimensions: number,
    sampleSize: number,
    readonly store: PointStore,
    public random: Random,
    /** Where the arrays live: the forest's memory, or (a tree made on its own) one of the tree's own. */
    readonly memory: ForestMemory = new ForestMemory(dimensions, sampleSize, 1, false),
  ) {
    this.capacity = sampleSize;
    const n = Math.max(1, sampleSize - 1);
    this.header = memory.int32(HEADER_FIELDS);
    this.left = memory.int32(n);
    this.right = memory.int32(n);
    this.cutDim = memory.int32(n);
    this.cutValue = memory.float32(n);
    this.mass = new Int32Array(n);
    this.box = memory.float32(2 * n * dimensions);
    this.boxRange = memory.float64(n);
    this.leafPoint = memory.int32(sampleSize);
    this.leafMass = new Int32Array(sampleSize);
    this.freeNodes = new Int32Array(n);
    this.freeLeaves = new Int32Array(sampleSize);
    for (let i = 0; i < n; i++) this.freeNodes[i] = n - 1 - i;
    for (let i = 0; i < sampleSize; i++) this.freeLeaves[i] = sampleSize - 1 - i;
    this.freeNodeTop = n;
    this.freeLeafTop = sampleSize;
    this.path = memory.int32(sampleSize + 1);
    this.ranges = new Float64Array(dimensions);
    this.scorable = memory.holds(store.values);
    const h = this.header;
    [h[0], h[1], h[2], h[3], h[4], h[5]] = [this.cutDim, this.cutValue, this.left, this.right, this.leafPoint, this.path].map((a) => a.byteOffset);
    [h[6], h[7], h[8]] = [this.box.byteOffset, this.boxRange.byteOffset, this.scorable ? store.values.byteOffset : -1];
    [h[9], h[10], h[11]] = [dimensions, memory.point.byteOffset, memory.out.byteOffset];
  }

  /** Total number of points (with multiplicity) in the tree. */
  get totalMass(): number {
    const r = this.root;
    if (r === NIL) return 0;
    return r < 0 ? this.leafMass[-r - 1] : this.mass[r];
  }

  /**
   * Walks from the root to the leaf the point at `offset` in `point` falls into; fills `path`; returns the
   * leaf slot (or -1 if empty).
   */
  descend(point: ArrayLike<number>, offset = 0): number {
    let node = this.root;
    let len = 0;
    if (node === NIL) {
      this.pathLength = 0;
      return -1;
    }
    const path = this.path;
    const cutDim = this.cutDim;
    const cutValue = this.cutValue;
    const left = this.left;
    const right = this.right;
    while (node >= 0) {
      path[len++] = node;
      node = point[offset + cutDim[node]] <= cutValue[node] ? left[node] : right[node];
    }
    this.pathLength = len;
    return -node - 1;
  }

  /**
   * Inserts a stored point. Returns the point index the tree now holds for it: the given one, or the
   * index of an existing leaf with identical coordinates (whose mass grew instead).
   */
  insert(pointIndex: number): number {
    const dims = this.dimensions;
    const store = this.store;
    const base = pointIndex * dims;
    const pv = store.values;
    if (this.root === NIL) {
      this.root = this.newLeaf(pointIndex);
      return pointIndex;
    }
    const box = this.box;
    let node = this.root;
    let parentNode = NIL;
    let outside = false;
    for (;;) {
      if (node < 0) {
        const leaf = -node - 1;
        const lp = this.leafPoint[leaf];
        if (store.equals(lp, pv.subarray(base, base + dims))) {
          this.leafMass[leaf]++;
          return lp;
        }
        this.splitLeaf(leaf, pointIndex, parentNode);
        return pointIndex;
      }
      // Boxes nest, so once the point lies outside a node's box it lies outside every box below it; until
      // then, a branch-free test (t + |t| is 2t for t > 0, exactly 0 otherwise) finds the first such box.
      const b = 2 * node * dims;
      if (!outside) {
        let gap2 = 0;
        for (let d = 0; d < dims; d++) {
          const v = pv[base + d];
          const below = box[b + 2 * d] - v;
          const above = v - box[b + 2 * d + 1];
          gap2 += below + Math.abs(below) + (above + Math.abs(above));
        }
        outside = gap2 > 0;
      }
      if (outside) {
        // Draw a cut on the box grown to include the point; if it separates the point, insert here.
        let rangeSum = 0;
        const ranges = this.ranges;
        for (let d = 0; d < dims; d++) {
          const v = pv[base + d];
          const mn = box[b + 2 * d];
          const mx = box[b + 2 * d + 1];
          const range = Math.max(v, mx) - Math.min(v, mn);
          ranges[d] = range;
          rangeSum += range;
        }
        const dim = this.pickDimension(this.random.nextDouble() * rangeSum);
        const v = pv[base + dim];
        const mn = box[b + 2 * dim];
        const mx = box[b + 2 * dim + 1];
        const cut = Math.fround(Math.min(v, mn) + this.pickedOffset);
        if ((v <= cut && cut < mn) || (v > cut && cut >= mx)) {
          this.insertAbove(node, parentNode, pointIndex, dim, cut, v <= cut);
          return pointIndex;
        }
        // No separation: the point joins this subtree, whose box grows to hold it.
        for (let d = 0; d < dims; d++) {
          const v = pv[base + d];
          box[b + 2 * d] = Math.min(box[b + 2 * d], v);
          box[b + 2 * d + 1] = Math.max(box[b + 2 * d + 1], v);
        }
        // the same per-dimension ranges, summed in the same order: equal to sumRanges(node)
        this.boxRange[node] = rangeSum;
      }
      this.mass[node]++;
      parentNode = node;
      node = pv[base + this.cutDim[node]] <= this.cutValue[node] ? this.left[node] : this.right[node];
    }
  }

  /** Removes one copy of a stored point; it must be in the tree. */
  delete(pointIndex: number): void {
    const dims = this.dimensions;
    const base = pointIndex * dims;
    const leaf = this.descend(this.store.values, base);
    if (leaf < 0 || this.leafPoint[leaf] !== pointIndex) {
      throw new Error(`internal: point ${pointIndex} is not in the tree`);
    }
    const len = this.pathLength;
    const path = this.path;
    if (this.leafMass[leaf] > 1) {
      this.leafMass[leaf]--;
      for (let i = 0; i < len; i++) this.mass[path[i]]--;
      return;
    }
    this.freeLeaf(leaf);
    if (len === 0) {
      this.root = NIL;
      return;
    }
    const p = path[len - 1];
    const sibling = this.left[p] === -leaf - 1 ? this.right[p] : this.left[p];
    const grand = len >= 2 ? path[len - 2] : NIL;
    this.replaceChild(grand, p, sibling);
    this.freeNode(p);
    let boxesChanged = true;
    for (let i = len - 2; i >= 0; i--) {
      const n = path[i];
      this.mass[n]--;
      if (boxesChanged) boxesChanged = this.touchesBox(n, base) && this.recomputeBox(n);
    }
  }

  /**
   * Whether the stored point at `base` lies on the boundary of a node's box (a coordinate equal to the box's
   * min or max). A point strictly inside the box is not what spans it, so removing it leaves the box, and
   * every box above it, as it was.
   */
  private touchesBox(node: number, base: number): boolean {
    const dims = this.dimensions;
    const box = this.box;
    const pv = this.store.values;
    const b = 2 * node * dims;
    for (let d = 0; d < dims; d++) {
      const v = pv[base + d];
      if (v === box[b + 2 * d] || v === box[b + 2 * d + 1]) return true;
    }
    return false;
  }

  /** Coordinates of the minimum corner of a node's box (leaf: its point). */
  childMin(ref: number, d: number): number {
    return ref < 0
      ? this.store.values[this.leafPoint[-ref - 1] * this.dimensions + d]
      : this.box[2 * (ref * this.dimensions + d)];
  }

  childMax(ref: number, d: number): number {
    return ref < 0
      ? this.store.values[this.leafPoint[-ref - 1] * this.dimensions + d]
      : this.box[2 * (ref * this.dimensions + d) + 1];
  }

  childMass(ref: number): number {
    return ref < 0 ? this.leafMass[-ref - 1] : this.mass[ref];
  }

  /** Recomputes a node's box from its children; returns whether it changed. */
  recomputeBox(node: number): boolean {
    const dims = this.dimensions;
    const box = this.box;
    const pv = this.store.values;
    const b = 2 * node * dims;
    // each child's corners: a leaf's point is both its min and its max corner (step 1), an internal
    // node's box interleaves min and max (step 2); the loop below then needs no branch on the kind
    const l = this.left[node];
    const r = this.right[node];
    const lArr = l < 0 ? pv : box;
    const lMin = l < 0 ? this.leafPoint[-l - 1] * dims : 2 * l * dims;
    const lMax = l < 0 ? lMin : lMin + 1;
    const lStep = l < 0 ? 1 : 2;
    const rArr = r < 0 ? pv : box;
    const rMin = r < 0 ? this.leafPoint[-r - 1] * dims : 2 * r * dims;
    const rMax = r < 0 ? rMin : rMin + 1;
    const rStep = r < 0 ? 1 : 2;
    let changed = false;
    let rangeSum = 0;
    for (let d = 0; d < dims; d++) {
      const mn = Math.min(lArr[lMin + lStep * d], rArr[rMin + rStep * d]);
      const mx = Math.max(lArr[lMax + lStep * d], rArr[rMax + rStep * d]);
      if (mn !== box[b + 2 * d] || mx !== box[b + 2 * d + 1]) changed = true;
      box[b + 2 * d] = mn;
      box[b + 2 * d + 1] = mx;
      // the same float32 corners summed in the same order as sumRanges
      rangeSum += mx - mn;
    }
    this.boxRange[node] = rangeSum;
    return changed;
  }

  private sumRanges(node: number): number {
    const b = node * this.dimensions;
    let sum = 0;
    for (let d = 0; d < this.dimensions; d++) sum += this.box[2 * (b + d) + 1] - this.box[2 * (b + d)];
    return sum;
  }

  /** Allocates an internal node (used by insertion and by the state mapper). */
  allocNode(): number {
    if (this.freeNodeTop === 0) throw new Error("internal: tree node capacity exceeded");
    return this.freeNodes[--this.freeNodeTop];
  }

  newLeaf(pointIndex: number): number {
    if (this.freeLeafTop === 0) throw new Error("internal: tree leaf capacity exceeded");
    const leaf = this.freeLeaves[--this.freeLeafTop];
    this.leafPoint[leaf] = pointIndex;
    this.leafMass[leaf] = 1;
    return -leaf - 1;
  }

  /**
   * The dimension a uniform offset r in [0, sum of `ranges`) falls in, each dimension weighted by its
   * range; the offset within it goes to `pickedOffset`. Rounding can leave r past the last range: then
   * the last dimension with a range, at offset 0.
   */
  private pickDimension(r: number): number {
    let lastNonZero = 0;
    for (let d = 0; d < this.dimensions; d++) {
      const range = this.ranges[d];
      if (range > 0) lastNonZero = d;
      if (r < range) {
        this.pickedOffset = r;
        return d;
      }
      r -= range;
    }
    this.pickedOffset = 0;
    return lastNonZero;
  }

  private splitLeaf(leaf: number, pointIndex: number, parentNode: number): void {
    const dims = this.dimensions;
    const pv = this.store.values;
    const a = this.leafPoint[leaf] * dims;
    const b = pointIndex * dims;
    let rangeSum = 0;
    for (let d = 0; d < dims; d++) {
      this.ranges[d] = Math.abs(pv[a + d] - pv[b + d]);
      rangeSum += this.ranges[d];
    }
    const dim = this.pickDimension(this.random.nextDouble() * rangeSum);
    const lo = Math.min(pv[a + dim], pv[b + dim]);
    const hi = Math.max(pv[a + dim], pv[b + dim]);
    let cut = Math.fround(lo + this.pickedOffset);
    // float32 rounding may land on the upper value, which would not separate: fall back to the lower one
    if (cut >= hi || cut < lo) cut = lo;
    const v = pv[b + dim];
    this.insertAbove(-leaf - 1, parentNode, pointIndex, dim, cut, v <= cut);
  }

  /** Puts a new internal node (cut dim/value) above `child`, with a new leaf for the point on one side. */
  private insertAbove(
    child: number,
    parentNode: number,
    pointIndex: number,
    dim: number,
    cut: number,
    pointGoesLeft: boolean,
  ): void {
    const dims = this.dimensions;
    const node = this.allocNode();
    const leafRef = this.newLeaf(pointIndex);
    this.cutDim[node] = dim;
    this.cutValue[node] = cut;
    this.left[node] = pointGoesLeft ? leafRef : child;
    this.right[node] = pointGoesLeft ? child : leafRef;
    this.mass[node] = this.childMass(child) + 1;
    this.replaceChild(parentNode, child, node);
    const b = node * dims;
    const pb = pointIndex * dims;
    const pv = this.store.values;
    for (let d = 0; d < dims; d++) {
      const v = pv[pb + d];
      this.box[2 * (b + d)] = Math.min(v, this.childMin(child, d));
      this.box[2 * (b + d) + 1] = Math.max(v, this.childMax(child, d));
    }
    this.boxRange[node] = this.sumRanges(node);
  }

  /** In `parentNode` (NIL: the root), replaces child reference `oldRef` by `newRef`. */
  private replaceChild(parentNode: number, oldRef: number, newRef: number): void {
    if (parentNode === NIL) {
      this.root = newRef;
    } else if (this.left[parentNode] === oldRef) {
      this.left[parentNode] = newRef;
    } else {
      this.right[parentNode] = newRef;
    }
  }

  private freeNode(node: number): void {
    this.freeNodes[this.freeNodeTop++] = node;
  }

  private freeLeaf(leaf: number): void {
    this.freeLeaves[this.freeLeafTop++] = leaf;
  }
}
