/**
 * S3 as a folder: bucket `b` is the directory `<root>/b` and key `k` the file `<root>/b/k`, so a person can
 * browse the buckets' layouts with a file manager. Reproduced: put (atomic: readers never see half an object),
 * get, head (size, ETag = MD5 in quotes, last modified), list by prefix in key order, delete (absent is fine),
 * and an ObjectCreated:Put notification per put, shaped like an S3 event record (key URL-encoded as S3 does,
 * size, unquoted eTag, sequencer).
 * Refused (error naming the key): empty keys, keys over 1024 bytes, absolute keys, `.` / `..` / empty path
 * segments and NUL, which S3 allows but a folder cannot hold safely; an object and a "folder" of the same
 * name (`a` and `a/b`). Bucket names follow S3's rules. Not reproduced: versions, multipart uploads, content
 * types across restarts (kept in memory), encryption, ACLs, policies, presigned URLs.
 */
import { createHash, randomUUID } from "crypto";
import { createReadStream, promises as fs } from "fs";
import { dirname, join, relative, sep } from "path";
import { Readable } from "stream";

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  /** `"<md5 hex>"`, quoted as S3 returns it. */
  readonly eTag: string;
  readonly lastModified: Date;
  readonly contentType: string;
}

export interface S3EventRecord {
  readonly eventVersion: "2.1";
  readonly eventSource: "aws:s3";
  readonly awsRegion: string;
  readonly eventTime: string;
  readonly eventName: "ObjectCreated:Put";
  readonly userIdentity: { principalId: string };
  readonly requestParameters: { sourceIPAddress: string };
  readonly responseElements: { "x-amz-request-id": string; "x-amz-id-2": string };
  readonly s3: {
    s3SchemaVersion: "1.0";
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size: number; eTag: string; sequencer: string };
  };
}

/** Which puts a notification is for, as an S3 bucket notification configuration filters them. */
export interface NotificationFilter {
  readonly bucket: string;
  readonly prefix?: string;
  readonly suffix?: string;
}

export class KeyPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyPathError";
  }
}

const BUCKET = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function validateBucketName(bucket: string): void {
  if (!BUCKET.test(bucket) || bucket.includes("..") || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    throw new KeyPathError(
      `bucket name ${JSON.stringify(bucket)} must be 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit`,
    );
  }
}

export function validateKey(key: string): void {
  const why =
    key === ""
      ? "is empty"
      : Buffer.byteLength(key) > 1024
        ? "is longer than 1024 bytes"
        : key.startsWith("/")
          ? "is absolute"
          : key.includes("\u0000")
            ? "contains NUL"
            : key.split("/").some((s) => s === "." || s === "..")
              ? "has a . or .. segment"
              : key.split("/").some((s, i, all) => s === "" && i < all.length - 1) || key.endsWith("/")
                ? "has an empty segment"
                : undefined;
  if (why) throw new KeyPathError(`key ${JSON.stringify(key)} ${why}: the local S3 folder store cannot hold it safely`);
}

