import { conditionHolds, Lake, PutCondition, ReportChangedError, Reports, TaggedText } from "./ports";

/** An in-memory meter lake (objects as stored after gunzip): for tests and the analysis benchmark. */
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

  constructor(readonly objects: Map<string, string> = new Map()) {}

  async topLevelPrefixes(): Promise<string[]> {
    const prefixes = [...new Set([...this.objects.keys()].map((k) => k.split("/")[0]))].sort();
    this.counted(1, prefixes.length);
    return prefixes;
  }

  async list(prefix: string, atMost = Infinity): Promise<string[]> {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
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
