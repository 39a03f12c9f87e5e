import { expect } from "chai";
import { mkdirSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { ERASED_USER } from "../../functions/meterClaim/claimStore";
import { issueClaim, issueWarnings, revokeClaim, unlinkMeter } from "../../functions/meterClaim/claimAdmin";
import { CustomerTables } from "../../local/customers/customerTables";
import { LocalCustomerApi, matchRoute } from "../../local/customers/localCustomerApi";
import { LocalReportBucket } from "../../local/customers/localReportBucket";
import { LocalUserPool } from "../../local/customers/localUserPool";
import { tempDir } from "../helpers/tempDir";

const PASSWORD = "Correct-Horse-42!";

describe("local customer API routing", () => {
  const cases: [string, string, unknown][] = [
    ["GET", "/profile", { routeKey: "GET /profile", target: "profileApi", pathParameters: {} }],
    ["POST", "/profile/meter", { routeKey: "POST /profile/meter", target: "profileApi", pathParameters: {} }],
    ["DELETE", "/profile", { routeKey: "DELETE /profile", target: "profileApi", pathParameters: {} }],
    ["GET", "/reports", { routeKey: "GET /reports", target: "reportUrl", pathParameters: {} }],
    ["GET", "/reports/2026-12-02", { routeKey: "GET /reports/{date}", target: "reportUrl", pathParameters: { date: "2026-12-02" } }],
    ["GET", "/reports/", undefined],
    ["POST", "/reports", undefined],
    ["GET", "/profile/meter", undefined],
  ];
  for (const [method, path, expected] of cases) {
    it(`${method} ${path} → ${expected ? (expected as { routeKey: string }).routeKey : "no route"}`, () =>
      expect(matchRoute(method, path)).to.deep.equal(expected));
  }
});

describe("local customer API", () => {
  let root: string;
  const pool = new LocalUserPool();
  const tables = new CustomerTables();
  let bucket: LocalReportBucket;
  let api: LocalCustomerApi;
  let token: string;
  before(async () => {
    root = tempDir("gridrail-api-");
    mkdirSync(join(root, "reports", "MTR0001"), { recursive: true });
    writeFileSync(join(root, "reports", "MTR0001", "20261202.html"), "<html/>");
    bucket = new LocalReportBucket(root);
    await pool.start();
    await bucket.start();
    api = new LocalCustomerApi({ verifier: pool.verifier(), sessions: pool.sessions(), tables, reports: bucket });
    pool.signUp("ana@example.com", PASSWORD);
    token = pool.signIn("ana@example.com", PASSWORD).accessToken;
  });
  after(async () => {
    await bucket.close();
    await pool.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("answers as API Gateway does before any route runs", async () => {
    const answers = [
      await api.request({ method: "GET", path: "/profile" }),
      await api.request({ method: "GET", path: "/profile", authorization: "Bearer not-a-jwt" }),
      await api.request({ method: "PATCH", path: "/profile", authorization: `Bearer ${token}` }),
    ];
    expect(answers).to.deep.equal([
      { status: 401, body: { message: "Unauthorized" } },
      { status: 403, body: { message: "Forbidden" }, denied: "MalformedAuthorization: token is not a JWT (three base64url segments)" },
      { status: 404, body: { message: "Not Found" } },
    ]);
  });

  it("answers 500 when the authorizer cannot fetch the keys, never 403", async () => {
    // the same pool's verifier, its JWKS endpoint gone: the key fetch fails
    const unreachable = new LocalUserPool(pool.poolId, pool.clientId, pool.keyId);
    const broken = new LocalCustomerApi({ verifier: unreachable.verifier(), sessions: unreachable.sessions(), tables, reports: bucket });
    const answer = await broken.request({ method: "GET", path: "/profile", authorization: `Bearer ${token}` });
    expect(answer).to.deep.equal({ status: 500, body: { message: "Internal Server Error" } });
  });

  it("links with the operator's code, erases with DELETE /profile, and the next occupant links only with a new code and sees none of the erased household's reports", async () => {
    const operator = tables.operatorClient();
    // the first household has lived there since 2026-12-01: the meter's report of 2026-12-02 is theirs
    const first = await issueClaim(operator, "local-profiles", "MTR0001", 72, new Date(), undefined, "2026-12-01");
    const callAs = (bearer: string) => (method: string, path: string, body?: unknown) => api.request({ method, path, authorization: `Bearer ${bearer}`, body });
    const call = callAs(token);
    const steps = [
      await call("POST", "/profile/meter", { meterId: "MTR0001", claimCode: first.claimCode }),
      await call("GET", "/reports"),
      await call("DELETE", "/profile"),
      await call("POST", "/profile/meter", { meterId: "MTR0001", claimCode: first.claimCode }),
    ];
    // the used claim stays used, and no longer names the erased customer: one transaction with the profile and the owner item
    expect(tables.claims.get("MTR0001")).to.include({ usedBy: ERASED_USER });
    const transactions = tables.dataEvents.filter((e) => e.eventName === "TransactWriteItems").map((e) => JSON.stringify(e.requestParameters));
    expect(transactions[transactions.length - 1]).to.match(
      /^\{"tableName":"local-profiles","keys":\[\{"customerId":"[0-9a-f-]{36}"\},\{"customerId":"meter#MTR0001"\},\{"customerId":"claim#MTR0001"\}\]\}$/,
    );
    expect(tables.dataEvents.filter((e) => e.eventName === "UpdateItem" && JSON.stringify(e).includes("claim#MTR0001"))).to.have.length(0);
    // every route answers the erased account's still-cached token alike
    const erased = [await call("GET", "/profile"), await call("GET", "/reports"), await call("GET", "/reports/2026-12-02")];
    expect(erased.map((a) => [a.status, a.body])).to.deep.equal([0, 1, 2].map(() => [410, { error: "this account was erased" }]));
    const second = await issueClaim(operator, "local-profiles", "MTR0001", 72, new Date());
    // the erased account stays erased while its token lasts (410); the next occupant links
    steps.push(await call("POST", "/profile/meter", { meterId: "MTR0001", claimCode: second.claimCode }));
    pool.signUp("ben@example.com", PASSWORD);
    const next = callAs(pool.signIn("ben@example.com", PASSWORD).accessToken);
    steps.push(await next("POST", "/profile/meter", { meterId: "MTR0001", claimCode: second.claimCode }));
    expect(steps.map((s) => s.status)).to.deep.equal([200, 200, 204, 410, 410, 200]);
    expect(steps[1].body).to.deep.equal({ reports: [{ date: "2026-12-02", formats: ["html"] }] });
    expect((steps[3].body as { error: string }).error).to.match(
      /^the claim code for meter "MTR0001" was already used at \d{4}-\d\d-\d\dT[\d:.]+Z; ask your supplier for a new one$/,
    );
    const linked = steps[5].body as { customerId: string; clientId: string };
    expect([linked.clientId, tables.owners.get("MTR0001")]).to.deep.equal(["MTR0001", linked.customerId]);
    // the next household's reports start the day its code was issued: the erased household's day is neither listed nor served
    const today = new Date().toISOString().slice(0, 10);
    const afterMoving = [await next("GET", "/reports"), await next("GET", "/reports/2026-12-02"), await next("GET", "/profile")];
    expect(afterMoving.map((a) => a.status)).to.deep.equal([200, 404, 200]);
    expect(afterMoving[0].body).to.deep.equal({ reports: [] });
    expect(afterMoving[1].body).to.deep.equal({
      error: `no report for 2026-12-02 of your household: your meter's reports start on ${today}, the first day your supplier recorded for you`,
    });
    expect(afterMoving[2].body).to.deep.include({ clientId: "MTR0001", reportsFrom: today });
  });

  it("warns the operator, on the local table too, of an unused code a new one replaces and of an owner it cannot link past", async () => {
    const operator = tables.operatorClient();
    const now = new Date();
    expect(await issueWarnings(operator, "local-profiles", "MTR0011", now)).to.deep.equal([]);
    const first = await issueClaim(operator, "local-profiles", "MTR0011", 72, now);
    expect(await issueWarnings(operator, "local-profiles", "MTR0011", now)).to.deep.equal([
      `meter "MTR0011" had an unused code issued at ${now.toISOString()}, valid until ${first.expiresAt}: it no longer works`,
    ]);
    const gil = newCustomer("gil@example.com");
    expect((await gil("POST", "/profile/meter", { meterId: "MTR0011", claimCode: first.claimCode })).status).to.equal(200);
    const [owned] = await issueWarnings(operator, "local-profiles", "MTR0011", now);
    expect(owned).to.match(
      /^meter "MTR0011" is linked to customer [0-9a-f-]{36}: the new code links it only once they erase their account or you run claims unlink --meter MTR0011$/,
    );
  });

  /** A customer signed up and in, calling the API with their token. */
  const newCustomer = (email: string) => {
    pool.signUp(email, PASSWORD);
    const bearer = pool.signIn(email, PASSWORD).accessToken;
    return (method: string, path: string, body?: unknown) => api.request({ method, path, authorization: `Bearer ${bearer}`, body });
  };

  it("leaves a code issued while the owner held the meter usable when the owner then erases their account", async () => {
    const operator = tables.operatorClient();
    const [eve, fay] = [newCustomer("eve@example.com"), newCustomer("fay@example.com")];
    const first = await issueClaim(operator, "local-profiles", "MTR0008", 72, new Date());
    const steps = [await eve("POST", "/profile/meter", { meterId: "MTR0008", claimCode: first.claimCode })];
    const next = await issueClaim(operator, "local-profiles", "MTR0008", 72, new Date());
    steps.push(await eve("DELETE", "/profile"));
    expect(tables.claims.get("MTR0008")?.usedBy).to.equal(undefined);
    steps.push(await fay("POST", "/profile/meter", { meterId: "MTR0008", claimCode: next.claimCode }));
    expect(steps.map((s) => s.status)).to.deep.equal([200, 204, 200]);
  });

  it("takes a meter from a household that moved out: the operator unlinks it, the old owner sees no reports, the next occupant links", async () => {
    const operator = tables.operatorClient();
    const [cy, dee] = [newCustomer("cy@example.com"), newCustomer("dee@example.com")];
    const code = await issueClaim(operator, "local-profiles", "MTR0002", 72, new Date());
    const steps = [await cy("POST", "/profile/meter", { meterId: "MTR0002", claimCode: code.claimCode })];
    const owner = await unlinkMeter(operator, "local-profiles", "MTR0002");
    steps.push(await cy("GET", "/reports"));
    const next = await issueClaim(operator, "local-profiles", "MTR0002", 72, new Date());
    steps.push(await dee("POST", "/profile/meter", { meterId: "MTR0002", claimCode: next.claimCode }));
    steps.push(await cy("GET", "/profile"));
    expect(steps.map((s) => s.status)).to.deep.equal([200, 409, 200, 200]);
    expect([owner, (steps[3].body as { clientId: unknown }).clientId, tables.owners.get("MTR0002")]).to.deep.equal([
      (steps[0].body as { customerId: string }).customerId,
      null,
      (steps[2].body as { customerId: string }).customerId,
    ]);
    const again = await unlinkMeter(operator, "local-profiles", "MTR0003").then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(again).to.equal('meter "MTR0003" has no owner to unlink');
  });

  it("takes the operator's revocation of an unused code and refuses one for a used code", async () => {
    const operator = tables.operatorClient();
    await issueClaim(operator, "local-profiles", "MTR0009", 72, new Date());
    await revokeClaim(operator, "local-profiles", "MTR0009");
    expect(tables.claims.has("MTR0009")).to.equal(false);
    const e = await revokeClaim(operator, "local-profiles", "MTR0001").then(
      () => undefined,
      (err: Error) => err,
    );
    expect(e?.message).to.equal('meter "MTR0001" has no unused claim to revoke (never issued, already used or revoked)');
  });
});
