import { Readable } from "stream";

/** An object read from the upload bucket: its body as a stream and, when the store knows it, its size in bytes. */
export interface StoredObject {
  readonly body: Readable;
  readonly size?: number;
}

/** Writes one object piece by piece; nothing is visible under the key until end() resolves. */
export interface ObjectWriter {
  write(text: string): Promise<void>;
  end(): Promise<void>;
  /** Drops what was written; never throws (a failure to clean up must not hide the error that caused it). */
  abort(): Promise<void>;
}

/**
 * The S3 calls the parser needs, injected so the core runs without AWS. `get` fails with an error named
 * `NoSuchKey` when the object is gone (the SDK's name for it).
 */
export interface ObjectStore {
  get(key: string): Promise<StoredObject>;
  put(key: string, body: string, contentType: string): Promise<void>;
  /** Streams a large object out (multipart upload on S3); without it the body is held and put in one call. */
  writer?(key: string, contentType: string): ObjectWriter;
  /**
   * The upload's entity tag now, or undefined when it cannot be told (gone, or not readable): lets a parse of an
   * upload that a newer one replaced meanwhile leave the newer one's output alone. Without it, none is checked.
   */
  currentTag?(key: string): Promise<string | undefined>;
  /**
   * Every upload now under a spelling of `key` (see s3Key's isSpellingOf), itself included while it is there:
   * the spellings share one output, which the newest owns. Without it, none is checked.
   */
  spellings?(key: string): Promise<readonly Spelling[]>;
}

/** An upload under one spelling of a supplier key, and when it was written (epoch ms). */
export interface Spelling {
  readonly key: string;
  readonly lastModified: number;
}

/**
 * The spelling that owns the output the spellings share: the one written last; of uploads written at the same
 * time (S3 keeps whole seconds), the one whose key sorts last, so every parse names the same. Undefined for none.
 */
export function newestSpelling(spellings: readonly Spelling[]): string | undefined {
  let newest: Spelling | undefined;
  for (const s of spellings) {
    if (!newest || s.lastModified > newest.lastModified || (s.lastModified === newest.lastModified && s.key > newest.key)) newest = s;
  }
  return newest?.key;
}

/** Entity tags compared without their quotes: S3 events give them bare, HeadObject quoted. */
export function sameTag(a: string, b: string): boolean {
  const bare = (t: string) => t.trim().replace(/^"|"$/g, "");
  return bare(a) === bare(b);
}

/** A writer over `put`: holds the body, for stores whose objects are small or local. */
export function bufferedWriter(store: ObjectStore, key: string, contentType: string): ObjectWriter {
  let parts: string[] = [];
  return {
    write: async (text) => {
      parts.push(text);
    },
    end: () => store.put(key, parts.join(""), contentType),
    abort: async () => {
      parts = [];
    },
  };
}

export function writerFor(store: ObjectStore, key: string, contentType: string): ObjectWriter {
  return store.writer ? store.writer(key, contentType) : bufferedWriter(store, key, contentType);
}

/** True for the error a store raises when the object does not exist (deleted between the event and the read). */
export function isObjectGone(e: unknown): boolean {
  return e instanceof Error && (e.name === "NoSuchKey" || e.name === "NotFound");
}
