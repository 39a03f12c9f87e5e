import { expect } from "chai";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { NO_METER } from "../../functions/reportUrl/callerMeter";
import { SCRIPTED_CUSTOMERS, scriptedMeters, walkCustomers } from "../../local/customers/walkCustomers";
import { CustomersReport, customersLine } from "../../local/customers/customersReport";
import { tempDir } from "../helpers/tempDir";

const METERS = ["MTR0001", "MTR0002", "MTR0003"];
const DATE = "2026-12-02";
const html = (meter: string) => `<html><body>${meter}: your day, 2 December</body></html>`;
const FORGED = "Forbidden (authorizer: JwtInvalidSignatureError: Invalid signature)";
const WALK = ["sign up", "sign in", "PUT /profile", "POST /profile/meter", "GET /profile", "GET /reports", "GET /reports/{date}", "download"];

describe("scripted customers", () => {
  let root: string;
  let report: CustomersReport;
  before(async () => {
    root = tempDir("gridrail-customers-");
    for (const meter of METERS) {
      mkdirSync(join(root, "reports", meter), { recursive: true });
      writeFileSync(join(root, "reports", meter, "20261202.html"), html(meter));
      writeFileSync(join(root, "reports", meter, "20261202.json"), "{}");
      writeFileSync(join(root, "reports", meter, "20261201.html"), "<html>the day before</html>");
    }
    // a meter nobody links: its report must never be reached
    mkdirSync(join(root, "reports", "MTR0004"), { recursive: true });
    writeFileSync(join(root, "reports", "MTR0004", "20261202.html"), html("MTR0004"));
    report = await walkCustomers({ root, meterIds: METERS, date: DATE, trail: true });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("each signs up, links its meter, lists its reports newest first and downloads exactly its report's bytes", () => {
    expect(report.outcomes.map((o) => [o.customer, o.meterId, o.steps, o.profileMeter, o.daysListed, o.downloadedBytes, o.objectBytes])).to.deep.equal(
      METERS.map((meter, i) => [
        `customer-${i + 1}`,
        meter,
        WALK.map((step) => ({ step, status: 200 })),
        meter,
        ["2026-12-02", "2026-12-01"],
        Buffer.byteLength(html(meter)),
        Buffer.byteLength(html(meter)),
      ]),
    );
  });

  it("has every later customer's attempts on the one before refused with the handler's status", () => {
    const on = (victim: number, by: number) => [
      [`customer-${by}`, `customer-${victim}`, "claim its meter with its used code", 409, `meter "MTR000${victim}" is already linked to another account`],
      [`customer-${by}`, `customer-${victim}`, "claim its meter with another code", 403, `the claim code does not match meter "MTR000${victim}"`],
      [`customer-${by}`, `customer-${victim}`, "GET its report day without a meter", 409, NO_METER],
      [`customer-${by}`, `customer-${victim}`, "GET /reports with a token forged with its sub", 403, FORGED],
      [
        `customer-${by}`,
        `customer-${victim}`,
        "claim its meter after linking its own",
        409,
        `your profile is already linked to meter "MTR000${by}"; DELETE /profile first to link another`,
      ],
      [`customer-${by}`, `customer-${victim}`, "download its report with a URL re-pointed from its own", 403, "SignatureDoesNotMatch"],
    ];
    expect(report.attempts.map((a) => [a.by, a.target, a.attempt, a.status, a.answer])).to.deep.equal([...on(1, 2), ...on(2, 3)]);
  });

  it("sums the walk into the report's customers section and its summary line", () => {
    const { outcomes, attempts, ...counts } = report;
    expect([outcomes.length, attempts.length]).to.deep.equal([3, 12]);
    expect(counts).to.deep.equal({
      date: DATE,
      customers: 3,
      signedUp: 3,
      linked: 3,
      reportsListed: 3,
      downloaded: 3,
      crossCustomer: { attempts: 12, refused: 12, succeeded: 0 },
    });
    const n = Buffer.byteLength(html("MTR0001"));
    expect(customersLine(report)).to.equal(
      `customers 2026-12-02: 3 of 3 signed up, 3 linked their meter, 3 listed their report, 3 downloaded it (${n}, ${n}, ${n} bytes, matching the objects); cross-customer: 12 attempts, 12 refused, 0 succeeded`,
    );
  });

  it("leaves one GetObject data event per download in the trail; the re-pointed URLs, refused unauthenticated, leave none", () => {
    const days = readdirSync(join(root, "cloudtrail"), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith("_customers.json"));
    expect(days).to.have.length(1);
    const { Records } = JSON.parse(readFileSync(join(root, "cloudtrail", days[0]), "utf8"));
    expect(Records.map((r: Record<string, unknown>) => [r.eventSource, r.eventName, r.errorCode, r.requestParameters])).to.deep.equal(
      METERS.map((m) => [
        "s3.amazonaws.com",
        "GetObject",
        undefined,
        { bucketName: "gridrail-local-reports", key: `reports/${m}/20261202.html`, "X-Amz-Expires": "300" },
      ]),
    );
    expect(days[0]).to.equal(
      join(
        ...Records[0].eventTime.slice(0, 10).split("-"),
        `000000000000_CloudTrail_eu-west-1_${Records[0].eventTime.slice(0, 10).replace(/-/g, "")}_customers.json`,
      ),
    );
  });

  it("leaves the profile table's writes in the trail, keys only: claim codes issued, failed claims counted, profiles written, meters linked", () => {
    const files = readdirSync(join(root, "cloudtrail"), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith("_profiles.json"));
    expect(files).to.have.length(1);
    type Written = { eventSource: string; eventName: string; errorCode?: string; requestParameters: { tableName: string; key?: Key; keys?: Key[] } };
    type Key = { customerId: string };
    const { Records } = JSON.parse(readFileSync(join(root, "cloudtrail", files[0]), "utf8")) as { Records: Written[] };
    const keysOf = (r: Written) => r.requestParameters.keys ?? [r.requestParameters.key!];
    // Cognito subs and the hour differ per run: named by their order of appearance
    const subs = [...new Set(Records.flatMap((r) => keysOf(r).map((k) => k.customerId)).filter((id) => /^[0-9a-f-]{36}$/.test(id)))];
    const named = (id: string) => id.replace(/[0-9a-f-]{36}/, (sub) => `sub${subs.indexOf(sub) + 1}`).replace(/#\d{4}-\d\d-\d\dT\d\d$/, "#hour");
    expect(
      Records.map((r) => [r.eventSource, r.eventName, r.errorCode ?? null, r.requestParameters.tableName, ...keysOf(r).map((k) => named(k.customerId))]),
    ).to.deep.equal([
      // an attempt is taken before each code check and given back unless the code failed: a link takes and
      // returns one; another customer's meter costs one (a wrong guess) or takes and returns one (409)
      ["dynamodb.amazonaws.com", "PutItem", null, "local-profiles", "claim#MTR0001"],
      ["dynamodb.amazonaws.com", "PutItem", null, "local-profiles", "claim#MTR0002"],
      ["dynamodb.amazonaws.com", "PutItem", null, "local-profiles", "claim#MTR0003"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "sub1"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "attempts#sub1#hour"],
      ["dynamodb.amazonaws.com", "TransactWriteItems", null, "local-profiles", "claim#MTR0001", "meter#MTR0001", "sub1"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "attempts#sub1#hour"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "attempts#sub2#hour"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "attempts#sub2#hour"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "attempts#sub2#hour"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "sub2"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "attempts#sub2#hour"],
      ["dynamodb.amazonaws.com", "TransactWriteItems", null, "local-profiles", "claim#MTR0002", "meter#MTR0002", "sub2"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "attempts#sub2#hour"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "attempts#sub3#hour"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "attempts#sub3#hour"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "attempts#sub3#hour"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "sub3"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "attempts#sub3#hour"],
      ["dynamodb.amazonaws.com", "TransactWriteItems", null, "local-profiles", "claim#MTR0003", "meter#MTR0003", "sub3"],
      ["dynamodb.amazonaws.com", "UpdateItem", null, "local-profiles", "attempts#sub3#hour"],
    ]);
  });

  it("walks the first meters of the fleet, one customer each", () => {
    expect(SCRIPTED_CUSTOMERS).to.equal(3);
    expect(scriptedMeters(["a", "b", "c", "d"])).to.deep.equal(["a", "b", "c"]);
    expect(scriptedMeters(["a"])).to.deep.equal(["a"]);
  });
});

describe("a scripted customer whose meter has no report for the day", () => {
  it("is told 404 for the day, downloads nothing and is not counted as downloaded", async () => {
    const root = tempDir("gridrail-customers-");
    try {
      mkdirSync(join(root, "reports", "MTR0001"), { recursive: true });
      writeFileSync(join(root, "reports", "MTR0001", "20261201.html"), "<html>the day before</html>");
      const report = await walkCustomers({ root, meterIds: ["MTR0001"], date: DATE });
      expect(report.outcomes[0].steps.slice(-2)).to.deep.equal([
        { step: "GET /reports", status: 200 },
        { step: "GET /reports/{date}", status: 404, error: "no html report for 2026-12-02 yet" },
      ]);
      expect([report.outcomes[0].daysListed, report.outcomes[0].downloadedBytes, report.reportsListed, report.downloaded, report.attempts]).to.deep.equal([
        ["2026-12-01"],
        null,
        0,
        0,
        [],
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
