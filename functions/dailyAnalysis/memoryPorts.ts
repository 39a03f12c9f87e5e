import { Lake, Reports } from "./analyseDay";

/** An in-memory meter lake (objects as stored after gunzip): for tests and the analysis benchmark. */
export class MemoryLake implements Lake {
  /** Every key read, in order. */
  readonly reads: string[] = [];
  /** Calls made, each of which would be one S3 request (a listing of up to 1000 keys, or a GET). */
  requests = 0;

  constructor(readonly objects: Map<string, string> = new Map()) {}

  async topLevelPrefixes(): Promise<string[]> {
    this.requests++;
    return [...new Set([...this.objects.keys()].map((k) => k.split("/")[0]))].sort();
  }

  async list(prefix: string): Promise<string[]> {
    this.requests++;
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async text(key: string): Promise<string> {
    this.requests++;
    this.reads.push(key);
    const body = this.objects.get(key);
    if (body === undefined) throw new Error(`s3://lake/${key}: no such key`);
    return body;
  }
}

/** An in-memory reports bucket. */
export class MemoryReports implements Reports {
  readonly objects = new Map<string, string>();
  /** Calls made, each of which would be one S3 GET or PUT. */
  requests = 0;

  async json(key: string): Promise<unknown | undefined> {
    this.requests++;
    const text = this.objects.get(key);
    return text === undefined ? undefined : JSON.parse(text);
  }

  async put(key: string, body: string): Promise<void> {
    this.requests++;
    this.objects.set(key, body);
  }
}
