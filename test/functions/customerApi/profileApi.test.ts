import { expect } from "chai";
import { authorize } from "../../../functions/authorizer/authorize";
import { tokenVerifier } from "../../../functions/authorizer/cognitoVerifier";
import { HttpApiEvent, respond } from "../../../functions/profileApi/httpApi";
import { profileRoute } from "../../../functions/profileApi/profileRoutes";
import { StoredProfile } from "../../../functions/profileApi/profileStore";
import { RequestInput, httpApiRequest, throughGateway, withAuthorizerContext } from "../../helpers/httpApiEvents";
import { FORGER_KEY, accessClaims, accessToken, fakeSessions, offlineVerifier, signJwt } from "./cognitoTokens";
import { MemoryProfileStore } from "../../../functions/profileApi/memoryProfileStore";
import { FULL_PROFILE, JSON_HEADERS } from "./profiles";
import { ANA, BEN, NEW } from "./customers";

const NOW = new Date("2026-11-22T08:00:00.000Z");

const SEED: StoredProfile[] = [
  {
    customerId: ANA,
    clientId: "MTR0001",
    name: "Ana Duarte",
    email: "ana@example.com",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-11-01T00:00:00.000Z",
    version: 3,
  },
  {
    customerId: BEN,
    clientId: "MTR0002",
    name: "Ben Okafor",
    email: "ben@example.com",
    tariff: "standard",
    createdAt: "2026-02-01T00:00:00.000Z",
    updatedAt: "2026-02-01T00:00:00.000Z",
    version: 1,
  },
];

interface World {
  store: MemoryProfileStore;
  logs: Record<string, unknown>[];
  call(input: RequestInput): Promise<{ status: number; headers: Record<string, string>; body: unknown }>;
}

/** API Gateway + the real authorizer (offline JWKS) + the profile route over an in-memory table. */
function world(): World {
  const store = new MemoryProfileStore(SEED);
  const logs: Record<string, unknown>[] = [];
  const { verifier } = offlineVerifier();
  const authorizer = (e: Parameters<typeof authorize>[0]) => authorize(e, tokenVerifier(verifier), fakeSessions().sessions, () => undefined);
  const route = (e: HttpApiEvent) =>
    respond(
      e,
      (entry) => logs.push(entry),
      () => profileRoute(e, { store, now: () => NOW }),
    );
  return {
    store,
    logs,
    async call(input) {
      const r = await throughGateway(input, authorizer, route);
      return { status: r.statusCode, headers: { ...r.headers }, body: JSON.parse(r.body) };
    },
  };
}

const bearer = (sub: string) => ({ authorization: `Bearer ${accessToken(sub)}` });
const get = (headers: Record<string, string>): RequestInput => ({ method: "GET", path: "/profile", headers });
const put = (headers: Record<string, string>, body: RequestInput["body"], extra: Partial<RequestInput> = {}): RequestInput => ({
  method: "PUT",
  path: "/profile",
  headers: Object.keys(headers).some((h) => h.toLowerCase() === "content-type") ? headers : { "content-type": "application/json", ...headers },
  body,
  ...extra,
});

