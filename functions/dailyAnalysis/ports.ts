/** What the daily analysis reads and writes: the meter lake and the reports bucket, as ports (S3, memory, folders). */
export interface Lake {
  /** Top-level prefixes of the lake (`{ClientID}/` and the reserved ones), without the slash. */
  topLevelPrefixes(): Promise<string[]>;
  /** Keys under a prefix; with `atMost`, the listing stops once it has more than that many (it returns atMost + 1). */
  list(prefix: string, atMost?: number): Promise<string[]>;
  /** Keys under a prefix with when each was last written (S3's LastModified), epoch ms. */
  listModified(prefix: string): Promise<{ readonly key: string; readonly modifiedMs: number }[]>;
  /** An object's text, gunzipped when its key ends in `.gz`. */
  text(key: string): Promise<string>;
}

export interface Reports {
  /** A stored report's JSON, or undefined when there is none. */
  json(key: string): Promise<unknown | undefined>;
  /** A stored object's text and version tag (S3's ETag), always read afresh; undefined when there is none. */
  tagged(key: string): Promise<TaggedText | undefined>;
  /**
   * Writes an object; with `condition`, only while the stored one is still that version (or still absent), else
   * throws ReportChangedError: two runs revising one report must not keep only the last one's readings.
   */
  put(key: string, body: string, contentType: string, condition?: PutCondition): Promise<void>;
}

export interface TaggedText {
  readonly text: string;
  readonly tag: string;
}

export type PutCondition = { readonly ifMatch: string } | { readonly ifNoneMatch: "*" };

/** Whether a write under `condition` may replace the object stored now (its tag, or undefined when absent). */
export const conditionHolds = (condition: PutCondition, storedTag: string | undefined): boolean =>
  "ifMatch" in condition ? storedTag === condition.ifMatch : storedTag === undefined;

/** The condition that a write replaces exactly what was read (`stored`), or creates what was absent. */
export const unchangedSince = (stored: TaggedText | undefined): PutCondition => (stored ? { ifMatch: stored.tag } : { ifNoneMatch: "*" });

export class ReportChangedError extends Error {
  constructor(readonly key: string) {
    super(`${key} changed while it was being rewritten`);
    this.name = "ReportChangedError";
  }
}

export const reportKey = (clientId: string, compactDay: string, ext: "json" | "html") => `reports/${clientId}/${compactDay}.${ext}`;

/** The JSON of a tagged object, or undefined (and `onCorrupt` hears) when it is not JSON. */
export function parseTagged(stored: TaggedText | undefined, key: string, onCorrupt: (key: string, error: string) => void): unknown | undefined {
  if (stored === undefined) return undefined;
  try {
    return JSON.parse(stored.text);
  } catch (err) {
    onCorrupt(key, (err as Error).message);
    return undefined;
  }
}

/**
 * A stored report, or undefined when there is none or it is not JSON (a truncated or hand-edited object): such
 * a report is rewritten by the run rather than failing it, and `onCorrupt` hears of it. Other errors (a denied
 * GET) still fail the client.
 */
export async function readStoredReport(reports: Reports, key: string, onCorrupt: (key: string, error: string) => void): Promise<unknown | undefined> {
  try {
    return await reports.json(key);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    onCorrupt(key, err.message);
    return undefined;
  }
}

/**
 * Most objects one client-day partition may hold. The readings rule writes one object a reading: a meter sends
 * at most 288 a day (5-minute intervals), and after an outage it sends what it stored: a month of 5-minute
 * readings stays below this. Beyond it is a meter flooding its topic (IoT Core lets a device publish many times
 * a second); reading it would hold the shard's invocation for hours, so that client fails instead, naming the
 * partition (and nothing of it is read).
 */
export const MAX_PARTITION_OBJECTS = 10_000;

