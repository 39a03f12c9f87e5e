import { randomUUID } from "crypto";
import { TokenVerifier, authorize } from "../../functions/authorizer/authorize";
import { SessionCheck } from "../../functions/authorizer/sessionCheck";
import { claimRoute } from "../../functions/meterClaim/claimRoute";
import { HttpApiEvent, HttpResponse, respond } from "../../functions/profileApi/httpApi";
import { profileRoute } from "../../functions/profileApi/profileRoutes";
import { reportListRoute } from "../../functions/reportUrl/reportList";
import { reportUrlRoute } from "../../functions/reportUrl/reportRoute";
import { REPORT_URL_TTL_SECONDS, ROUTES } from "../../infra/customerApi/defaults";
import { CustomerTables } from "./customerTables";
import { LocalReportBucket } from "./localReportBucket";

export interface ApiRequest {
  readonly method: string;
  /** Path and optional query, e.g. `/reports?limit=5`. */
  readonly path: string;
  /** The `Authorization` header value (e.g. `Bearer <jwt>`); absent: no header. */
  readonly authorization?: string;
  /** Sent as JSON with content-type application/json. */
  readonly body?: unknown;
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  /** Why the authorizer denied the request (API Gateway's 403 body says only "Forbidden"). */
  readonly denied?: string;
}

export interface CustomerApiDeps {
  readonly verifier: TokenVerifier;
  readonly sessions: SessionCheck;
  readonly tables: CustomerTables;
  readonly reports: LocalReportBucket;
  readonly now?: () => Date;
  readonly ttlSeconds?: number;
}

/** The route template of the program's route table that `method path` matches, with its path parameters. */
export function matchRoute(method: string, path: string): { routeKey: string; target: string; pathParameters: Record<string, string> } | undefined {
  const parts = path.split("/");
  for (const route of ROUTES) {
    const [routeMethod, template] = route.routeKey.split(" ");
    const wanted = template.split("/");
    if (routeMethod !== method || wanted.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const fits = wanted.every((w, i) => {
      const m = /^\{(\w+)\}$/.exec(w);
      if (m && parts[i] !== "") params[m[1]] = decodeURIComponent(parts[i]);
      return m ? parts[i] !== "" : w === parts[i];
    });
    if (fits) return { routeKey: route.routeKey, target: route.target, pathParameters: params };
  }
  return undefined;
}

/**
 * The customer API as API Gateway runs it, in process: the route table of the CustomerApi component, the
 * Lambda authorizer's decision (`authorize`, with the real Cognito verifier) on every route, its context
 * handed to the route as `requestContext.authorizer.lambda`, and the routes' own code behind the same
 * `respond` the Lambda handlers use. API Gateway's own answers: 401 without an Authorization header (the
 * identity source), 403 when the authorizer denies, 404 for no route, 500 when the authorizer fails.
 */
export class LocalCustomerApi {
  /** What the routes logged (refusals with their status and message), as the Lambdas' log lines would hold. */
  readonly logs: Record<string, unknown>[] = [];

  constructor(private readonly deps: CustomerApiDeps) {}

  async request(req: ApiRequest): Promise<ApiAnswer> {
    const now = this.deps.now ?? (() => new Date());
    const [path, query = ""] = req.path.split("?");
    const route = matchRoute(req.method, path);
    if (!route) return { status: 404, body: { message: "Not Found" } };
    const headers: Record<string, string> = {};
    if (req.authorization !== undefined) headers.authorization = req.authorization;
    if (req.body !== undefined) headers["content-type"] = "application/json";
    if (headers.authorization === undefined) return { status: 401, body: { message: "Unauthorized" } };
    const requestId = randomUUID();
    const routeArn = `arn:aws:execute-api:eu-west-1:000000000000:local/$default/${req.method}${path}`;
    let decision;
    let denied = "";
    try {
      decision = await authorize({ routeArn, headers, requestContext: { requestId } }, this.deps.verifier, this.deps.sessions, (entry) => {
        if (entry.message === "denied") denied = `${String(entry.reason)}: ${String(entry.detail)}`;
      });
    } catch {
      return { status: 500, body: { message: "Internal Server Error" } };
    }
    if (!decision.isAuthorized) {
      return { status: 403, body: { message: "Forbidden" }, denied };
    }
    const event: HttpApiEvent = {
      version: "2.0",
      routeKey: route.routeKey,
      rawPath: path,
      rawQueryString: query,
      headers,
      ...(query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(query)) } : {}),
      ...(Object.keys(route.pathParameters).length ? { pathParameters: route.pathParameters } : {}),
      requestContext: {
        accountId: "000000000000",
        apiId: "local",
        domainName: "127.0.0.1",
        domainPrefix: "local",
        stage: "$default",
        time: new Date().toISOString(),
        timeEpoch: Date.now(),
        requestId,
        routeKey: route.routeKey,
        http: { method: req.method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "gridrail-local" },
        authorizer: { lambda: { ...decision.context } },
      },
      ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
      isBase64Encoded: false,
    };
    const response = await respond(
      event,
      (entry) => this.logs.push(entry),
      () => this.dispatch(route.target, event, now),
    );
    return { status: response.statusCode, body: response.body === "" ? null : JSON.parse(response.body) };
  }

  private dispatch(target: string, event: HttpApiEvent, now: () => Date): Promise<HttpResponse> {
    const { tables, reports } = this.deps;
    if (target === "profileApi") {
      return event.routeKey === "POST /profile/meter" || event.routeKey === "DELETE /profile"
        ? claimRoute(event, { claims: tables, profiles: tables.profiles, now })
        : profileRoute(event, { store: tables.profiles, now });
    }
    return event.routeKey === "GET /reports"
      ? reportListRoute(event, { profiles: tables.profiles, lister: reports, now })
      : reportUrlRoute(event, { profiles: tables.profiles, reports, ttlSeconds: this.deps.ttlSeconds ?? REPORT_URL_TTL_SECONDS, now });
  }
}
