import { Cell } from "./dataApi";
import { RawObject, RejectedObject } from "./loadSql";

/** One row of STL_LOAD_ERRORS as loadErrorsSql selects it: the file's URL, the line, the column and the reason. */
export interface RejectedLine {
  readonly file: string;
  readonly line: number | null;
  readonly column: string;
  readonly reason: string;
}

export function rejectedLine([file, line, column, reason]: readonly Cell[]): RejectedLine {
  const n = Number(line);
  return {
    file: String(file ?? "").trim(),
    line: line === null || line === undefined || !Number.isSafeInteger(n) ? null : n,
    column: String(column ?? "").trim(),
    reason: String(reason ?? "").trim(),
  };
}

/** `line N column C: reason`: where and why Redshift refused a line (the reason an object is set aside with). */
export function lineReason(l: { readonly line: number | null; readonly column: string; readonly reason: string }): string {
  return `line ${l.line ?? "?"} column ${l.column}: ${l.reason}`;
}

/** `s3://bucket/key line N column C: reason`, as the error message lists a line. */
export function describeLine(l: RejectedLine): string {
  return `${l.file} ${lineReason(l)}`;
}

/**
 * The objects of a load that the rejected lines name, each with its first rejected line, in the load's order.
 * Lines naming no object of the load (another COPY's, or a file name Redshift cut short) name nothing here.
 */
export function rejectedObjects(lines: readonly RejectedLine[], objects: readonly RawObject[], bucket: string): RejectedObject[] {
  const first = new Map<string, RejectedLine>();
  for (const l of lines) {
    const seen = first.get(l.file);
    if (!seen || (l.line ?? Infinity) < (seen.line ?? Infinity)) first.set(l.file, l);
  }
  return objects.flatMap((object) => {
    const l = first.get(`s3://${bucket}/${object.key}`);
    return l ? [{ object, line: l.line, column: l.column, reason: l.reason }] : [];
  });
}