/** A key as S3 writes it in event notifications: form-URL-encoded per segment ('+' for space), '/' kept. */
export function eventKey(key: string): string {
  return key
    .split("/")
    .map((s) =>
      encodeURIComponent(s)
        .replace(/%20/g, "+")
        .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join("/");
}

export class FolderStore {
  private readonly contentTypes = new Map<string, string>();
  private readonly listeners: { filter: NotificationFilter; listener: (record: S3EventRecord) => void | Promise<void> }[] = [];
  private sequence = 0;

  constructor(
    readonly root: string,
    private readonly region = "us-east-1",
  ) {}

  /**
   * A bucket notification: called after each put into `filter.bucket` whose key has the prefix and suffix, with
   * its S3 event record; the put resolves after the listeners do.
   */
  onObjectCreated(filter: NotificationFilter, listener: (record: S3EventRecord) => void | Promise<void>): () => void {
    validateBucketName(filter.bucket);
    const entry = { filter, listener };
    this.listeners.push(entry);
    return () => this.listeners.splice(this.listeners.indexOf(entry), 1);
  }

  /** The file of an object, checked to stay inside the bucket's folder. */
  pathOf(bucket: string, key: string): string {
    validateBucketName(bucket);
    validateKey(key);
    const base = join(this.root, bucket);
    const path = join(base, ...key.split("/"));
    const rel = relative(base, path);
    if (rel.startsWith("..") || rel === "" || rel.split(sep).includes("..")) throw new KeyPathError(`key ${JSON.stringify(key)} leaves bucket ${bucket}`);
    return path;
  }

  async put(bucket: string, key: string, body: string | Uint8Array, contentType = "application/octet-stream"): Promise<ObjectInfo> {
    const path = this.pathOf(bucket, key);
    const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
    try {
      await fs.mkdir(dirname(path), { recursive: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST" || (e as NodeJS.ErrnoException).code === "ENOTDIR") {
        throw new KeyPathError(`key ${JSON.stringify(key)} needs a folder where an object of bucket ${bucket} already is`);
      }
      throw e;
    }
    // written beside the bucket folders (bucket names cannot start with '.') and renamed: atomic on one file system
    const tmp = join(this.root, ".tmp", randomUUID());
    await fs.mkdir(dirname(tmp), { recursive: true });
    await fs.writeFile(tmp, bytes);
    try {
      await fs.rename(tmp, path);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      if ((e as NodeJS.ErrnoException).code === "EISDIR" || (e as NodeJS.ErrnoException).code === "ENOTEMPTY") {
        throw new KeyPathError(`key ${JSON.stringify(key)} is a folder of other objects in bucket ${bucket}`);
      }
      throw e;
    }
    this.contentTypes.set(`${bucket}/${key}`, contentType);
    const md5 = createHash("md5").update(bytes).digest("hex");
    const info: ObjectInfo = { key, size: bytes.length, eTag: `"${md5}"`, lastModified: (await fs.stat(path)).mtime, contentType };
    const record = this.eventRecord(bucket, key, bytes.length, md5);
    for (const { filter, listener } of [...this.listeners]) {
      if (filter.bucket === bucket && key.startsWith(filter.prefix ?? "") && key.endsWith(filter.suffix ?? "")) await listener(record);
    }
    return info;
  }

  async get(bucket: string, key: string): Promise<Buffer> {
    return this.existing(bucket, key, (path) => fs.readFile(path));
  }

  /** The object as a stream (what GetObject's Body is); rejects with NoSuchKey when absent. */
  async getStream(bucket: string, key: string): Promise<Readable> {
    return this.existing(bucket, key, async (path) => {
      await fs.access(path);
      return createReadStream(path);
    });
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const path = this.pathOf(bucket, key);
    let stat;
    try {
      stat = await fs.stat(path);
    } catch {
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    const md5 = createHash("md5")
      .update(await fs.readFile(path))
      .digest("hex");
    return {
      key,
      size: stat.size,
      eTag: `"${md5}"`,
      lastModified: stat.mtime,
      contentType: this.contentTypes.get(`${bucket}/${key}`) ?? "application/octet-stream",
    };
  }

  /** Keys under `prefix` (a plain string prefix, as S3's), in key order. */
  async list(bucket: string, prefix = ""): Promise<ObjectInfo[]> {
    validateBucketName(bucket);
    const base = join(this.root, bucket);
    const keys: string[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const key = rel === "" ? e.name : `${rel}/${e.name}`;
        if (e.isDirectory()) {
          if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(join(dir, e.name), key);
        } else if (e.isFile() && key.startsWith(prefix)) keys.push(key);
      }
    };
    await walk(base, "");
    // S3 orders keys by their UTF-8 bytes
    keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return Promise.all(keys.map(async (k) => (await this.head(bucket, k))!));
  }

  /** Deletes the object (absent is fine, as in S3) and the folders it leaves empty. */
  async delete(bucket: string, key: string): Promise<void> {
    const path = this.pathOf(bucket, key);
    await fs.rm(path, { force: true });
    this.contentTypes.delete(`${bucket}/${key}`);
    const base = join(this.root, bucket);
    for (let dir = dirname(path); dir !== base && dir.startsWith(base); dir = dirname(dir)) {
      try {
        await fs.rmdir(dir);
      } catch {
        break;
      }
    }
  }

  private async existing<T>(bucket: string, key: string, read: (path: string) => Promise<T>): Promise<T> {
    const path = this.pathOf(bucket, key);
    try {
      return await read(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR") {
        const err = new Error(`NoSuchKey: s3://${bucket}/${key} does not exist`);
        err.name = "NoSuchKey";
        throw err;
      }
      throw e;
    }
  }

  private eventRecord(bucket: string, key: string, size: number, md5: string): S3EventRecord {
    const requestId = randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase();
    return {
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: this.region,
      eventTime: new Date().toISOString(),
      eventName: "ObjectCreated:Put",
      userIdentity: { principalId: "AWS:LOCAL" },
      requestParameters: { sourceIPAddress: "127.0.0.1" },
      responseElements: { "x-amz-request-id": requestId, "x-amz-id-2": randomUUID() },
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "local",
        bucket: { name: bucket, ownerIdentity: { principalId: "LOCAL" }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: eventKey(key), size, eTag: md5, sequencer: (++this.sequence).toString(16).toUpperCase().padStart(18, "0") },
      },
    };
  }
}

/** The body S3 sends to an SQS queue for one notification. */
export function s3EventMessage(record: S3EventRecord): string {
  return JSON.stringify({ Records: [record] });
}
