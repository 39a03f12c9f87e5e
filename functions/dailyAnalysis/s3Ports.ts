import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, paginateListObjectsV2 } from "@aws-sdk/client-s3";
import { gunzipSync } from "zlib";
import { Lake, Reports } from "./analyseDay";

/** The analysis' ports on S3: the lake read-only, the reports bucket read (history) and write. */
export function s3Lake(client: S3Client, bucket: string): Lake {
  return {
    async topLevelPrefixes() {
      const out: string[] = [];
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Delimiter: "/" })) {
        for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix.replace(/\/$/, ""));
      }
      return out;
    },
    async list(prefix) {
      const out: string[] = [];
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
        for (const o of page.Contents ?? []) if (o.Key && !o.Key.endsWith("/")) out.push(o.Key);
      }
      return out;
    },
    async text(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = Buffer.from(await out.Body!.transformToByteArray());
      return (key.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
    },
  };
}

export function s3Reports(client: S3Client, bucket: string): Reports {
  return {
    async json(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return JSON.parse(await out.Body!.transformToString("utf8"));
      } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === "NoSuchKey") return undefined;
        throw err;
      }
    },
    async put(key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
  };
}
