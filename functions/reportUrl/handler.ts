import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoProfileStore } from "../profileApi/dynamoProfileStore";
import { HttpApiEvent, HttpResponse, respond, show } from "../profileApi/httpApi";
import { LambdaContext, count, createObservability, httpKeys, invocation, logPort, responseMetric } from "../shared/observability";
import { ReportDeps, reportUrlRoute } from "./reportRoute";
import { ReportLister, reportListRoute } from "./reportList";
import { S3ReportStore, reportsS3Client } from "./s3ReportStore";
import { requireVariables } from "../shared/environment";
import { REPORT_URL_VARIABLES } from "./variables";

/** SigV4 presigned URLs live at most 7 days. */
const MAX_TTL_SECONDS = 604800;

type WarmDeps = Omit<ReportDeps, "now"> & { readonly lister: ReportLister };
const warm: { deps?: WarmDeps } = {};
const o = createObservability("reportUrl");

/** Reads PROFILE_TABLE, REPORTS_BUCKET and URL_TTL_SECONDS (set by the CustomerApi component). */
export function depsFromEnvironment(env: Readonly<Record<string, string | undefined>>): WarmDeps {
  const ttl = requireVariables(env, REPORT_URL_VARIABLES.required).URL_TTL_SECONDS;
  if (!/^[1-9][0-9]*$/.test(ttl) || Number(ttl) > MAX_TTL_SECONDS) {
    throw new Error(`environment variable URL_TTL_SECONDS must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}, got ${show(ttl)}`);
  }
  // presigning makes no request, so only the existence check (HeadObject) and listings show in a trace
  const reports = new S3ReportStore(o.tracer.captureAWSv3Client(reportsS3Client()), env.REPORTS_BUCKET!);
  return {
    profiles: new DynamoProfileStore(o.tracer.captureAWSv3Client(new DynamoDBClient({})), env.PROFILE_TABLE!),
    reports,
    lister: reports,
    ttlSeconds: Number(ttl),
  };
}

/** The function's routes: the listing, or one day's presigned URL. */
export function reportsRoute(event: HttpApiEvent, deps: ReportDeps & { readonly lister: ReportLister }): Promise<HttpResponse> {
  return event.routeKey === "GET /reports"
    ? reportListRoute(event, { profiles: deps.profiles, lister: deps.lister, now: deps.now })
    : reportUrlRoute(event, deps);
}

/** `GET /reports` and `GET /reports/{date}` behind the Lambda authorizer (HTTP API payload 2.0); answers counted per status class. */
export async function handler(event: HttpApiEvent, context?: LambdaContext): Promise<HttpResponse> {
  return invocation(o, context, httpKeys(event), async () => {
    warm.deps ??= depsFromEnvironment(process.env);
    const deps = { ...warm.deps, now: () => new Date() };
    const response = await respond(event, logPort(o.logger), () => reportsRoute(event, deps));
    count(o, responseMetric(response.statusCode), 1);
    return response;
  });
}
