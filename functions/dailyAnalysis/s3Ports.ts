import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, paginateListObjectsV2 } from "@aws-sdk/client-s3";
import { gunzipSync } from "zlib";
import { Lake, ReportChangedError, Reports } from "./ports";

/** The analysis' ports on S3: the lake read-only, the reports bucket read (history) and write. */
export function s3Lake(client: S3Client, bucket: string): Lake {
  const listModified = async (prefix: string, atMost = Infinity) => {
    const out: { key: string; modifiedMs: number }[] = [];
    for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
      for (const o of page.Contents ?? []) if (o.Key && !o.Key.endsWith("/")) out.push({ key: o.Key, modifiedMs: o.LastModified?.getTime() ?? 0 });
      // no page after the one that passed the bound: a flooded partition is not listed to its end
      if (out.length > atMost) return out.slice(0, atMost + 1);
    }
    return out;
  };
  return {
    async topLevelPrefixes() {
      const out: string[] = [];
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Delimiter: "/" })) {
        for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix.replace(/\/$/, ""));
      }
      return out;
    },
    list: async (prefix, atMost) => (await listModified(prefix, atMost)).map((o) => o.key),
    listModified: (prefix) => listModified(prefix),
    async text(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = Buffer.from(await out.Body!.transformToByteArray());
      return (key.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
    },
  };
}

/** S3's answers to a conditional write whose condition no longer holds (412), or that lost a race with another (409). */
const CHANGED = new Set(["PreconditionFailed", "ConditionalRequestConflict"]);

const isNoSuchKey = (err: unknown) => err instanceof NoSuchKey || (err as { name?: string }).name === "NoSuchKey";

export function s3Reports(client: S3Client, bucket: string): Reports {
  return {
    async json(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return JSON.parse(await out.Body!.transformToString("utf8"));
      } catch (err) {
        if (isNoSuchKey(err)) return undefined;
        throw err;
      }
    },
    async tagged(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!out.ETag) throw new Error(`s3://${bucket}/${key}: GetObject returned no ETag, so the report cannot be rewritten safely`);
        return { text: await out.Body!.transformToString("utf8"), tag: out.ETag };
      } catch (err) {
        if (isNoSuchKey(err)) return undefined;
        throw err;
      }
    },
    async put(key, body, contentType, condition) {
      const match = condition && "ifMatch" in condition ? { IfMatch: condition.ifMatch } : condition ? { IfNoneMatch: condition.ifNoneMatch } : {};
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ...match }));
      } catch (err) {
        // a report deleted since it was read answers an If-Match with NoSuchKey: it changed too
        if (condition && (CHANGED.has((err as { name?: string }).name ?? "") || isNoSuchKey(err))) throw new ReportChangedError(key);
        throw err;
      }
    },
  };
}