describe("profile API", () => {
  describe("GET /profile", () => {
    it("answers the caller's own profile with its version as ETag", async () => {
      const w = world();
      const r = await w.call(get(bearer(ANA)));
      expect(r).to.deep.equal({
        status: 200,
        headers: { ...JSON_HEADERS, etag: '"3"' },
        body: {
          customerId: ANA,
          clientId: "MTR0001",
          name: "Ana Duarte",
          email: "ana@example.com",
          createdAt: "2026-01-01T00:00:00.000Z",
          updatedAt: "2026-11-01T00:00:00.000Z",
          version: 3,
        },
      });
      expect(w.store.calls).to.deep.equal([`get ${ANA}`]);
    });

    it("gives another user their own profile, whatever the request names", async () => {
      const w = world();
      const r = await w.call({ ...get(bearer(BEN)), path: "/profile", query: { customerId: ANA } });
      expect([r.status, (r.body as { customerId: string }).customerId, (r.body as { name: string }).name]).to.deep.equal([200, BEN, "Ben Okafor"]);
      expect(w.store.calls).to.deep.equal([`get ${BEN}`]);
    });

    it("answers 404 with a clear body when the caller has no profile", async () => {
      const r = await world().call(get(bearer(NEW)));
      expect(r).to.deep.equal({ status: 404, headers: JSON_HEADERS, body: { error: "no profile yet; create it with PUT /profile" } });
    });
  });

  describe("refuses callers before the route runs", () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Record<string, string>, number, unknown][] = [
      ["no token (API Gateway: 401)", {}, 401, { message: "Unauthorized" }],
      ["an invalid token (403)", { authorization: `Bearer ${signJwt(accessClaims(ANA), FORGER_KEY)}` }, 403, { message: "Forbidden" }],
      ["an expired token (403)", { authorization: `Bearer ${accessToken(ANA, { exp: now - 1 })}` }, 403, { message: "Forbidden" }],
      ["garbage (403)", { authorization: "Bearer garbage" }, 403, { message: "Forbidden" }],
    ];
    for (const [label, headers, status, body] of cases) {
      for (const input of [get(headers), put(headers, { name: "Mallory", email: "m@example.com" })]) {
        it(`${input.method} with ${label}`, async () => {
          const w = world();
          const r = await w.call(input);
          expect([r.status, r.body]).to.deep.equal([status, body]);
          expect(w.store.calls).to.deep.equal([]);
        });
      }
    }
  });

  describe("PUT /profile", () => {
    it("replaces the caller's editable fields, keeps the meter id and creation time, bumps the version", async () => {
      const w = world();
      const r = await w.call(put(bearer(ANA), FULL_PROFILE));
      const expected = {
        customerId: ANA,
        clientId: "MTR0001",
        ...FULL_PROFILE,
        createdAt: "2026-01-01T00:00:00.000Z",
        updatedAt: NOW.toISOString(),
        version: 4,
      };
      expect(r).to.deep.equal({ status: 200, headers: { ...JSON_HEADERS, etag: '"4"' }, body: expected });
      expect(w.store.items.get(ANA)).to.deep.equal(expected);
      expect(w.store.items.get(BEN)).to.deep.equal(SEED[1]);
    });

    it("creates the first profile of a new customer without a meter id", async () => {
      const w = world();
      const r = await w.call(put(bearer(NEW), { name: "Cy", email: "cy@example.com" }));
      expect(r.body).to.deep.equal({
        customerId: NEW,
        clientId: null,
        name: "Cy",
        email: "cy@example.com",
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
        version: 1,
      });
    });

    it("accepts a base64-encoded body", async () => {
      const w = world();
      const r = await w.call(put(bearer(ANA), { name: "Ana D.", email: "ana@example.com" }, { base64: true }));
      expect([r.status, (r.body as { name: string }).name]).to.deep.equal([200, "Ana D."]);
    });

    it("accepts application/json with charset=utf-8 and UTF-8 names", async () => {
      const w = world();
      const r = await w.call(put({ ...bearer(ANA), "Content-Type": "application/json; charset=UTF-8" }, { name: "Ana Conceição", email: "ana@example.com" }));
      expect([r.status, (r.body as { name: string }).name]).to.deep.equal([200, "Ana Conceição"]);
    });

    describe("changes nothing of anyone when the body names someone else or the meter", () => {
      const cases: [string, object, string][] = [
        [
          "another customer's id",
          { ...FULL_PROFILE, customerId: BEN },
          `invalid profile: customerId comes from the access token and cannot be set, got "${BEN}"`,
        ],
        [
          "a meter id",
          { ...FULL_PROFILE, clientId: "MTR0002" },
          'invalid profile: clientId is the smart-meter id, linked with POST /profile/meter, and cannot be set here, got "MTR0002"',
        ],
        [
          "its own meter id unchanged",
          { ...FULL_PROFILE, clientId: "MTR0001" },
          'invalid profile: clientId is the smart-meter id, linked with POST /profile/meter, and cannot be set here, got "MTR0001"',
        ],
      ];
      for (const [label, body, error] of cases) {
        it(label, async () => {
          const w = world();
          const r = await w.call(put(bearer(ANA), body));
          expect([r.status, r.body]).to.deep.equal([400, { error }]);
          expect([...w.store.items.values()]).to.deep.equal(SEED);
          expect(w.store.calls).to.deep.equal([]);
        });
      }

      it("a path or query naming another customer (only the caller's item is written)", async () => {
        const w = world();
        const r = await w.call(
          put(bearer(ANA), { name: "Ana", email: "ana@example.com" }, { path: "/profile", query: { customerId: BEN }, pathParameters: { customerId: BEN } }),
        );
        expect(r.status).to.equal(200);
        expect(w.store.calls).to.deep.equal([`put ${ANA}`]);
        expect(w.store.items.get(BEN)).to.deep.equal(SEED[1]);
      });
    });

    describe("refuses bad requests with the status and a message naming the problem", () => {
      const big = { name: "Ana", email: "ana@example.com", padding: "x".repeat(9000) };
      const cases: [string, RequestInput, number, string][] = [
        ["malformed JSON", put(bearer(ANA), '{"name": "Ana",'), 400, 'the body is not valid JSON: "{\\"name\\": \\"Ana\\","'],
        ["an empty body", put(bearer(ANA), ""), 400, "the body is empty; send a JSON object"],
        ["no body", put(bearer(ANA), undefined), 400, "the body is empty; send a JSON object"],
        ["a JSON array", put(bearer(ANA), "[1,2]"), 400, "invalid profile: the body must be a JSON object, got [1,2]"],
        ["bytes that are not UTF-8", put(bearer(ANA), Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 400, "the body is not valid UTF-8"],
        ["an oversize body", put(bearer(ANA), big), 413, "the body is 9053 bytes; at most 8192 are accepted"],
        ["an oversize base64 body", put(bearer(ANA), big, { base64: true }), 413, "the body is 9053 bytes; at most 8192 are accepted"],
        ["text/plain", put({ ...bearer(ANA), "content-type": "text/plain" }, FULL_PROFILE), 415, 'content-type must be application/json, got "text/plain"'],
        [
          "no content type",
          { method: "PUT", path: "/profile", headers: bearer(ANA), body: FULL_PROFILE },
          415,
          "content-type must be application/json, got nothing",
        ],
        [
          "a latin-1 charset",
          put({ ...bearer(ANA), "content-type": "application/json; charset=iso-8859-1" }, FULL_PROFILE),
          415,
          'content-type must be application/json, got "application/json; charset=iso-8859-1"',
        ],
        [
          "an unknown field",
          put(bearer(ANA), { ...FULL_PROFILE, role: "admin" }),
          400,
          'invalid profile: unknown field "role" (allowed: name, email, phone, address, tariff, notifications)',
        ],
        [
          "a bad If-Match",
          put({ ...bearer(ANA), "if-match": 'W/"3"' }, FULL_PROFILE),
          400,
          'If-Match must be the ETag from GET /profile (like "3") or *, got "W/\\"3\\""',
        ],
      ];
      for (const [label, input, status, error] of cases) {
        it(label, async () => {
          const w = world();
          const r = await w.call(input);
          expect(r).to.deep.equal({ status, headers: JSON_HEADERS, body: { error } });
          expect([...w.store.items.values()]).to.deep.equal(SEED);
        });
      }
    });

    describe("If-Match against lost updates", () => {
      it("writes when the ETag is current", async () => {
        const w = world();
        const r = await w.call(put({ ...bearer(ANA), "if-match": '"3"' }, { name: "Ana", email: "ana@example.com" }));
        expect([r.status, r.headers.etag]).to.deep.equal([200, '"4"']);
      });

      it("answers 412 with the current version when another write came first", async () => {
        const w = world();
        await w.call(put(bearer(ANA), { name: "First", email: "ana@example.com" }));
        const r = await w.call(put({ ...bearer(ANA), "if-match": '"3"' }, { name: "Second", email: "ana@example.com" }));
        expect([r.status, r.body]).to.deep.equal([412, { error: 'If-Match "\\"3\\"" does not hold: profile is at version 4; GET /profile again and retry' }]);
        expect(w.store.items.get(ANA)?.name).to.equal("First");
      });

      it("answers 412 for If-Match * when there is no profile", async () => {
        const r = await world().call(put({ ...bearer(NEW), "if-match": "*" }, { name: "Cy", email: "cy@example.com" }));
        expect([r.status, r.body]).to.deep.equal([412, { error: 'If-Match "*" does not hold: there is no profile yet; GET /profile again and retry' }]);
      });
    });
  });

  describe("inside the route, without API Gateway", () => {
    const store = new MemoryProfileStore(SEED);
    const run = (event: HttpApiEvent, logs: Record<string, unknown>[] = []) =>
      respond(
        event,
        (e) => logs.push(e),
        () => profileRoute(event, { store, now: () => NOW }),
      );

    it("refuses an event without the authorizer's context (401)", async () => {
      const r = await run(httpApiRequest({ method: "GET", path: "/profile" }));
      expect([r.statusCode, JSON.parse(r.body)]).to.deep.equal([401, { error: "the request carries no authenticated customer (authorizer context missing)" }]);
    });

    it("refuses a cached authorization whose token has since expired (401)", async () => {
      const event = withAuthorizerContext(httpApiRequest({ method: "GET", path: "/profile" }), { customerId: ANA, tokenExpiresAt: NOW.getTime() / 1000 - 1 });
      const r = await run(event);
      expect([r.statusCode, JSON.parse(r.body)]).to.deep.equal([401, { error: "the access token has expired" }]);
    });

    it("refuses a route it does not serve (405)", async () => {
      const event = withAuthorizerContext(httpApiRequest({ method: "DELETE", path: "/profile" }), {
        customerId: ANA,
        tokenExpiresAt: NOW.getTime() / 1000 + 60,
      });
      const r = await run(event);
      expect([r.statusCode, JSON.parse(r.body)]).to.deep.equal([405, { error: 'route "DELETE /profile" is not served by the profile function' }]);
    });

    it("answers 500 without internals when the table fails, and logs why", async () => {
      const failing = {
        get: async () => {
          throw new Error("AccessDeniedException: kms:Decrypt");
        },
        isErased: async () => {
          throw new Error("AccessDeniedException: kms:Decrypt");
        },
        put: async () => {
          throw new Error("unused");
        },
      };
      const event = withAuthorizerContext(httpApiRequest({ method: "GET", path: "/profile", requestId: "req-500" }), {
        customerId: ANA,
        tokenExpiresAt: NOW.getTime() / 1000 + 60,
      });
      const logs: Record<string, unknown>[] = [];
      const r = await respond(
        event,
        (e) => logs.push(e),
        () => profileRoute(event, { store: failing, now: () => NOW }),
      );
      expect([r.statusCode, JSON.parse(r.body)]).to.deep.equal([500, { error: "internal error; try again later" }]);
      expect(logs).to.deep.equal([
        { level: "ERROR", message: "failed", requestId: "req-500", routeKey: "GET /profile", error: "Error: AccessDeniedException: kms:Decrypt" },
      ]);
    });
  });
});
