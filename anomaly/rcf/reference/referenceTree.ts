import { Random } from "../../random";
import { PointStore } from "../pointStore";
import { damp, normalise, scoreSeen, scoreUnseen } from "../scoreFunctions";

/**
 * A random cut tree in plain TypeScript objects: what the compiled tree code (wasm/tree.wat, driven by
 * RandomCutTree) does, written to be read. It is the definition the compiled code is held to: the
 * differential tests run both on the same streams and require the same cuts, boxes, masses, scores and
 * generator state after every operation, bit for bit. To change the algorithm, change this first.
 *
 * It keeps the compiled code's numbers: points, box corners and cuts are float32 values (a cut is
 * rounded with Math.fround), range sums and scores are float64, and where floating-point order matters
 * (the climb's distance sum, the cut's offset) it adds in the compiled code's order, as said there.
 */

/** A leaf: one distinct point of the sample (an index into the point store), held `mass` times. */
export interface ReferenceLeaf {
  readonly kind: "leaf";
  readonly point: number;
  mass: number;
}

/** An internal node: a cut, the bounding box of every point below it, and how many points that is. */
export interface ReferenceNode {
  readonly kind: "node";
  readonly cutDim: number;
  /** A point goes left when point[cutDim] <= cutValue. */
  readonly cutValue: number;
  left: ReferenceChild;
  right: ReferenceChild;
  mass: number;
  readonly min: number[];
  readonly max: number[];
  /** The sum over dimensions of max - min, in dimension order (the scorer divides by it). */
  rangeSum: number;
}

export type ReferenceChild = ReferenceLeaf | ReferenceNode;

/** A cut drawn on a box: the dimension, and how far past the box's (grown) min it lies. */
interface DrawnCut {
  readonly dim: number;
  readonly offset: number;
}

export class ReferenceTree {
  root: ReferenceChild | undefined = undefined;

  constructor(
    readonly dimensions: number,
    /** Where the points' coordinates are read (the tree holds indexes into it). */
    readonly store: PointStore,
    /** The tree's own generator: one nextDouble per cut drawn. */
    readonly random: Random,
  ) {}

  /** Points (with multiplicity) in the tree. */
  get mass(): number {
    return this.root ? this.root.mass : 0;
  }

  /**
   * Inserts a stored point and returns the index the tree holds it under: its own, or that of a leaf
   * with the same coordinates, whose mass grows instead (the caller keeps the store's counts).
   */
  insert(pointIndex: number): number {
    const v = this.coordinates(pointIndex);
    if (!this.root) {
      this.root = leaf(pointIndex);
      return pointIndex;
    }
    let parent: ReferenceNode | undefined;
    let child: ReferenceChild = this.root;
    // Boxes nest: once the point lies outside a box it lies outside every box below, so the test stops.
    let outside = false;
    for (;;) {
      if (child.kind === "leaf") return this.insertAtLeaf(child, parent, pointIndex, v);
      const node: ReferenceNode = child;
      outside ||= v.some((x, d) => x < node.min[d] || x > node.max[d]);
      if (outside) {
        // a cut of the box grown to hold the point; if it separates the point from the box, the point
        // enters above this node, in a leaf of its own
        const { dim, offset } = this.drawCut(node.min, node.max, v);
        const cut = Math.fround(Math.min(v[dim], node.min[dim]) + offset);
        const separates = (v[dim] <= cut && cut < node.min[dim]) || (v[dim] > cut && cut >= node.max[dim]);
        if (separates) {
          this.enterAbove(node, parent, pointIndex, dim, cut);
          return pointIndex;
        }
        for (let d = 0; d < this.dimensions; d++) {
          node.min[d] = Math.min(node.min[d], v[d]);
          node.max[d] = Math.max(node.max[d], v[d]);
        }
        node.rangeSum = rangeSum(node.min, node.max);
      }
      node.mass++;
      parent = node;
      child = v[node.cutDim] <= node.cutValue ? node.left : node.right;
    }
  }

  /**
   * Removes one copy of a stored point, which must be in the tree. Masses on the way down shrink by
   * one; when the leaf empties, its sibling takes its parent's place and every box above is
   * recomputed from its children. (The compiled code stops recomputing at the first box the point lay
   * strictly inside, which changes nothing: such a box, and every box above it, is spanned without it.)
   */
  delete(pointIndex: number): void {
    const { path, leaf: found } = this.descend(this.coordinates(pointIndex));
    if (!found || found.point !== pointIndex) throw new Error(`internal: point ${pointIndex} is not in the tree`);
    found.mass--;
    for (const node of path) node.mass--;
    if (found.mass > 0) return;
    if (path.length === 0) {
      this.root = undefined;
      return;
    }
    const parent = path[path.length - 1];
    const sibling = parent.left === found ? parent.right : parent.left;
    this.replaceChild(path[path.length - 2], parent, sibling);
    for (let i = path.length - 2; i >= 0; i--) recomputeBox(path[i], this.store);
  }

  /**
   * The tree's anomaly score of a point (0 for an empty tree): descend to the leaf it falls in; if that
   * leaf holds the point itself, the seen score, damped; otherwise the score of a point isolated at the
   * leaf's depth, then, climbing to the root, at each node the chance p that a random cut of the node's
   * box grown by the point would have isolated it there, mixed in: score = p * unseen + (1 - p) * score.
   * The climb stops at the first box holding the point, since every box above holds it too.
   */
  score(point: ArrayLike<number>): number {
    if (!this.root) return 0;
    const treeMass = this.root.mass;
    const { path, leaf: found } = this.descend(point);
    const depth = path.length;
    if (found && sameCoordinates(this.coordinates(found.point), point)) {
      return normalise(damp(found.mass, treeMass) * scoreSeen(depth, found.mass), treeMass);
    }
    let score = scoreUnseen(depth);
    for (let i = depth - 1; i >= 0; i--) {
      const node = path[i];
      const gap = distanceOutside(node, point);
      if (gap === 0) break;
      const p = gap / (node.rangeSum + gap);
      score = p * scoreUnseen(i) + (1 - p) * score;
    }
    return normalise(score, treeMass);
  }

