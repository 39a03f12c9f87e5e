/** A sliding window of numbers kept both in arrival order (ring) and sorted, for rolling medians. */
export class SortedWindow {
  private readonly ring: number[] = [];
  private readonly sorted: number[] = [];
  private head = 0;

  constructor(
    readonly capacity: number,
    initial: readonly number[] = [],
  ) {
    for (const v of initial) this.push(v);
  }

  get size(): number {
    return this.ring.length;
  }

  push(value: number): void {
    if (this.ring.length === this.capacity) {
      const old = this.ring[this.head];
      this.sorted.splice(this.lowerBound(old), 1);
      this.ring[this.head] = value;
      this.head = (this.head + 1) % this.capacity;
    } else {
      this.ring.push(value);
    }
    this.sorted.splice(this.lowerBound(value), 0, value);
  }

  median(): number {
    return medianOfSorted(this.sorted);
  }

  /** Median absolute deviation from `center`. */
  mad(center: number): number {
    const deviations = this.sorted.map((v) => Math.abs(v - center)).sort((a, b) => a - b);
    return medianOfSorted(deviations);
  }

  /** Values oldest first (the state). */
  values(): number[] {
    return [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
  }

  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export function medianOfSorted(xs: readonly number[]): number {
  const n = xs.length;
  if (n === 0) return NaN;
  const m = n >> 1;
  return n % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}
