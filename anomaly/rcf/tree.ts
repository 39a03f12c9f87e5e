import { Random } from "../random";
import { ForestMemory } from "./forestMemory";
import { PointStore } from "./pointStore";
import { OUT_SLOT, TREE_HEADER, TREE_HEADER_WORDS } from "./treeHeader";

/** Sentinel for "no node" (empty tree / root's parent). */
export const NIL = 0x7fffffff;

/**
 * One random cut tree in a flat, typed-array layout. Internal nodes have ids 0..capacity-2; a child
 * reference < 0 is a leaf, leaf slot = -ref - 1. Bounding boxes are cached per internal node (float32,
 * exact, never serialised: they are rebuilt from the points on restore). The arrays live in the forest's
 * memory, where the compiled scorer finds them through the tree's header.
 *
 * Cut convention: a point goes left when point[cutDim] <= cutValue.
 *
 * The walks are compiled (wasm/tree.wat); reference/referenceTree.ts is the same algorithm written to be
 * read, and the tests hold the two to the same results (docs/rcf-internals.md).
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
  /** Where the compiled code finds the arrays, and the random generator (layout: treeHeader.ts). */
  readonly header: Int32Array;
  /** Scratch: the internal nodes on the last descent, root first. */
  readonly path: Int32Array;
  pathLength = 0;

  constructor(
    readonly dimensions: number,
    sampleSize: number,
    readonly store: PointStore,
    random: Random,
    /** The forest's memory, where the arrays live; the store must live there too. */
    readonly memory: ForestMemory,
  ) {
    if (!memory.holds(store.values)) throw new Error("internal: a tree's point store must live in the tree's memory");
    this.capacity = sampleSize;
    const n = Math.max(1, sampleSize - 1);
    this.header = memory.int32(TREE_HEADER_WORDS);
    this.left = memory.int32(n);
    this.right = memory.int32(n);
    this.cutDim = memory.int32(n);
    this.cutValue = memory.float32(n);
    this.mass = memory.int32(n);
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
    const h = this.header;
    h[TREE_HEADER.cutDim] = this.cutDim.byteOffset;
    h[TREE_HEADER.cutValue] = this.cutValue.byteOffset;
    h[TREE_HEADER.left] = this.left.byteOffset;
    h[TREE_HEADER.right] = this.right.byteOffset;
    h[TREE_HEADER.leafPoint] = this.leafPoint.byteOffset;
    h[TREE_HEADER.path] = this.path.byteOffset;
    h[TREE_HEADER.box] = this.box.byteOffset;
    h[TREE_HEADER.range] = this.boxRange.byteOffset;
    h[TREE_HEADER.points] = store.values.byteOffset;
    h[TREE_HEADER.dims] = dimensions;
    h[TREE_HEADER.point] = memory.point.byteOffset;
    h[TREE_HEADER.out] = memory.out.byteOffset;
    h[TREE_HEADER.mass] = this.mass.byteOffset;
    h[TREE_HEADER.unseenScore] = memory.unseenScore.byteOffset;
    this.random = random;
  }

  /** Total number of points (with multiplicity) in the tree. */
  get totalMass(): number {
    const r = this.root;
    if (r === NIL) return 0;
    return r < 0 ? this.leafMass[-r - 1] : this.mass[r];
  }

  /**
   * Walks from the root to the leaf the point falls into; fills `path`; returns the leaf slot (or -1 if
   * empty). (The scorer and delete descend in compiled code; attribution uses this one.)
   */
  descend(point: ArrayLike<number>): number {
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
      node = point[cutDim[node]] <= cutValue[node] ? left[node] : right[node];
    }
    this.pathLength = len;
    return -node - 1;
  }

  /** The tree's random generator (kept in its header, where the compiled insert draws from it). */
  get random(): Random {
    const at = TREE_HEADER.random;
    return Random.fromState(Array.from(this.header.subarray(at, at + 4), (w) => w >>> 0));
  }

  set random(random: Random) {
    this.header.set(random.getState(), TREE_HEADER.random);
  }

  /**
   * Inserts a stored point. Returns the point index the tree now holds for it: the given one, or the
   * index of an existing leaf with identical coordinates (whose mass grew instead). The walk down and the
   * random cuts are compiled WebAssembly (wasm/tree.wat); this allocates the node it asks for.
   */
  insert(pointIndex: number): number {
    const root = this.root;
    if (root === NIL) {
      this.root = this.newLeaf(pointIndex);
      return pointIndex;
    }
    const out = this.memory.out;
    const cut = this.memory.updates.insert(this.header.byteOffset, root, pointIndex);
    if (out[OUT_SLOT.entered] === 0) {
      const leaf = out[OUT_SLOT.leaf];
      this.leafMass[leaf]++;
      return this.leafPoint[leaf];
    }
    this.insertAbove(out[OUT_SLOT.child], out[OUT_SLOT.parent], pointIndex, out[OUT_SLOT.cutDim], cut, out[OUT_SLOT.goesLeft] === 1);
    return pointIndex;
  }

  /**
   * Removes one copy of a stored point; it must be in the tree. The descent to its leaf, and the masses and
   * boxes above the leaf, are compiled WebAssembly (wasm/tree.wat): a box is recomputed only while the
   * removed point lies on its boundary, since a point strictly inside a box spans neither it nor any box
   * above it.
   */
  delete(pointIndex: number): void {
    const root = this.root;
    const deletion = this.memory.updates;
    if (root === NIL) throw new Error(`internal: point ${pointIndex} is not in the tree`);
    const leaf = root < 0 ? -root - 1 : deletion.descendStored(this.header.byteOffset, root, pointIndex);
    const len = root < 0 ? 0 : this.memory.out[OUT_SLOT.depth];
    if (this.leafPoint[leaf] !== pointIndex) throw new Error(`internal: point ${pointIndex} is not in the tree`);
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
    deletion.shrink(this.header.byteOffset, len - 2, pointIndex);
  }

  childMass(ref: number): number {
    return ref < 0 ? this.leafMass[-ref - 1] : this.mass[ref];
  }

  /** Recomputes a node's box from its children (and its range sum); returns whether it changed. */
  recomputeBox(node: number): boolean {
    return this.memory.updates.recompute(this.header.byteOffset, node) !== 0;
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

  /** Puts a new internal node (cut dim/value) above `child`, with a new leaf for the point on one side. */
  private insertAbove(child: number, parentNode: number, pointIndex: number, dim: number, cut: number, pointGoesLeft: boolean): void {
    const node = this.allocNode();
    const leafRef = this.newLeaf(pointIndex);
    this.cutDim[node] = dim;
    this.cutValue[node] = cut;
    this.left[node] = pointGoesLeft ? leafRef : child;
    this.right[node] = pointGoesLeft ? child : leafRef;
    this.mass[node] = this.childMass(child) + 1;
    this.replaceChild(parentNode, child, node);
    // the box of the point and the child's box, as a recompute from the two children finds it
    this.recomputeBox(node);
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
