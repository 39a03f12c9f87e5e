import { expect } from "chai";
import { readFileSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { authorize } from "../../../functions/authorizer/authorize";
import { tokenVerifier } from "../../../functions/authorizer/cognitoVerifier";
import { ROUTE_DOCS, openApiDocument, renderOpenApi } from "../../../functions/customerApi/openapi";
import { runOpenApi } from "../../../cli/openapi";
import { LinkConflictError } from "../../../functions/meterClaim/claimStore";
import { profileApiRoute } from "../../../functions/profileApi/handler";
import { HttpApiEvent, respond } from "../../../functions/profileApi/httpApi";
import { ProfileBusyError, StoredProfile } from "../../../functions/profileApi/profileStore";
import { reportsRoute } from "../../../functions/reportUrl/handler";
import { RequestInput, throughGateway } from "../../helpers/httpApiEvents";
import { ofType, runProgram } from "../../helpers/pulumiRecorder";
import { accessToken, fakeSessions, offlineVerifier } from "./cognitoTokens";
import { CODE, claimOf } from "./claims";
import { MemoryClaimStore } from "../../../functions/meterClaim/memoryClaimStore";
import { MemoryProfileStore } from "../../../functions/profileApi/memoryProfileStore";
import { FULL_PROFILE } from "./profiles";
import { tempDir } from "../../helpers/tempDir";
import { ANA, BEN, NEW } from "./customers"; // in this file's seed: ANA has a profile and no meter, BEN is linked to MTR0002, NEW has no profile

const ROOT = join(__dirname, "..", "..", "..");
const NOW = new Date("2026-11-22T08:00:00.000Z");
const BROKEN = "0d1e2f30-0000-4000-8000-00000000d0d0"; // the table fails for this one
const RACE = "0e1f3041-0000-4000-8000-00000000e0e0"; // the meter link changes during erasure
const GONE = "0f203142-0000-4000-8000-00000000f0f0"; // erased, its token still allowed
const BUSY = "10213243-0000-4000-8000-000000001010"; // another request's transaction holds the profile
const PROFILES: StoredProfile[] = [
  { customerId: ANA, name: "Ana Duarte", email: "ana@example.com", version: 3 },
  { customerId: BEN, clientId: "MTR0002", name: "Ben Okafor", email: "ben@example.com", version: 1 },
  { customerId: RACE, clientId: "MTR0005", name: "Ray Cole", email: "ray@example.com", version: 1 },
];
const REPORT_KEYS = ["reports/MTR0002/20261121.html", "reports/MTR0002/20261121.json", "reports/MTR0002/20261120.html"];

class FlakyProfiles extends MemoryProfileStore {
  override async get(customerId: string) {
    if (customerId === BROKEN) throw new Error("ProvisionedThroughputExceededException: rate exceeded");
    return super.get(customerId);
  }

  override async put(...args: Parameters<MemoryProfileStore["put"]>) {
    if (args[0] === BROKEN) throw new Error("ProvisionedThroughputExceededException: rate exceeded");
    if (args[0] === BUSY) throw new ProfileBusyError();
    return super.put(...args);
  }
}

class RacingClaims extends MemoryClaimStore {
  override async erase(customerId: string, clientId: string | undefined, now: Date) {
    if (customerId === RACE) throw new LinkConflictError("profile");
    return super.erase(customerId, clientId, now);
  }
}

/** Both functions behind a simulated API Gateway with the real authorizer, over in-memory stores. */
function gateway() {
  const profiles = new FlakyProfiles(PROFILES);
  profiles.erased.set(GONE, "2026-11-22T07:59:00.000Z");
  const claims = new RacingClaims(
    profiles,
    [claimOf("MTR0001"), claimOf("MTR0002", { usedBy: BEN }), claimOf("MTR0003", { expiresAt: "2026-11-22T07:00:00.000Z" })],
    [["MTR0002", BEN]],
  );
  const reports = {
    exists: async (key: string) => REPORT_KEYS.includes(key),
    presign: async (key: string) => `https://signed.example/${key}`,
    keys: async (prefix: string) => REPORT_KEYS.filter((k) => k.startsWith(prefix)),
  };
  const { verifier } = offlineVerifier();
  const authorizer = (e: Parameters<typeof authorize>[0]) => authorize(e, tokenVerifier(verifier), fakeSessions().sessions, () => undefined);
  const now = () => NOW;
  const route = (e: HttpApiEvent) =>
    respond(
      e,
      () => undefined,
      () =>
        e.routeKey.includes("/profile")
          ? profileApiRoute(e, { store: profiles, claims, now })
          : reportsRoute(e, { profiles, reports, lister: reports, ttlSeconds: 300, now }),
    );
  return (input: RequestInput) => throughGateway(input, authorizer, route);
}

const JSON_TYPE = { "content-type": "application/json" };
const auth = (customerId: string) => ({ authorization: `Bearer ${accessToken(customerId)}` });

interface Case {
  readonly routeKey: string;
  readonly as?: string;
  readonly path?: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: RequestInput["body"];
  /** Failed claims made first by the same caller. */
  readonly failuresFirst?: number;
  readonly status: number;
}

const PUT = (status: number, extra: Partial<Case>): Case => ({ routeKey: "PUT /profile", as: ANA, headers: JSON_TYPE, body: FULL_PROFILE, status, ...extra });
const LINK = (status: number, extra: Partial<Case>): Case => ({
  routeKey: "POST /profile/meter",
  as: ANA,
  headers: JSON_TYPE,
  body: { meterId: "MTR0001", claimCode: CODE },
  status,
  ...extra,
});
const DAY = (date: string) => ({ path: `/reports/${date}`, pathParameters: { date } });

/** Good and bad requests of every route, with the status each gets. */
const CASES: readonly Case[] = [
  { routeKey: "GET /profile", as: ANA, status: 200 },
  { routeKey: "GET /profile", as: NEW, status: 404 },
  { routeKey: "GET /profile", as: GONE, status: 410 },
  { routeKey: "GET /profile", as: BROKEN, status: 500 },
  { routeKey: "GET /profile", status: 401 },
  { routeKey: "GET /profile", as: "forged", status: 403 },
  PUT(200, {}),
  PUT(200, { as: NEW }),
  PUT(400, { body: { ...FULL_PROFILE, email: "ana" } }),
  PUT(400, { headers: { ...JSON_TYPE, "if-match": "v3" } }),
  PUT(412, { headers: { ...JSON_TYPE, "if-match": '"2"' } }),
  PUT(412, { as: NEW, headers: { ...JSON_TYPE, "if-match": "*" } }),
  PUT(413, { body: { ...FULL_PROFILE, name: "x".repeat(9000) } }),
  PUT(415, { headers: { "content-type": "text/plain" } }),
  PUT(409, { as: BUSY }),
  PUT(410, { as: GONE }),
  PUT(500, { as: BROKEN }),
  PUT(401, { as: undefined }),
  PUT(403, { as: "forged" }),
  { routeKey: "DELETE /profile", as: BEN, status: 204 },
  { routeKey: "DELETE /profile", as: NEW, status: 204 },
  { routeKey: "DELETE /profile", as: RACE, status: 409 },
  { routeKey: "DELETE /profile", as: BROKEN, status: 500 },
  { routeKey: "DELETE /profile", status: 401 },
  { routeKey: "DELETE /profile", as: "forged", status: 403 },
  LINK(200, {}),
  LINK(400, { body: { meterId: "MTR 1", claimCode: "nope" } }),
  LINK(403, { body: { meterId: "MTR0001", claimCode: "AAAA-AAAA-AAAA" } }),
  LINK(409, { body: { meterId: "MTR0002", claimCode: CODE } }),
  LINK(409, { as: BEN }),
  LINK(410, { body: { meterId: "MTR0003", claimCode: CODE } }),
  LINK(413, { body: { meterId: "MTR0001", claimCode: "x".repeat(2000) } }),
  LINK(415, { headers: { "content-type": "application/x-www-form-urlencoded" } }),
  LINK(429, { failuresFirst: 5 }),
  LINK(401, { as: undefined }),
  LINK(403, { as: "forged" }),
  LINK(500, { as: BROKEN }),
  { routeKey: "GET /reports", as: BEN, status: 200 },
  { routeKey: "GET /reports", as: BEN, query: { limit: "1" }, status: 200 },
  { routeKey: "GET /reports", as: BEN, query: { limit: "0" }, status: 400 },
  { routeKey: "GET /reports", as: BEN, query: { next: "not-a-token" }, status: 400 },
  { routeKey: "GET /reports", as: ANA, status: 409 },
  { routeKey: "GET /reports", as: GONE, status: 410 },
  { routeKey: "GET /reports", as: BROKEN, status: 500 },
  { routeKey: "GET /reports", status: 401 },
  { routeKey: "GET /reports", as: "forged", status: 403 },
  { routeKey: "GET /reports/{date}", as: BEN, ...DAY("2026-11-21"), status: 200 },
  { routeKey: "GET /reports/{date}", as: BEN, ...DAY("20261121"), query: { format: "json" }, status: 200 },
  { routeKey: "GET /reports/{date}", as: BEN, ...DAY("2026-02-30"), status: 400 },
  { routeKey: "GET /reports/{date}", as: BEN, ...DAY("2026-11-21"), query: { format: "pdf" }, status: 400 },
  { routeKey: "GET /reports/{date}", as: BEN, ...DAY("2026-11-19"), status: 404 },
  { routeKey: "GET /reports/{date}", as: ANA, ...DAY("2026-11-21"), status: 409 },
  { routeKey: "GET /reports/{date}", as: GONE, ...DAY("2026-11-21"), status: 410 },
  { routeKey: "GET /reports/{date}", as: BROKEN, ...DAY("2026-11-21"), status: 500 },
  { routeKey: "GET /reports/{date}", ...DAY("2026-11-21"), status: 401 },
  { routeKey: "GET /reports/{date}", as: "forged", ...DAY("2026-11-21"), status: 403 },
];

async function run(c: Case): Promise<number> {
  const call = gateway();
  const [method, template] = c.routeKey.split(" ");
  const headers = { ...(c.as === undefined ? {} : c.as === "forged" ? { authorization: "Bearer eyJhbGciOiJub25lIn0.e30." } : auth(c.as)), ...c.headers };
  const input: RequestInput = {
    method,
    path: c.path ?? template,
    routeKey: c.routeKey,
    pathParameters: c.pathParameters,
    query: c.query,
    headers,
    body: c.body,
  };
  for (let i = 0; i < (c.failuresFirst ?? 0); i++) {
    await call({ ...input, body: { meterId: "MTR0001", claimCode: "AAAA-AAAA-AAAA" } });
  }
  return (await call(input)).statusCode;
}

const documented = new Map(ROUTE_DOCS.map((r) => [`${r.method.toUpperCase()} ${r.path}`, Object.keys(r.responses).map(Number)]));

describe("the customer API's OpenAPI document", () => {
  describe("documents every status a route answers", () => {
    const seen = new Map<string, Set<number>>();
    for (const c of CASES) {
      it(`${c.routeKey} as ${c.as ?? "nobody"}${c.query ? ` ?${new URLSearchParams(c.query)}` : ""} → ${c.status}, a documented status`, async () => {
        const status = await run(c);
        expect(status).to.equal(c.status);
        expect(documented.get(c.routeKey), c.routeKey).to.include(status);
        seen.set(c.routeKey, (seen.get(c.routeKey) ?? new Set()).add(status));
      });
    }

    it("and every status it documents is one a route answers (429 aside: stage throttling happens before any handler)", () => {
      const unseen = [...documented].flatMap(([routeKey, statuses]) =>
        statuses.filter((s) => !seen.get(routeKey)?.has(s) && !(s === 429 && routeKey !== "POST /profile/meter")).map((s) => `${routeKey} ${s}`),
      );
      expect(unseen).to.deep.equal([]);
    });
  });

  it("documents exactly the routes of the HTTP API in the Pulumi program", async () => {
    const s = await runProgram("prod");
    const routes = ofType(s, "aws:apigatewayv2/route:Route").map((r) => String(r.inputs.routeKey));
    expect([...documented.keys()].sort()).to.deep.equal(routes.sort());
  });

  it("is OpenAPI 3.1.0 with a bearer-token scheme every operation requires", () => {
    const doc = openApiDocument() as { openapi: string; security: unknown; components: { securitySchemes: unknown } };
    expect(doc.openapi).to.equal("3.1.0");
    expect(doc.security).to.deep.equal([{ bearerAuth: [] }]);
    expect(doc.components.securitySchemes).to.deep.equal({
      bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "a Cognito user pool access token of the customer app client" },
    });
  });

  it("resolves every $ref", () => {
    const doc = openApiDocument();
    const refs: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === "object" && v !== null)
        for (const [k, x] of Object.entries(v)) {
          if (k === "$ref") refs.push(String(x));
          else walk(x);
        }
    };
    walk(doc);
    const resolve = (ref: string) =>
      ref
        .slice(2)
        .split("/")
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
    expect(refs.length).to.be.greaterThan(20);
    expect(refs.filter((r) => !r.startsWith("#/") || resolve(r) === undefined)).to.deep.equal([]);
  });

  it("describes every response and declares every path parameter", () => {
    const paths = openApiDocument().paths as Record<
      string,
      Record<string, { responses: Record<string, { description?: string }>; parameters?: { name: string; in: string }[] }>
    >;
    const problems: string[] = [];
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(operations)) {
        for (const [status, r] of Object.entries(op.responses)) if (!r.description) problems.push(`${method} ${path} ${status} has no description`);
        const declared = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
        const named = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        if (JSON.stringify(declared) !== JSON.stringify(named)) problems.push(`${method} ${path} declares path parameters ${declared}`);
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it("is checked in current at docs/openapi.json (npm run --silent openapi -- --out docs/openapi.json)", () => {
    expect(readFileSync(join(ROOT, "docs", "openapi.json"), "utf8")).to.equal(renderOpenApi());
  });
});

