import { isValidYmd } from "../supplierParser/s3Key";
import { checkParameter } from "../profileApi/httpApi";
import { custom, oneOf, show } from "../shared/httpSchema";

export interface ReportDate {
  /** `YYYY-MM-DD`, as the API answers it. */
  readonly iso: string;
  /** `YYYYMMDD`, as report keys name it. */
  readonly compact: string;
}

/** The `{date}` path parameter: `YYYY-MM-DD` or `YYYYMMDD`, a real calendar day. */
export const REPORT_DATE_SCHEMA = custom<ReportDate>(
  { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$|^\\d{8}$", description: "the report's day, YYYY-MM-DD or YYYYMMDD", examples: ["2026-11-21"] },
  (raw, field) => {
    const m = typeof raw === "string" ? /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(raw) : null;
    // the separators must be both there or both absent
    if (!m || (m[0].length !== 8 && m[0].length !== 10)) return { problem: `${field} must be YYYY-MM-DD or YYYYMMDD, got ${show(raw)}` };
    const compact = `${m[1]}${m[2]}${m[3]}`;
    if (!isValidYmd(compact)) return { problem: `${field} ${show(raw)} is not a calendar day` };
    return { value: { iso: `${m[1]}-${m[2]}-${m[3]}`, compact } };
  },
);

/** The `{date}` path parameter; 400 naming the value when it is not a day. */
export function parseReportDate(raw: string | undefined): ReportDate {
  return checkParameter(REPORT_DATE_SCHEMA, raw, "date");
}

export type ReportFormat = "html" | "json";

/** `?format=`: `html` (the default) or `json`. */
export const REPORT_FORMAT_SCHEMA = oneOf<ReportFormat>(["html", "json"], '"html" or "json"');

export function parseReportFormat(raw: string | undefined): ReportFormat {
  return raw === undefined ? "html" : checkParameter(REPORT_FORMAT_SCHEMA, raw, "format");
}
