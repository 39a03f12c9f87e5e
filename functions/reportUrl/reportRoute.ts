import { HttpApiEvent, HttpError, HttpResponse, callerOf, jsonResponse } from "../profileApi/httpApi";
import { beforeHousehold, callerMeter } from "./callerMeter";
import { ProfileStore } from "../profileApi/profileStore";
import { parseReportDate, parseReportFormat } from "./reportDate";

/** The daily reports bucket as the route needs it. */
export interface ReportStore {
  exists(key: string): Promise<boolean>;
  /** A presigned GET of `key`, signed at `signedAt`, valid `ttlSeconds`. */
  presign(key: string, ttlSeconds: number, signedAt: Date): Promise<string>;
}

export interface ReportDeps {
  readonly profiles: Pick<ProfileStore, "get" | "isErased">;
  readonly reports: ReportStore;
  readonly ttlSeconds: number;
  readonly now: () => Date;
}

/** Where the daily analysis writes a customer's report: `reports/{clientId}/{YYYYMMDD}.{html|json}`. */
export const reportKey = (clientId: string, compactDay: string, format: string) => `reports/${clientId}/${compactDay}.${format}`;

/**
 * `GET /reports/{date}[?format=json]`: a short-lived presigned URL of the caller's own report. The meter id comes
 * from the caller's profile (linked with a claim code), never from the request, so no request can reach another
 * customer's report.
 */
export async function reportUrlRoute(event: HttpApiEvent, deps: ReportDeps): Promise<HttpResponse> {
  const now = deps.now();
  const customerId = callerOf(event, now.getTime());
  const date = parseReportDate(event.pathParameters?.date);
  const format = parseReportFormat(event.queryStringParameters?.format);
  const { clientId, reportsFrom } = await callerMeter(customerId, deps.profiles);
  if (reportsFrom !== undefined && date.iso < reportsFrom) throw beforeHousehold(date.iso, reportsFrom);
  const key = reportKey(clientId, date.compact, format);
  if (!(await deps.reports.exists(key))) throw new HttpError(404, `no ${format} report for ${date.iso} yet`);
  const url = await deps.reports.presign(key, deps.ttlSeconds, now);
  const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + deps.ttlSeconds * 1000).toISOString();
  return jsonResponse(200, { url, expiresAt, date: date.iso, format });
}
