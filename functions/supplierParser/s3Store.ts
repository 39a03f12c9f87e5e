import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Readable } from "stream";
import { MB } from "./byteLimit";
import { ObjectStore, ObjectWriter, Spelling } from "./objectStore";
import { isSpellingOf, spellingPrefix } from "./s3Key";

/**
 * 8 MB parts: S3 takes 5 MB to 5 GB per part (the last may be smaller) and 10,000 parts, so an object up to
 * 80 GB fits while each open writer holds at most one part.
 */
export const PART_BYTES = 8 * MB;

/**
 * Streams an object into S3: held until it reaches a part, then a multipart upload, one part at a time. An
 * object smaller than a part is one PutObject, as before. abort() ends an open multipart upload (the lake's
 * lifecycle rule also aborts any left behind after 7 days).
 */
export function s3Writer(client: S3Client, bucket: string, key: string, contentType: string, partBytes = PART_BYTES): ObjectWriter {
  let chunks: Buffer[] = [];
  let held = 0;
  let uploadId: string | undefined;
  const parts: { PartNumber: number; ETag: string }[] = [];

  const take = (): Buffer => {
    const body = Buffer.concat(chunks);
    chunks = [];
    held = 0;
    return body;
  };
  const uploadPart = async (body: Buffer): Promise<void> => {
    if (uploadId === undefined) {
      const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }));
      if (!created.UploadId) throw new Error(`s3://${bucket}/${key}: CreateMultipartUpload returned no UploadId`);
      uploadId = created.UploadId;
    }
    const PartNumber = parts.length + 1;
    const out = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: body, ContentLength: body.length }));
    if (!out.ETag) throw new Error(`s3://${bucket}/${key}: UploadPart ${PartNumber} returned no ETag`);
    parts.push({ PartNumber, ETag: out.ETag });
  };

  return {
    async write(text) {
      const b = Buffer.from(text, "utf8");
      chunks.push(b);
      held += b.length;
      if (held >= partBytes) await uploadPart(take());
    },
    async end() {
      if (uploadId === undefined) {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: take(), ContentType: contentType }));
        return;
      }
      if (held > 0) await uploadPart(take());
      await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    },
    async abort() {
      chunks = [];
      held = 0;
      if (uploadId === undefined) return;
      const id = uploadId;
      uploadId = undefined;
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id })).catch(() => undefined);
    },
  };
}

/** The parser's store on S3: reads from the upload bucket named in the event, writes to the lake. */
export function s3ObjectStore(client: S3Client, uploadBucket: string, lakeBucket: string): ObjectStore {
  return {
    async get(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: uploadBucket, Key: key }));
      if (!out.Body) throw new Error(`s3://${uploadBucket}/${key} has no body`);
      return { body: out.Body as Readable, size: out.ContentLength };
    },
    async put(key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket: lakeBucket, Key: key, Body: body, ContentType: contentType }));
    },
    writer: (key, contentType) => s3Writer(client, lakeBucket, key, contentType),
    async currentTag(key) {
      try {
        return (await client.send(new HeadObjectCommand({ Bucket: uploadBucket, Key: key }))).ETag;
      } catch (e) {
        // a missing object is a 404, or a 403 to a role without ListBucket: either way, nothing newer to defer to.
        // HEAD answers have no body, so the SDK names a 403 "Unknown": the status tells them apart
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || status === 403 || (e as Error).name === "NotFound") return undefined;
        throw e;
      }
    },
    async spellings(key) {
      const found: Spelling[] = [];
      let ContinuationToken: string | undefined;
      try {
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: uploadBucket, Prefix: spellingPrefix(key), ContinuationToken }));
          for (const o of page.Contents ?? []) {
            if (o.Key !== undefined && isSpellingOf(o.Key, key)) found.push({ key: o.Key, lastModified: o.LastModified?.getTime() ?? 0 });
          }
          ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (ContinuationToken);
      } catch (e) {
        // as currentTag: a role that may not list cannot tell, and the file is parsed as before
        if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403) return [];
        throw e;
      }
      return found;
    },
  };
}