  /** The internal nodes from the root down to the leaf the point falls in, and that leaf. */
  descend(point: ArrayLike<number>): { path: ReferenceNode[]; leaf: ReferenceLeaf | undefined } {
    const path: ReferenceNode[] = [];
    let child = this.root;
    while (child && child.kind === "node") {
      path.push(child);
      child = point[child.cutDim] <= child.cutValue ? child.left : child.right;
    }
    return { path, leaf: child };
  }

  /** At the leaf the walk reached: the same point joins it, another splits it. */
  private insertAtLeaf(at: ReferenceLeaf, parent: ReferenceNode | undefined, pointIndex: number, v: number[]): number {
    const held = this.coordinates(at.point);
    if (sameCoordinates(held, v)) {
      at.mass++;
      return at.point;
    }
    // a cut between the two points, drawn as on the box they span; float32 rounding can put it on the
    // upper point, which would not separate them: then it is the lower one
    const { dim, offset } = this.drawCut(held, held, v);
    const lo = Math.min(held[dim], v[dim]);
    const hi = Math.max(held[dim], v[dim]);
    let cut = Math.fround(lo + offset);
    if (cut >= hi || cut < lo) cut = lo;
    this.enterAbove(at, parent, pointIndex, dim, cut);
    return pointIndex;
  }

  /**
   * Draws a random cut of the box [min, max] grown to hold v: a dimension with probability
   * proportional to its range, and a uniform offset within it. One uniform r over the summed ranges
   * picks both. Rounding can leave r past the last range: then the last dimension with a range, at 0.
   */
  private drawCut(min: readonly number[], max: readonly number[], v: readonly number[]): DrawnCut {
    const ranges = v.map((x, d) => Math.max(x, max[d]) - Math.min(x, min[d]));
    const sum = ranges.reduce((s, r) => s + r, 0);
    let r = this.random.nextDouble() * sum;
    let lastWithRange = 0;
    for (let d = 0; d < ranges.length; d++) {
      if (ranges[d] > 0) lastWithRange = d;
      if (r < ranges[d]) return { dim: d, offset: r };
      r -= ranges[d];
    }
    return { dim: lastWithRange, offset: 0 };
  }

  /** A new node with this cut above `child`, the point in a new leaf on its side. */
  private enterAbove(child: ReferenceChild, parent: ReferenceNode | undefined, pointIndex: number, cutDim: number, cutValue: number): void {
    const own = leaf(pointIndex);
    const goesLeft = this.store.coord(pointIndex, cutDim) <= cutValue;
    const node: ReferenceNode = {
      kind: "node",
      cutDim,
      cutValue,
      left: goesLeft ? own : child,
      right: goesLeft ? child : own,
      mass: child.mass + 1,
      min: [],
      max: [],
      rangeSum: 0,
    };
    recomputeBox(node, this.store);
    this.replaceChild(parent, child, node);
  }

  /** In `parent` (none: the root), `from` becomes `to`. */
  private replaceChild(parent: ReferenceNode | undefined, from: ReferenceChild, to: ReferenceChild): void {
    if (!parent) this.root = to;
    else if (parent.left === from) parent.left = to;
    else parent.right = to;
  }

  private coordinates(pointIndex: number): number[] {
    return Array.from({ length: this.dimensions }, (_, d) => this.store.coord(pointIndex, d));
  }
}

function leaf(point: number): ReferenceLeaf {
  return { kind: "leaf", point, mass: 1 };
}

function sameCoordinates(a: readonly number[], b: ArrayLike<number>): boolean {
  return a.every((x, d) => x === b[d]);
}

function rangeSum(min: readonly number[], max: readonly number[]): number {
  let sum = 0;
  for (let d = 0; d < min.length; d++) sum += max[d] - min[d];
  return sum;
}

/** A child's box: an internal node's own, a leaf's point as both corners. */
function cornersOf(child: ReferenceChild, store: PointStore, d: number): [number, number] {
  if (child.kind === "node") return [child.min[d], child.max[d]];
  const x = store.coord(child.point, d);
  return [x, x];
}

/** Sets a node's box (and range sum) to the smallest holding both children. */
function recomputeBox(node: ReferenceNode, store: PointStore): void {
  const dims = store.dimensions;
  for (let d = 0; d < dims; d++) {
    const [lMin, lMax] = cornersOf(node.left, store, d);
    const [rMin, rMax] = cornersOf(node.right, store, d);
    node.min[d] = Math.min(lMin, rMin);
    node.max[d] = Math.max(lMax, rMax);
  }
  node.rangeSum = rangeSum(node.min, node.max);
}

/**
 * How far (L1) the point lies outside the node's box. The compiled code sums two dimensions a step
 * (SIMD lanes), so even and odd dimensions add up apart, in order, and meet at the end; floating-point
 * addition is not associative, so this sums the same way.
 */
function distanceOutside(node: ReferenceNode, point: ArrayLike<number>): number {
  let even = 0;
  let odd = 0;
  for (let d = 0; d < node.min.length; d++) {
    const v = point[d];
    const outside = v < node.min[d] ? node.min[d] - v : v > node.max[d] ? v - node.max[d] : 0;
    if (d % 2 === 0) even += outside;
    else odd += outside;
  }
  return even + odd;
}
