import { conditionHolds, Lake, PutCondition, ReportChangedError, Reports, TaggedText } from "./ports";

/** A map that counts its writes, so a listing knows when the keys it sorted are out of date. */
class CountedMap<K, V> extends Map<K, V> {
  writes = 0;
  set(key: K, value: V): this {
    this.writes++;
    return super.set(key, value);
  }
  delete(key: K): boolean {
    this.writes++;
    return super.delete(key);
  }
  clear(): void {
    this.writes++;
    super.clear();
  }
}

/**
 * An in-memory meter lake (objects as stored after gunzip): for tests and the analysis benchmark. A listing finds
 * its keys in the lake's keys kept sorted, as S3 does, so the benchmark's CPU is not a scan of every object a
 * listing (its `objects` is a copy of the map given, kept sorted as it changes).
 */
export class MemoryLake implements Lake {
  /** Every key read, in order. */
  readonly reads: string[] = [];
  /** Calls made, each of which would be one S3 request (a listing of up to 1000 keys, or a GET). */
  requests = 0;
  /** Of those, the listings, and the keys they returned. */
  listings = 0;
  listedKeys = 0;

  /** When each object was written, epoch ms; 0 for one not named here. */
  readonly modified = new Map<string, number>();

  private readonly stored = new CountedMap<string, string>();
  readonly objects: Map<string, string> = this.stored;
  /** The keys sorted, and the map's writes when they were. */
  private sorted: string[] = [];
  private sortedAt = -1;

  constructor(objects: ReadonlyMap<string, string> = new Map()) {
    for (const [key, body] of objects) this.stored.set(key, body);
  }

  async topLevelPrefixes(): Promise<string[]> {
    const prefixes = [...new Set([...this.objects.keys()].map((k) => k.split("/")[0]))].sort();
    this.counted(1, prefixes.length);
    return prefixes;
  }

  async list(prefix: string, atMost = Infinity): Promise<string[]> {
    const keys = this.keysFrom(prefix);
    // one request a page of 1000 keys, as S3's ListObjectsV2 (at least one)
    const listed = keys.length > atMost ? keys.slice(0, atMost + 1) : keys;
    this.counted(Math.max(1, Math.ceil(listed.length / 1000)), listed.length);
    return listed;
  }

  private counted(pages: number, keys: number): void {
    this.requests += pages;
    this.listings += pages;
    this.listedKeys += keys;
  }

  /** The keys under `prefix`, sorted: a run of the sorted keys, from the first not before it. */
  private keysFrom(prefix: string): string[] {
    if (this.sortedAt !== this.stored.writes) {
      this.sorted = [...this.stored.keys()].sort();
      this.sortedAt = this.stored.writes;
    }
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const keys: string[] = [];
    for (let i = lo; i < this.sorted.length && this.sorted[i].startsWith(prefix); i++) keys.push(this.sorted[i]);
    return keys;
  }

  async listModified(prefix: string): Promise<{ key: string; modifiedMs: number }[]> {
    return (await this.list(prefix)).map((key) => ({ key, modifiedMs: this.modified.get(key) ?? 0 }));
  }

  async text(key: string): Promise<string> {
    this.requests++;
    this.reads.push(key);
    const body = this.objects.get(key);
    if (body === undefined) throw new Error(`s3://lake/${key}: no such key`);
    return body;
  }
}

/** An in-memory reports bucket; each write of a key gets a new version tag, as S3's ETag would. */
export class MemoryReports implements Reports {
  readonly objects = new Map<string, string>();
  private readonly tags = new Map<string, string>();
  private version = 0;
  /** Calls made, each of which would be one S3 GET or PUT. */
  requests = 0;

  async json(key: string): Promise<unknown | undefined> {
    this.requests++;
    const text = this.objects.get(key);
    return text === undefined ? undefined : JSON.parse(text);
  }

  async tagged(key: string): Promise<TaggedText | undefined> {
    this.requests++;
    const text = this.objects.get(key);
    return text === undefined ? undefined : { text, tag: this.tagOf(key) };
  }

  async put(key: string, body: string, _contentType?: string, condition?: PutCondition): Promise<void> {
    this.requests++;
    if (condition && !conditionHolds(condition, this.objects.has(key) ? this.tagOf(key) : undefined)) throw new ReportChangedError(key);
    this.objects.set(key, body);
    this.tags.set(key, `v${++this.version}`);
  }

  /** An object set directly in `objects` has the tag `v0` until it is put. */
  private tagOf(key: string): string {
    return this.tags.get(key) ?? "v0";
  }
}
