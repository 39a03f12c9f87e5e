import { isValidIsoDay } from "../supplierParser/s3Key";
import { HttpApiEvent, HttpResponse, callerOf, checkParameter, jsonResponse } from "../profileApi/httpApi";
import { custom, show } from "../shared/httpSchema";
import { ProfileStore } from "../profileApi/profileStore";
import { callerMeter } from "./callerMeter";

/** Default and largest page of `GET /reports`. */
export const DEFAULT_PAGE = 30;
export const MAX_PAGE = 100;

/** Every key under a prefix (all pages of the listing). */
export interface ReportLister {
  keys(prefix: string): Promise<string[]>;
}

export interface ListDeps {
  readonly profiles: Pick<ProfileStore, "get" | "isErased">;
  readonly lister: ReportLister;
  readonly now: () => Date;
}

export interface ReportDay {
  readonly date: string;
  readonly formats: readonly string[];
}

const REPORT_FILE = /^(\d{4})(\d{2})(\d{2})\.(html|json)$/;

/** The days of a meter's report keys, newest first, each with its formats; other keys are ignored. */
export function reportDays(prefix: string, keys: readonly string[]): ReportDay[] {
  const days = new Map<string, Set<string>>();
  for (const key of keys) {
    const m = REPORT_FILE.exec(key.slice(prefix.length));
    if (!key.startsWith(prefix) || !m) continue;
    const date = `${m[1]}-${m[2]}-${m[3]}`;
    days.set(date, (days.get(date) ?? new Set()).add(m[4]));
  }
  return [...days].sort(([a], [b]) => (a < b ? 1 : -1)).map(([date, formats]) => ({ date, formats: [...formats].sort() }));
}

/** `?limit=`: 1-MAX_PAGE, default DEFAULT_PAGE. */
export const LIMIT_SCHEMA = custom<number>({ type: "integer", minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE }, (raw, field) =>
  typeof raw === "string" && /^[1-9][0-9]{0,2}$/.test(raw) && Number(raw) <= MAX_PAGE
    ? { value: Number(raw) }
    : { problem: `${field} must be a whole number from 1 to ${MAX_PAGE}, got ${show(raw)}` },
);

export function parseLimit(raw: string | undefined): number {
  return raw === undefined ? DEFAULT_PAGE : checkParameter(LIMIT_SCHEMA, raw, "limit");
}

/** The opaque `next` token: the last day of the previous page, base64url. */
export const nextToken = (date: string) => Buffer.from(JSON.stringify({ before: date }), "utf8").toString("base64url");

/** `?next=`: the token a previous page returned. */
export const NEXT_SCHEMA = custom<string>(
  { type: "string", pattern: "^[A-Za-z0-9_-]+$", description: "the `next` token of the previous page, as returned" },
  (raw, field) => {
    let before: unknown;
    try {
      before = (JSON.parse(Buffer.from(String(raw), "base64url").toString("utf8")) as { before?: unknown }).before;
    } catch {
      before = undefined;
    }
    // a token a page returned holds a real day, re-encoded exactly as it was (no stray padding or bytes)
    if (typeof raw !== "string" || typeof before !== "string" || !isValidIsoDay(before) || nextToken(before) !== raw)
      return { problem: `${field} must be the token a previous page returned, got ${show(raw)}` };
    return { value: before };
  },
);

export function parseNext(raw: string | undefined): string | undefined {
  return raw === undefined ? undefined : checkParameter(NEXT_SCHEMA, raw, "next");
}

/**
 * `GET /reports[?limit=N][&next=TOKEN]`: the caller's report days, newest first. S3 lists keys in ascending
 * order only, so the meter's whole prefix is listed (two keys a day: a year is under one 1000-key page) and
 * paged here; `next` is absent on the last page.
 */
export async function reportListRoute(event: HttpApiEvent, deps: ListDeps): Promise<HttpResponse> {
  const customerId = callerOf(event, deps.now().getTime());
  const limit = parseLimit(event.queryStringParameters?.limit);
  const before = parseNext(event.queryStringParameters?.next);
  const { clientId, reportsFrom } = await callerMeter(customerId, deps.profiles);
  const prefix = `reports/${clientId}/`;
  // an earlier household's days are not listed (their reports stay under the meter's prefix)
  const days = reportDays(prefix, await deps.lister.keys(prefix)).filter(
    (d) => (before === undefined || d.date < before) && (reportsFrom === undefined || d.date >= reportsFrom),
  );
  const page = days.slice(0, limit);
  return jsonResponse(200, { reports: page, ...(days.length > limit ? { next: nextToken(page[page.length - 1].date) } : {}) });
}
