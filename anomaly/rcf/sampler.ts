import { hashUniform } from "../random";

// Per tree and point, through a module-level name (see scoreTree in forest.ts).
const uniformOf = hashUniform;

/**
 * Time-decayed weighted reservoir sample (Efraimidis-Spirakis with exponential weights, in log space as
 * the Java RCF's CompactSampler): a point arriving at sequence s gets the priority
 *   weight = log(-log(u)) - timeDecay * s,   u uniform in (0,1)
 * and the sampler keeps the `capacity` smallest weights (a max-heap evicts the largest). Newer points have
 * smaller weights, so the sample leans towards the recent past with horizon ~ 1 / timeDecay.
 *
 * u is a hash of (tree seed, s), so weights are re-derived from the sequence numbers on restore and the
 * saved state holds only (point, sequence) pairs.
 */
/** Points one rejection bound serves (see acceptPoint). */
const BOUND_SPAN = 64;

export class Sampler {
  readonly pointIndex: Int32Array;
  readonly sequence: Float64Array;
  readonly weight: Float64Array;
  size = 0;
  /** The point evicted by the last accepted point (valid when `acceptPoint` returned true and size was full). */
  evictedPoint = -1;
  /** Cached rejection bound (not state: recomputed on demand), valid up to boundSequence. */
  private boundSequence = -1;
  private rejectBelow = 0;
  /** The weight acceptPoint computed, reused by addPoint for the same sequence. */
  private pendingSequence = -1;
  private pendingWeight = 0;

  constructor(
    readonly capacity: number,
    readonly timeDecay: number,
    readonly seed: number,
  ) {
    this.pointIndex = new Int32Array(capacity);
    this.sequence = new Float64Array(capacity);
    this.weight = new Float64Array(capacity);
  }

  weightOf(sequence: number): number {
    return this.weightFrom(uniformOf(this.seed, sequence), sequence);
  }

  private weightFrom(u: number, sequence: number): number {
    return Math.log(-Math.log(u)) - this.timeDecay * sequence;
  }

  /**
   * Decides whether the point at `sequence` enters the sample. When it does and the sample is full, the
   * entry with the largest weight leaves it (in evictedPoint). Call `addPoint` after.
   */
  acceptPoint(sequence: number): boolean {
    this.evictedPoint = -1;
    if (this.size < this.capacity) return true;
    // Most points are rejected. weight < top  <=>  u > exp(-exp(top + decay * s)), and that bound only
    // falls as s grows, so one bound computed BOUND_SPAN points ahead rejects them without logarithms;
    // anything near it takes the exact test below, so decisions are exactly those of the exact test.
    const u = uniformOf(this.seed, sequence);
    if (sequence > this.boundSequence) {
      this.boundSequence = sequence + BOUND_SPAN;
      this.rejectBelow = Math.exp(-Math.exp(this.weight[0] + this.timeDecay * this.boundSequence)) * (1 - 1e-9);
    }
    if (u < this.rejectBelow) return false;
    const w = this.weightFrom(u, sequence);
    if (w >= this.weight[0]) return false;
    this.pendingSequence = sequence;
    this.pendingWeight = w;
    this.evictedPoint = this.pointIndex[0];
    // remove the root: move the last entry up and sift down
    this.size--;
    this.moveEntry(this.size, 0);
    this.siftDown(0);
    this.boundSequence = -1; // the top changed
    return true;
  }

  /** Adds an accepted point (the index the tree holds it under). */
  addPoint(pointIndex: number, sequence: number): void {
    let i = this.size++;
    this.pointIndex[i] = pointIndex;
    this.sequence[i] = sequence;
    this.weight[i] = sequence === this.pendingSequence ? this.pendingWeight : this.weightOf(sequence);
    this.boundSequence = -1;
    // sift up
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.weight[p] >= this.weight[i]) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Restores entries (any order): weights are re-derived and the heap rebuilt. */
  restore(points: ArrayLike<number>, sequences: ArrayLike<number>): void {
    this.size = 0;
    for (let i = 0; i < points.length; i++) this.addPoint(points[i], sequences[i]);
  }

  private siftDown(i: number): void {
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const c = r < n && this.weight[r] > this.weight[l] ? r : l;
      if (this.weight[i] >= this.weight[c]) return;
      this.swap(i, c);
      i = c;
    }
  }

  private moveEntry(from: number, to: number): void {
    this.pointIndex[to] = this.pointIndex[from];
    this.sequence[to] = this.sequence[from];
    this.weight[to] = this.weight[from];
  }

  private swap(a: number, b: number): void {
    const p = this.pointIndex[a];
    this.pointIndex[a] = this.pointIndex[b];
    this.pointIndex[b] = p;
    const s = this.sequence[a];
    this.sequence[a] = this.sequence[b];
    this.sequence[b] = s;
    const w = this.weight[a];
    this.weight[a] = this.weight[b];
    this.weight[b] = w;
  }
}
