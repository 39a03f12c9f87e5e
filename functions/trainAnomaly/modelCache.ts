import { TrainModel } from "./trainModel";

/** A model and the checkpoint version it matches. */
export interface CachedModel {
  readonly model: TrainModel;
  readonly version: number;
}

/**
 * The models a warm Lambda keeps between invocations, least recently used dropped first. Invariant: a cached
 * model is exactly its checkpoint at `version` (the core drops any model it advanced but could not save); the
 * core checks that version against the store before scoring, as another environment may have saved since.
 */
export class ModelCache {
  private readonly entries: Map<string, CachedModel>;
  evictions = 0;

  constructor(readonly capacity: number) {
    // created here, not at module scope (docs/inline-callbacks.md)
    this.entries = new Map();
  }

  static key(trainId: string, group: string): string {
    return `${trainId}/${group}`;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CachedModel | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: CachedModel): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
      this.evictions++;
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }
}
