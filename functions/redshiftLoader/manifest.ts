import { RawObject } from "./loadSql";

/**
 * A COPY manifest: every entry mandatory (COPY fails rather than silently skipping a missing object) with its
 * content length, which Redshift uses to split the work.
 */
export function manifestBody(bucket: string, objects: readonly RawObject[]): string {
  return `${JSON.stringify(
    {
      entries: objects.map((o) => ({ url: `s3://${bucket}/${o.key}`, mandatory: true, meta: { content_length: o.size } })),
    },
    null,
    2,
  )}\n`;
}

/** S3 "safe" characters only (Firehose's names are); anything else is skipped with a reason, never loaded. */
const LOADABLE_KEY = /^readings\/\d{4}\/\d\d\/\d\d\/[A-Za-z0-9!_.*'()/-]*[^/]$/;

export function skipReason(o: RawObject): string | undefined {
  if (!LOADABLE_KEY.test(o.key)) return "key is not readings/yyyy/MM/dd/<name> of S3-safe characters";
  if (o.size === 0) return "object is empty";
  return undefined;
}
