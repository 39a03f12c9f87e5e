import { expect } from "chai";
import { authorize } from "../../../functions/authorizer/authorize";
import { tokenVerifier } from "../../../functions/authorizer/cognitoVerifier";
import { claimHash, newClaimCode, normaliseClaimCode, sameHash } from "../../../functions/meterClaim/claimCode";
import { claimRoute } from "../../../functions/meterClaim/claimRoute";
import { linkMeter } from "../../../functions/meterClaim/linkMeter";
import { LinkConflictError, StoredClaim } from "../../../functions/meterClaim/claimStore";
import { HttpApiEvent, respond } from "../../../functions/profileApi/httpApi";
import { StoredProfile } from "../../../functions/profileApi/profileStore";
import { RequestInput, httpApiRequest, throughGateway, withAuthorizerContext } from "../../helpers/httpApiEvents";
import { accessToken, fakeSessions, offlineVerifier } from "./cognitoTokens";
import { CODE, claimOf } from "./claims";
import { MemoryClaimStore } from "../../../functions/meterClaim/memoryClaimStore";
import { MemoryProfileStore } from "../../../functions/profileApi/memoryProfileStore";
import { profileRoute } from "../../../functions/profileApi/profileRoutes";
import { ANA, BEN } from "./customers";

const CY = "0c1d2e3f-0000-4000-8000-00000000c0c0";
const NOW = new Date("2026-11-22T08:00:00.000Z");