export class TooManyObjectsError extends Error {
  constructor(readonly prefix: string) {
    super(
      `${prefix} holds more than ${MAX_PARTITION_OBJECTS} objects (a meter sends at most 288 readings a day): not read; clean it (docs/operations.md), then re-run`,
    );
    this.name = "TooManyObjectsError";
  }
}

/** The keys of one client-day partition (`{ClientID}/{YYYYMMDD}/`); throws TooManyObjectsError beyond MAX_PARTITION_OBJECTS. */
export async function partitionKeys(lake: Lake, prefix: string): Promise<string[]> {
  const keys = await lake.list(prefix, MAX_PARTITION_OBJECTS);
  if (keys.length > MAX_PARTITION_OBJECTS) throw new TooManyObjectsError(prefix);
  return keys;
}

/** `read()` for `key` once while it succeeds: later calls share its promise; a failed read is tried again by the next call. */
export function once<T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  let hit = cache.get(key);
  if (!hit) {
    hit = read();
    cache.set(key, hit);
    hit.catch(() => cache.delete(key));
  }
  return hit;
}

/** A client's lake for one run: each listing read once, each object read and parsed once. */
export interface ClientLake extends Lake {
  /** Drops the listings (not the objects, which do not change): a computation started again lists afresh. */
  forgetListings(): void;
  /**
   * An object's lines parsed by `parse`, once per object and parser; `kept`, when given, is taken for the parse
   * instead of reading the object (the run's time is checked as for a read).
   */
  parsed<T>(key: string, parse: (text: string) => T, kept?: T): Promise<T>;
}

/** Thrown by a client's lake once its run's time is nearly up (`clientLake`'s `outOfTime`): nothing is written after. */
export class OutOfTimeError extends Error {
  constructor() {
    super("the invocation's time is nearly up");
    this.name = "OutOfTimeError";
  }
}

/**
 * One client's view of the lake for a run: each listing read once, each object read and parsed once. A revision
 * of an earlier day reads partitions the client's day has read already. Only what a parse returns is kept, never
 * an object's text: a meter may pad its readings up to IoT Core's 128 KB a message.
 */
export function clientLake(lake: Lake, outOfTime: () => boolean = () => false): ClientLake {
  let lists = new Map<string, Promise<string[]>>();
  const parses = new Map<(text: string) => unknown, Map<string, Promise<unknown>>>();
  const inTime = () => {
    if (outOfTime()) throw new OutOfTimeError();
  };
  const text = async (key: string) => {
    inTime();
    return lake.text(key);
  };
  return {
    topLevelPrefixes: () => lake.topLevelPrefixes(),
    list: (prefix, atMost) => once(lists, atMost === undefined ? prefix : `${prefix}\n${atMost}`, () => lake.list(prefix, atMost)),
    listModified: (prefix) => lake.listModified(prefix),
    text,
    forgetListings: () => void (lists = new Map()),
    parsed<T>(key: string, parse: (text: string) => T, kept?: T): Promise<T> {
      let byKey = parses.get(parse);
      if (!byKey) parses.set(parse, (byKey = new Map()));
      return once(byKey, key, async () => (kept === undefined ? parse(await text(key)) : (inTime(), kept))) as Promise<T>;
    },
  };
}

/**
 * One client's view of the reports bucket for a run: each report read once (one that is not JSON is taken as
 * none, and `onCorrupt` hears of it once); a JSON report put is what later reads see.
 */
export function clientReports(reports: Reports, onCorrupt: (key: string, error: string) => void): Reports {
  const seen = new Map<string, unknown>();
  return {
    async json(key) {
      if (!seen.has(key)) seen.set(key, await readStoredReport(reports, key, onCorrupt));
      return seen.get(key);
    },
    tagged: (key) => reports.tagged(key),
    async put(key, body, contentType, condition) {
      await reports.put(key, body, contentType, condition);
      if (key.endsWith(".json")) seen.set(key, JSON.parse(body));
    },
  };
}
