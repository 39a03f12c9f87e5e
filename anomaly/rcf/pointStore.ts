import { ForestMemory } from "./forestMemory";

/**
 * The forest's shared point store: each sampled point is stored once (float32, as the Java RCF does) and
 * referenced by every tree that holds it, with a reference count; freed slots are reused. A forest's store
 * lives in its memory, with room for every tree's whole sample, and never grows; a store made on its own
 * grows as needed.
 */
export class PointStore {
  values: Float32Array;
  refCount: Int32Array;
  private freeList: Int32Array;
  private freeTop = 0;
  private capacity: number;
  /** Slots ever handed out: slots >= this are untouched. */
  size = 0;

  constructor(
    readonly dimensions: number,
    initialCapacity = 256,
    private readonly memory?: ForestMemory,
  ) {
    this.capacity = Math.max(1, initialCapacity);
    this.values = memory ? memory.float32(this.capacity * dimensions) : new Float32Array(this.capacity * dimensions);
    this.refCount = new Int32Array(this.capacity);
    this.freeList = new Int32Array(this.capacity);
  }

  /** Stores a point with reference count 0; the caller increments for every tree that keeps it. */
  add(point: Float32Array): number {
    let index: number;
    if (this.freeTop > 0) {
      index = this.freeList[--this.freeTop];
    } else {
      if (this.size === this.capacity) this.grow();
      index = this.size++;
    }
    this.values.set(point, index * this.dimensions);
    this.refCount[index] = 0;
    return index;
  }

  incrementRef(index: number): void {
    this.refCount[index]++;
  }

  /** Decrements and frees the slot when no tree references it any more. */
  decrementRef(index: number): void {
    if (--this.refCount[index] === 0) this.free(index);
  }

  /** Frees a slot that ended with no reference (a point no tree accepted). */
  releaseIfUnused(index: number): void {
    if (this.refCount[index] === 0) this.free(index);
  }

  /** Number of live points. */
  get liveCount(): number {
    return this.size - this.freeTop;
  }

  /** Coordinate `d` of point `index`. */
  coord(index: number, d: number): number {
    return this.values[index * this.dimensions + d];
  }

  /** Fills an empty store with packed live points, in slots 0..n-1 (used by the state mapper). */
  loadPacked(packed: Float32Array, refCounts: Int32Array): void {
    const n = refCounts.length;
    if (this.size !== 0) throw new Error("internal: loadPacked into a store in use");
    if (n > this.capacity && this.memory) throw new Error(`${n} points, more than the ${this.capacity} the forest's trees can hold`);
    while (this.capacity < n) this.grow();
    this.values.set(packed);
    this.refCount.set(refCounts);
    this.size = n;
  }

  private free(index: number): void {
    this.freeList[this.freeTop++] = index;
  }

  private grow(): void {
    if (this.memory) throw new Error(`internal: a forest's point store is full (${this.capacity} points)`);
    const cap = this.capacity * 2;
    const values = new Float32Array(cap * this.dimensions);
    values.set(this.values);
    const refCount = new Int32Array(cap);
    refCount.set(this.refCount);
    const freeList = new Int32Array(cap);
    freeList.set(this.freeList);
    this.values = values;
    this.refCount = refCount;
    this.freeList = freeList;
    this.capacity = cap;
  }
}