const PROFILES: StoredProfile[] = [
  { customerId: ANA, name: "Ana Duarte", email: "ana@example.com", createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-11-01T00:00:00.000Z", version: 3 },
  { customerId: BEN, clientId: "MTR0002", name: "Ben Okafor", email: "ben@example.com", version: 1 },
];
const CLAIMS: StoredClaim[] = [
  claimOf("MTR0001"),
  claimOf("MTR0002", { usedBy: BEN, usedAt: "2026-11-21T09:00:00.000Z" }),
  claimOf("MTR0003", { expiresAt: "2026-11-22T07:59:59.000Z" }),
  claimOf("MTR0004", { usedBy: ANA, usedAt: "2026-11-20T09:00:00.000Z" }),
];

const OWNERS: [string, string][] = [["MTR0002", BEN]];

function world() {
  const profiles = new MemoryProfileStore(PROFILES);
  const claims = new MemoryClaimStore(profiles, CLAIMS, OWNERS);
  const { verifier } = offlineVerifier();
  const authorizer = (e: Parameters<typeof authorize>[0]) => authorize(e, tokenVerifier(verifier), fakeSessions().sessions, () => undefined);
  const route = (e: HttpApiEvent) =>
    respond(
      e,
      () => undefined,
      () => (e.routeKey === "PUT /profile" ? profileRoute(e, { store: profiles, now: () => NOW }) : claimRoute(e, { claims, profiles, now: () => NOW })),
    );
  return {
    profiles,
    claims,
    async call(customerId: string, body: RequestInput["body"], headers: Record<string, string> = { "content-type": "application/json" }) {
      const r = await throughGateway(
        { method: "POST", path: "/profile/meter", headers: { authorization: `Bearer ${accessToken(customerId)}`, ...headers }, body },
        authorizer,
        route,
      );
      const retryAfter = r.headers?.["retry-after"];
      return { status: r.statusCode, body: JSON.parse(r.body), ...(retryAfter === undefined ? {} : { retryAfter }) };
    },
    async putProfile(customerId: string, body: RequestInput["body"]) {
      const r = await throughGateway(
        { method: "PUT", path: "/profile", headers: { authorization: `Bearer ${accessToken(customerId)}`, "content-type": "application/json" }, body },
        authorizer,
        route,
      );
      return { status: r.statusCode, body: JSON.parse(r.body) };
    },
    async erase(customerId: string) {
      const r = await throughGateway(
        { method: "DELETE", path: "/profile", headers: { authorization: `Bearer ${accessToken(customerId)}` } },
        authorizer,
        route,
      );
      return { status: r.statusCode, body: r.body };
    },
  };
}

describe("claim codes", () => {
  it("prints twelve unambiguous symbols in three groups", () => {
    expect(newClaimCode(() => Buffer.from([0, 1, 2, 3, 10, 17, 18, 31, 32, 63, 200, 255]))).to.equal("0123-AHJZ-0Z8Z");
  });

  const typed: [string, string | undefined][] = [
    ["7K3Q-M9XD-2HFA", "7K3QM9XD2HFA"],
    ["7k3q m9xd 2hfa", "7K3QM9XD2HFA"],
    ["7K3QM9XD2HFA", "7K3QM9XD2HFA"],
    ["7K3Q-M9XD-2HF", undefined],
    // Crockford's reading of what a customer types for 0 and 1
    ["7K3Q-M9XD-2HFO", "7K3QM9XD2HF0"],
    ["7k3q-m9xd-2hil", "7K3QM9XD2H11"],
    ["7K3Q-M9XD-2HFU", undefined],
    ["7K3Q-M9XD-2Hſı", undefined],
    ["7K3Q-M9XD-2HFAA", undefined],
    ["", undefined],
  ];
  for (const [input, canonical] of typed) {
    it(`reads ${JSON.stringify(input)} as ${String(canonical)}`, () => expect(normaliseClaimCode(input)).to.equal(canonical));
  }

  it("hashes salt and code with SHA-256 and compares hashes exactly", () => {
    expect(claimHash("00", "7K3QM9XD2HFA")).to.equal("f66199dcc77b7e7b8d982e1156c30e7fcfe932a9a9467acc766f97e4d52aa8d9");
    expect(claimHash("00", "7K3QM9XD2HFA")).to.not.equal(claimHash("01", "7K3QM9XD2HFA"));
    expect(sameHash(claimHash("00", "A"), claimHash("00", "A"))).to.equal(true);
    expect(sameHash(claimHash("00", "A"), claimHash("00", "B"))).to.equal(false);
    expect(sameHash("", "")).to.equal(false);
  });
});

describe("POST /profile/meter", () => {
  it("links the caller's profile to the meter, marks the claim used and records the owner", async () => {
    const w = world();
    const r = await w.call(ANA, { meterId: "MTR0001", claimCode: "7k3q-m9xd-2hfa" });
    expect(r).to.deep.equal({ status: 200, body: { customerId: ANA, clientId: "MTR0001", linkedAt: NOW.toISOString() } });
    // the claim keeps no first day (issued before one was kept): the household's reports start the day it was issued
    expect(w.profiles.items.get(ANA)).to.deep.equal({ ...PROFILES[0], clientId: "MTR0001", reportsFrom: "2026-11-21" });
    expect(w.claims.claims.get("MTR0001")).to.deep.equal(claimOf("MTR0001", { usedBy: ANA, usedAt: NOW.toISOString() }));
    expect([...w.claims.owners]).to.deep.equal([...OWNERS, ["MTR0001", ANA]]);
  });

  it("answers a committed link with 200 even when giving its attempt back fails, and warns", async () => {
    const profiles = new MemoryProfileStore(PROFILES);
    const claims = new MemoryClaimStore(profiles, CLAIMS, OWNERS);
    claims.returnAttempt = async () => {
      throw Object.assign(new Error("Rate of requests exceeds the allowed throughput"), { name: "ProvisionedThroughputExceededException" });
    };
    const warnings: string[] = [];
    const linked = await linkMeter(ANA, { meterId: "MTR0001", claimCode: CODE }, { claims, profiles, now: () => NOW, warn: (m) => warnings.push(m) });
    expect([linked.clientId, profiles.items.get(ANA)?.clientId]).to.deep.equal(["MTR0001", "MTR0001"]);
    expect(warnings).to.deep.equal([
      `claim attempt of customer ${ANA} not given back (ProvisionedThroughputExceededException: Rate of requests exceeds the allowed throughput); it counts until 2026-11-22T09:00:00.000Z`,
    ]);
  });

  it("answers the caller's own link again with it, as it was made (a retry whose answer was lost), counting nothing", async () => {
    const w = world();
    const first = await w.call(ANA, { meterId: "MTR0001", claimCode: CODE });
    const again = await w.call(ANA, { meterId: "MTR0001", claimCode: CODE });
    expect([first.status, again]).to.deep.equal([200, first]);
    expect(await w.claims.failures(ANA, NOW)).to.equal(0);
  });

  it("answers both requests of a double click with the one link, not a conflict for the second", async () => {
    const profiles = new MemoryProfileStore(PROFILES);
    const claims = new MemoryClaimStore(profiles, CLAIMS, OWNERS);
    const deps = { claims, profiles, now: () => NOW };
    const body = { meterId: "MTR0001", claimCode: CODE };
    const both = await Promise.all([linkMeter(ANA, body, deps), linkMeter(ANA, body, deps)]);
    expect(both).to.deep.equal([0, 1].map(() => ({ customerId: ANA, clientId: "MTR0001", linkedAt: NOW.toISOString() })));
    expect([...claims.owners]).to.deep.equal([...OWNERS, ["MTR0001", ANA]]);
  });

  it("links a customer who has no profile yet (the profile is created with the meter id only)", async () => {
    const w = world();
    const r = await w.call(CY, { meterId: "MTR0001", claimCode: CODE });
    expect(r.status).to.equal(200);
    expect(w.profiles.items.get(CY)).to.deep.equal({ customerId: CY, clientId: "MTR0001", reportsFrom: "2026-11-21", version: 0 });
  });

  const refusals: [string, string, object, number, string, number][] = [
    ["a wrong code", ANA, { meterId: "MTR0001", claimCode: "7K3Q-M9XD-2HFB" }, 403, 'the claim code does not match meter "MTR0001"', 1],
    ["a meter without a claim", ANA, { meterId: "MTR9999", claimCode: CODE }, 403, 'the claim code does not match meter "MTR9999"', 1],
    [
      "an expired code",
      ANA,
      { meterId: "MTR0003", claimCode: CODE },
      410,
      'the claim code for meter "MTR0003" expired at 2026-11-22T07:59:59.000Z; ask your supplier for a new one',
      1,
    ],
    [
      "a code already used by the caller",
      ANA,
      { meterId: "MTR0004", claimCode: CODE },
      410,
      'the claim code for meter "MTR0004" was already used at 2026-11-20T09:00:00.000Z; ask your supplier for a new one',
      1,
    ],
    ["another customer's meter", ANA, { meterId: "MTR0002", claimCode: CODE }, 409, 'meter "MTR0002" is already linked to another account', 0],
    [
      "a caller who already has a meter",
      BEN,
      { meterId: "MTR0001", claimCode: CODE },
      409,
      'your profile is already linked to meter "MTR0002"; DELETE /profile first to link another',
      0,
    ],
    [
      "a malformed code",
      ANA,
      { meterId: "MTR0001", claimCode: "1234" },
      400,
      'invalid meter claim: claimCode must be the 12-symbol code from your supplier, like "7K3Q-M9XD-2HFA", got "1234"',
      0,
    ],
    [
      "a malformed meter id and an extra field",
      ANA,
      { meterId: "../MTR0002", claimCode: CODE, owner: BEN },
      400,
      'invalid meter claim: unknown field "owner" (allowed: meterId, claimCode); meterId must be the meter id printed on the meter (1-64 letters, digits, - or _), got "../MTR0002"',
      0,
    ],
    ["a body that is not an object", ANA, [1, 2], 400, "the body must be a JSON object with meterId and claimCode, got [1,2]", 0],
    ["an oversize body", ANA, { meterId: "MTR0001", claimCode: CODE, pad: "x".repeat(1100) }, 413, "the body is 1159 bytes; at most 1024 are accepted", 0],
  ];
  for (const [label, caller, body, status, error, failures] of refusals) {
    it(`refuses ${label} with ${status}, changes nothing and counts ${failures} failure(s)`, async () => {
      const w = world();
      const r = await w.call(caller, body);
      expect(r).to.deep.equal({ status, body: { error } });
      expect([...w.profiles.items.values()]).to.deep.equal(PROFILES);
      expect([...w.claims.claims.values()]).to.deep.equal(CLAIMS);
      expect([...w.claims.owners]).to.deep.equal(OWNERS);
      expect(await w.claims.failures(caller, NOW)).to.equal(failures);
    });
  }

  it("refuses a body that is not JSON with 415 when the content type is wrong", async () => {
    const r = await world().call(ANA, "meterId=MTR0001", { "content-type": "application/x-www-form-urlencoded" });
    expect(r).to.deep.equal({ status: 415, body: { error: 'content-type must be application/json, got "application/x-www-form-urlencoded"' } });
  });

  it("checks at most five codes in an hour however many guesses arrive at once", async () => {
    const w = world();
    const answers = await Promise.all(Array.from({ length: 50 }, () => w.call(ANA, { meterId: "MTR0001", claimCode: "AAAA-AAAA-AAAA" })));
    const count = (status: number) => answers.filter((a) => a.status === status).length;
    expect([count(403), count(429), await w.claims.failures(ANA, NOW)]).to.deep.equal([5, 45, 5]);
  });

  it("does not count a right code, or another's meter (409), against the limit", async () => {
    const w = world();
    expect((await w.call(BEN, { meterId: "MTR0001", claimCode: CODE })).status).to.equal(409);
    expect(await w.claims.failures(BEN, NOW)).to.equal(0);
    expect((await w.call(ANA, { meterId: "MTR0001", claimCode: CODE })).status).to.equal(200);
    expect(await w.claims.failures(ANA, NOW)).to.equal(0);
  });

  it("refuses every attempt, even a right one, after five failures in the hour, and accepts again the next hour", async () => {
    const w = world();
    for (let i = 0; i < 5; i += 1) expect((await w.call(ANA, { meterId: "MTR0001", claimCode: "AAAA-AAAA-AAAA" })).status).to.equal(403);
    const r = await w.call(ANA, { meterId: "MTR0001", claimCode: CODE });
    // NOW is 08:00: an hour to the next window, in seconds
    expect(r).to.deep.equal({
      status: 429,
      body: { error: "too many failed claim attempts: at most 5 per hour; try again after 2026-11-22T09:00:00.000Z" },
      retryAfter: "3600",
    });
    expect(w.profiles.items.get(ANA)?.clientId).to.equal(undefined);
    const request = httpApiRequest({
      method: "POST",
      path: "/profile/meter",
      headers: { "content-type": "application/json" },
      body: { meterId: "MTR0001", claimCode: CODE },
    });
    const nextHour = withAuthorizerContext(request, { customerId: ANA, tokenExpiresAt: String(Date.parse("2026-11-22T10:00:00Z") / 1000) });
    const later = await claimRoute(nextHour, { claims: w.claims, profiles: w.profiles, now: () => new Date("2026-11-22T09:00:00.000Z") });
    expect(later.statusCode).to.equal(200);
  });

  it("lets only one of two customers holding the same code link the meter", async () => {
    const w = world();
    const [a, c] = await Promise.all([w.call(ANA, { meterId: "MTR0001", claimCode: CODE }), w.call(CY, { meterId: "MTR0001", claimCode: CODE })]);
    expect([a.status, c.status].sort()).to.deep.equal([200, 409]);
    expect([...w.claims.owners.keys()]).to.deep.equal(["MTR0002", "MTR0001"]);
  });
});

describe("DELETE /profile", () => {
  it("erases the profile and the meter link; the used code cannot relink it, a new claim can", async () => {
    const w = world();
    expect((await w.call(ANA, { meterId: "MTR0001", claimCode: CODE })).status).to.equal(200);
    expect(await w.erase(ANA)).to.deep.equal({ status: 204, body: "" });
    expect([w.profiles.items.has(ANA), [...w.claims.owners]]).to.deep.equal([false, OWNERS]);
    expect(await w.call(CY, { meterId: "MTR0001", claimCode: CODE })).to.deep.equal({
      status: 410,
      body: { error: 'the claim code for meter "MTR0001" was already used at 2026-11-22T08:00:00.000Z; ask your supplier for a new one' },
    });
    w.claims.claims.set("MTR0001", claimOf("MTR0001", { salt: "01", codeHash: claimHash("01", "AAAABBBBCCCC") }));
    expect((await w.call(CY, { meterId: "MTR0001", claimCode: "AAAA-BBBB-CCCC" })).status).to.equal(200);
    expect(w.claims.owners.get("MTR0001")).to.equal(CY);
  });

  it("changes nothing when the profile's meter changed between its read and the erase, the claim included", async () => {
    const w = world();
    expect((await w.call(ANA, { meterId: "MTR0001", claimCode: CODE })).status).to.equal(200);
    // an operator's unlink between the route's read of the profile and the erase
    w.profiles.items.set(ANA, { ...w.profiles.items.get(ANA)!, clientId: undefined });
    const e = await w.claims.erase(ANA, "MTR0001", NOW).then(
      () => undefined,
      (err: unknown) => err as LinkConflictError,
    );
    expect([e?.conflict, w.claims.claims.get("MTR0001")?.usedBy, w.profiles.erased.has(ANA), w.claims.owners.get("MTR0001")]).to.deep.equal([
      "profile",
      ANA,
      false,
      ANA,
    ]);
  });

  it("erases a profile without a meter", async () => {
    const w = world();
    expect((await w.erase(ANA)).status).to.equal(204);
    expect(w.profiles.items.has(ANA)).to.equal(false);
  });

  it("erases an account without a profile: 204, a tombstone, and nothing else changed", async () => {
    const w = world();
    expect(await w.erase(CY)).to.deep.equal({ status: 204, body: "" });
    expect([[...w.profiles.items.values()], [...w.profiles.erased.keys()]]).to.deep.equal([PROFILES, [CY]]);
  });

  it("keeps an erased account erased: a PUT with a token still cached answers 410 and writes nothing", async () => {
    const w = world();
    expect((await w.erase(ANA)).status).to.equal(204);
    const put = await w.putProfile(ANA, { name: "Ana", email: "ana@example.com" });
    expect([put, w.profiles.items.has(ANA)]).to.deep.equal([{ status: 410, body: { error: "this account was erased" } }, false]);
  });
});
