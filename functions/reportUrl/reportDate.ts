import { isValidYmd } from "../supplierParser/s3Key";
import { HttpError, show } from "../profileApi/httpApi";

export interface ReportDate {
  /** `YYYY-MM-DD`, as the API answers it. */
  readonly iso: string;
  /** `YYYYMMDD`, as report keys name it. */
  readonly compact: string;
}

/** The `{date}` path parameter: `YYYY-MM-DD` or `YYYYMMDD`, a real calendar day; 400 naming the value otherwise. */
export function parseReportDate(raw: string | undefined): ReportDate {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(raw ?? "");
  // the separators must be both there or both absent
  if (!m || (raw!.length !== 8 && raw!.length !== 10)) throw new HttpError(400, `date must be YYYY-MM-DD or YYYYMMDD, got ${show(raw)}`);
  const compact = `${m[1]}${m[2]}${m[3]}`;
  if (!isValidYmd(compact)) throw new HttpError(400, `date ${show(raw)} is not a calendar day`);
  return { iso: `${m[1]}-${m[2]}-${m[3]}`, compact };
}

export type ReportFormat = "html" | "json";

/** `?format=`: `html` (the default) or `json`. */
export function parseReportFormat(raw: string | undefined): ReportFormat {
  if (raw === undefined || raw === "html") return "html";
  if (raw === "json") return "json";
  throw new HttpError(400, `format must be "html" or "json", got ${show(raw)}`);
}