describe("gridrail openapi", () => {
  const captured = () => {
    const chunks: string[] = [];
    return { out: { write: (c: string) => chunks.push(c) } as unknown as NodeJS.WritableStream, text: () => chunks.join("") };
  };

  it("prints the document", () => {
    const c = captured();
    expect(runOpenApi({}, c.out)).to.equal(0);
    expect(c.text()).to.equal(renderOpenApi());
  });

  it("--check exits 1 and says how to regenerate when the checked-in copy is stale", () => {
    const dir = tempDir("openapi-");
    const stale = join(dir, "openapi.json");
    writeFileSync(stale, "{}\n");
    const c = captured();
    expect(runOpenApi({ check: true }, c.out, stale)).to.equal(1);
    expect(c.text()).to.equal(`${stale} is stale; regenerate it with: npm run --silent openapi -- --out docs/openapi.json\n`);
    writeFileSync(stale, renderOpenApi());
    expect(runOpenApi({ check: true }, captured().out, stale)).to.equal(0);
    rmSync(dir, { recursive: true });
  });

  it("--out into a folder that does not exist is refused, naming the flag and the folder", () => {
    expect(() => runOpenApi({ out: "/nonexistent-gridrail/openapi.json" }, captured().out)).to.throw(
      "--out /nonexistent-gridrail/openapi.json: folder /nonexistent-gridrail does not exist",
    );
  });

  it("--out writes the file", () => {
    const dir = tempDir("openapi-");
    const file = join(dir, "api.json");
    expect(runOpenApi({ out: file }, captured().out)).to.equal(0);
    expect(readFileSync(file, "utf8")).to.equal(renderOpenApi());
    rmSync(dir, { recursive: true });
  });
});
