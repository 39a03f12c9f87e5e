/**
 * S3 for the data stand-in: path-style REST (the SDK uses path style for an IP endpoint) over in-memory buckets,
 * with the three operations the summary and the loader send: PutObject, GetObject and ListObjectsV2.
 */
import { createHash } from "crypto";
import { IncomingMessage, ServerResponse } from "http";

export interface StoredObject {
  readonly body: Buffer;
  /** Epoch ms. */
  readonly lastModified: number;
  readonly etag: string;
  readonly contentType?: string;
}

/** bucket → key → object. */
export type Buckets = Map<string, Map<string, StoredObject>>;

export function putObject(buckets: Buckets, bucket: string, key: string, body: Buffer | string, lastModified = Date.now(), contentType?: string): void {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
  if (!buckets.has(bucket)) buckets.set(bucket, new Map());
  buckets.get(bucket)!.set(key, { body: bytes, lastModified, etag: createHash("md5").update(bytes).digest("hex"), contentType });
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "content-type": "application/xml" });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`);
}

/** The payload of a body the SDK may send as `aws-chunked` (a trailing checksum): the chunks' data only. */
export function decodeBody(req: IncomingMessage, raw: Buffer): Buffer {
  if (!String(req.headers["content-encoding"] ?? "").includes("aws-chunked")) return raw;
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf("\r\n", at);
    const size = parseInt(raw.subarray(at, eol).toString("latin1").split(";")[0], 16);
    if (!size) return Buffer.concat(parts);
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

function list(res: ServerResponse, bucket: string, objects: Map<string, StoredObject>, query: URLSearchParams): void {
  const prefix = query.get("prefix") ?? "";
  const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  const contents = keys
    .map((k) => {
      const o = objects.get(k)!;
      return `<Contents><Key>${xmlEscape(k)}</Key><LastModified>${new Date(o.lastModified).toISOString()}</LastModified><ETag>&quot;${o.etag}&quot;</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    })
    .join("");
  res.writeHead(200, { "content-type": "application/xml" });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(bucket)}</Name>` +
      `<Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
  );
}

/** Answers one S3 request; `calls` gets "s3 PutObject bucket/key" and the like. */
export function handleS3(buckets: Buckets, calls: string[], req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://stand-in");
  const [, bucket = "", ...rest] = url.pathname.split("/");
  const key = decodeURIComponent(rest.join("/"));
  const objects = buckets.get(bucket);
  if (req.method === "PUT" && key) {
    calls.push(`s3 PutObject ${bucket}/${key}`);
    putObject(buckets, bucket, key, decodeBody(req, body), Date.now(), req.headers["content-type"]);
    res.writeHead(200, { etag: `"${buckets.get(bucket)!.get(key)!.etag}"` });
    return void res.end();
  }
  if (req.method === "GET" && !key && url.searchParams.get("list-type") === "2") {
    calls.push(`s3 ListObjectsV2 ${bucket}/${url.searchParams.get("prefix") ?? ""}`);
    return list(res, bucket, objects ?? new Map(), url.searchParams);
  }
  if (req.method === "GET" && key) {
    calls.push(`s3 GetObject ${bucket}/${key}`);
    const o = objects?.get(key);
    if (!o) return s3Error(res, 404, "NoSuchKey", `The specified key does not exist: ${key}`);
    res.writeHead(200, { etag: `"${o.etag}"`, "content-length": String(o.body.length), "last-modified": new Date(o.lastModified).toUTCString() });
    return void res.end(o.body);
  }
  return s3Error(res, 400, "NotImplemented", `the stand-in does not implement ${req.method} ${url.pathname}${url.search}`);
}
