import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { HeadObjectCommand, ListObjectsV2Command, NotFound, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { authorize } from "../../../functions/authorizer/authorize";
import { tokenVerifier } from "../../../functions/authorizer/cognitoVerifier";
import { HttpApiEvent, respond } from "../../../functions/profileApi/httpApi";
import { StoredProfile } from "../../../functions/profileApi/profileStore";
import { depsFromEnvironment, handler } from "../../../functions/reportUrl/handler";
import { captureOutput, emfMetrics, lambdaContext, logLines } from "../../helpers/captureOutput";
import { parseReportDate } from "../../../functions/reportUrl/reportDate";
import { NO_METER } from "../../../functions/reportUrl/callerMeter";
import { ReportStore, reportUrlRoute } from "../../../functions/reportUrl/reportRoute";
import { S3ReportStore, reportsS3Client } from "../../../functions/reportUrl/s3ReportStore";
import { RequestInput, httpApiRequest, throughGateway, withAuthorizerContext } from "../../helpers/httpApiEvents";
import { FORGER_KEY, accessClaims, accessToken, fakeSessions, offlineVerifier, signJwt } from "./cognitoTokens";
import { MemoryProfileStore } from "../../../functions/profileApi/memoryProfileStore";
import { ANA, BEN, NEW } from "./customers";

const NOMETER = "0d1e2f3a-0000-4000-8000-00000000d0d0";
const STRANGE = "0e1f2a3b-0000-4000-8000-00000000e0e0";
/** The household after Ben's: moved in on 2026-11-22. */
const GUS = "0f1a2b3c-0000-4000-8000-00000000f0f0";
const ODD = "0a2b3c4d-0000-4000-8000-00000000a0a1";
const NOW = new Date("2026-11-22T08:00:00.000Z");
const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store" };
const SEED: StoredProfile[] = [
  { customerId: ANA, clientId: "MTR0001", name: "Ana", email: "ana@example.com", version: 2 },
  { customerId: BEN, clientId: "MTR0002", name: "Ben", email: "ben@example.com", version: 1 },
  { customerId: NOMETER, name: "Dee", email: "dee@example.com", version: 1 },
  { customerId: STRANGE, clientId: "../MTR0002", version: 0 },
  { customerId: GUS, clientId: "MTR0002", reportsFrom: "2026-11-22", version: 0 },
  { customerId: ODD, clientId: "MTR0002", reportsFrom: "22/11/2026", version: 0 },
];
const EXISTING = ["reports/MTR0001/20261121.html", "reports/MTR0001/20261121.json", "reports/MTR0002/20261121.html"];
const CREDENTIALS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

/** Existence from a list; a fake presigned URL that shows what was signed. */
class FakeReports implements ReportStore {
  readonly heads: string[] = [];
  async exists(key: string) {
    this.heads.push(key);
    return EXISTING.includes(key);
  }
  async presign(key: string, ttl: number, at: Date) {
    return `https://signed.example/${key}?ttl=${ttl}&at=${at.toISOString()}`;
  }
}

function world() {
  const profiles = new MemoryProfileStore(SEED);
  const reports = new FakeReports();
  const logs: Record<string, unknown>[] = [];
  const { verifier } = offlineVerifier();
  const authorizer = (e: Parameters<typeof authorize>[0]) => authorize(e, tokenVerifier(verifier), fakeSessions().sessions, () => undefined);
  const route = (e: HttpApiEvent) =>
    respond(
      e,
      (x) => logs.push(x),
      () => reportUrlRoute(e, { profiles, reports, ttlSeconds: 300, now: () => NOW }),
    );
  return {
    profiles,
    reports,
    logs,
    async call(input: RequestInput) {
      const r = await throughGateway(input, authorizer, route);
      return { status: r.statusCode, headers: { ...r.headers }, body: JSON.parse(r.body) };
    },
  };
}

const request = (sub: string | undefined, date: string, extra: Partial<RequestInput> = {}): RequestInput => ({
  method: "GET",
  path: `/reports/${date}`,
  routeKey: "GET /reports/{date}",
  pathParameters: { date },
  headers: sub ? { authorization: `Bearer ${accessToken(sub)}` } : {},
  ...extra,
});

describe("report URL API", () => {
  describe("report date", () => {
    const valid: [string, object][] = [
      ["2026-11-21", { iso: "2026-11-21", compact: "20261121" }],
      ["20261121", { iso: "2026-11-21", compact: "20261121" }],
      ["2028-02-29", { iso: "2028-02-29", compact: "20280229" }],
    ];
    for (const [raw, expected] of valid) it(`reads ${raw}`, () => expect(parseReportDate(raw)).to.deep.equal(expected));
    const invalid: [string | undefined, string][] = [
      ["2026-02-30", 'date "2026-02-30" is not a calendar day'],
      ["20270229", 'date "20270229" is not a calendar day'],
      ["2026-13-01", 'date "2026-13-01" is not a calendar day'],
      ["2026-1121", 'date must be YYYY-MM-DD or YYYYMMDD, got "2026-1121"'],
      ["2026/11/21", 'date must be YYYY-MM-DD or YYYYMMDD, got "2026/11/21"'],
      ["21-11-2026", 'date must be YYYY-MM-DD or YYYYMMDD, got "21-11-2026"'],
      ["latest", 'date must be YYYY-MM-DD or YYYYMMDD, got "latest"'],
      ["2026-11-21.html", 'date must be YYYY-MM-DD or YYYYMMDD, got "2026-11-21.html"'],
      [undefined, "date must be YYYY-MM-DD or YYYYMMDD, got nothing"],
    ];
    for (const [raw, message] of invalid) it(`refuses ${JSON.stringify(raw)}`, () => expect(() => parseReportDate(raw)).to.throw(message));
  });

  describe("GET /reports/{date} through API Gateway", () => {
    it("presigns the caller's HTML report for the day", async () => {
      const w = world();
      const r = await w.call(request(ANA, "2026-11-21"));
      expect(r).to.deep.equal({
        status: 200,
        headers: JSON_HEADERS,
        body: {
          url: "https://signed.example/reports/MTR0001/20261121.html?ttl=300&at=2026-11-22T08:00:00.000Z",
          expiresAt: "2026-11-22T08:05:00.000Z",
          date: "2026-11-21",
          format: "html",
        },
      });
      expect([w.profiles.calls, w.reports.heads]).to.deep.equal([[`get ${ANA}`], ["reports/MTR0001/20261121.html"]]);
    });

    it("presigns the JSON report for ?format=json and a compact date", async () => {
      const r = await world().call(request(ANA, "20261121", { query: { format: "json" } }));
      expect([r.status, r.body.url, r.body.format, r.body.date]).to.deep.equal([
        200,
        "https://signed.example/reports/MTR0001/20261121.json?ttl=300&at=2026-11-22T08:00:00.000Z",
        "json",
        "2026-11-21",
      ]);
    });

    it("gives another user their own meter's report, whatever the query names", async () => {
      const w = world();
      const r = await w.call(request(BEN, "2026-11-21", { query: { clientId: "MTR0001", customerId: ANA } }));
      expect([r.status, r.body.url]).to.deep.equal([200, "https://signed.example/reports/MTR0002/20261121.html?ttl=300&at=2026-11-22T08:00:00.000Z"]);
      expect(w.reports.heads).to.deep.equal(["reports/MTR0002/20261121.html"]);
    });

    const now = Math.floor(Date.now() / 1000);
    const refused: [string, RequestInput, number, unknown][] = [
      ["no token", request(undefined, "2026-11-21"), 401, { message: "Unauthorized" }],
      [
        "an expired token",
        { ...request(undefined, "2026-11-21"), headers: { authorization: `Bearer ${accessToken(ANA, { exp: now - 5 })}` } },
        403,
        { message: "Forbidden" },
      ],
      [
        "a forged token",
        { ...request(undefined, "2026-11-21"), headers: { authorization: `Bearer ${signJwt(accessClaims(ANA), FORGER_KEY)}` } },
        403,
        { message: "Forbidden" },
      ],
      ["an impossible date", request(ANA, "2026-02-30"), 400, { error: 'date "2026-02-30" is not a calendar day' }],
      ["a malformed date", request(ANA, "yesterday"), 400, { error: 'date must be YYYY-MM-DD or YYYYMMDD, got "yesterday"' }],
      ["an unknown format", request(ANA, "2026-11-21", { query: { format: "pdf" } }), 400, { error: 'format must be "html" or "json", got "pdf"' }],
      ["two formats", request(ANA, "2026-11-21", { query: { format: ["json", "html"] } }), 400, { error: 'format must be "html" or "json", got "json,html"' }],
      ["a day without a report", request(ANA, "2026-11-20"), 404, { error: "no html report for 2026-11-20 yet" }],
      ["a caller without a profile", request(NEW, "2026-11-21"), 409, { error: NO_METER }],
      ["a profile without a meter", request(NOMETER, "2026-11-21"), 409, { error: NO_METER }],
      ["a stored meter id that is not an id", request(STRANGE, "2026-11-21"), 500, { error: "internal error; try again later" }],
      [
        "a day of the household before the caller's (its report exists)",
        request(GUS, "2026-11-21"),
        404,
        { error: "no report for 2026-11-21 of your household: your meter's reports start on 2026-11-22, the first day your supplier recorded for you" },
      ],
      // never read as "every day": that would serve an earlier household's reports
      ["a stored first day that is not a day", request(ODD, "2026-11-21"), 500, { error: "internal error; try again later" }],
    ];
    for (const [label, input, status, body] of refused) {
      it(`answers ${status} for ${label}`, async () => {
        const w = world();
        const r = await w.call(input);
        expect([r.status, r.body]).to.deep.equal([status, body]);
        if (status !== 200) expect(w.reports.heads.filter((k) => EXISTING.includes(k))).to.deep.equal([]);
      });
    }

    it("logs why a stored meter id was refused", async () => {
      const w = world();
      await w.call(request(STRANGE, "2026-11-21", { requestId: "req-strange" }));
      expect(w.logs).to.deep.equal([
        {
          level: "ERROR",
          message: "failed",
          requestId: "req-strange",
          routeKey: "GET /reports/{date}",
          error: `Error: the stored meter id "../MTR0002" of customer "${STRANGE}" is not a valid client id`,
        },
      ]);
    });
  });

  describe("S3ReportStore", () => {
    let s3: AwsClientStub<S3Client>;
    const client = reportsS3Client({ region: "eu-west-1", credentials: CREDENTIALS });
    const store = new S3ReportStore(client, "meters-reports-bucket");
    before(() => {
      s3 = mockClient(S3Client);
    });
    beforeEach(() => s3.reset());
    after(() => s3.restore());

    it("heads the object in the reports bucket", async () => {
      s3.on(HeadObjectCommand).resolves({ ContentLength: 2048 });
      expect(await store.exists("reports/MTR0001/20261121.html")).to.equal(true);
      expect(s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input)).to.deep.equal([
        { Bucket: "meters-reports-bucket", Key: "reports/MTR0001/20261121.html" },
      ]);
    });

    it("answers false for 404 Not Found", async () => {
      s3.on(HeadObjectCommand).rejects(new NotFound({ message: "UnknownError", $metadata: { httpStatusCode: 404 } }));
      expect(await store.exists("reports/MTR0001/20261120.html")).to.equal(false);
    });

    it("lets 403 through (a missing ListBucket grant must not look like a missing report)", async () => {
      s3.on(HeadObjectCommand).rejects(
        new S3ServiceException({ name: "Forbidden", $fault: "client", message: "Forbidden", $metadata: { httpStatusCode: 403 } }),
      );
      let name = "";
      try {
        await store.exists("reports/MTR0001/20261120.html");
      } catch (e) {
        name = (e as Error).name;
      }
      expect(name).to.equal("Forbidden");
    });

    it("presigns a GetObject of exactly that bucket and key, valid for the TTL", async () => {
      const url = new URL(await store.presign("reports/MTR0001/20261121.json", 300, NOW));
      expect([url.protocol, url.host, url.pathname]).to.deep.equal([
        "https:",
        "meters-reports-bucket.s3.eu-west-1.amazonaws.com",
        "/reports/MTR0001/20261121.json",
      ]);
      const q = Object.fromEntries(url.searchParams);
      expect(q["X-Amz-Signature"]).to.match(/^[0-9a-f]{64}$/);
      delete q["X-Amz-Signature"];
      expect(q).to.deep.equal({
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD",
        "X-Amz-Credential": "AKIAIOSFODNN7EXAMPLE/20261122/eu-west-1/s3/aws4_request",
        "X-Amz-Date": "20261122T080000Z",
        "X-Amz-Expires": "300",
        "X-Amz-SignedHeaders": "host",
        "x-id": "GetObject",
      });
      expect(s3.calls()).to.have.length(0);
    });
  });

  describe("Lambda handler", () => {
    const ENV = { PROFILE_TABLE: "customers-profiles", REPORTS_BUCKET: "meters-reports-bucket", URL_TTL_SECONDS: "300" };
    const saved: Record<string, string | undefined> = {};
    let ddb: AwsClientStub<DynamoDBClient>;
    let s3: AwsClientStub<S3Client>;
    before(() => {
      ddb = mockClient(DynamoDBClient);
      s3 = mockClient(S3Client);
      const env = {
        ...ENV,
        AWS_REGION: "eu-west-1",
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_SESSION_TOKEN: "",
      };
      for (const [k, v] of Object.entries(env)) {
        saved[k] = process.env[k];
        if (v === "") delete process.env[k];
        else process.env[k] = v;
      }
    });
    after(() => {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      ddb.restore();
      s3.restore();
    });

    const envCases: [Record<string, string>, string][] = [
      [{}, "environment variables PROFILE_TABLE, REPORTS_BUCKET, URL_TTL_SECONDS must be set"],
      [{ PROFILE_TABLE: "t", REPORTS_BUCKET: "b" }, "environment variable URL_TTL_SECONDS must be set"],
      [{ ...ENV, URL_TTL_SECONDS: "5m" }, 'environment variable URL_TTL_SECONDS must be a whole number of seconds from 1 to 604800, got "5m"'],
      [{ ...ENV, URL_TTL_SECONDS: "604801" }, 'environment variable URL_TTL_SECONDS must be a whole number of seconds from 1 to 604800, got "604801"'],
    ];
    for (const [env, message] of envCases) {
      it(`fails fast: ${message}`, () => expect(() => depsFromEnvironment(env)).to.throw(message));
    }

    it("logs a store failure at ERROR with the request ids and the customer, answers 500 and counts it", async () => {
      ddb.on(GetItemCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
      const event = withAuthorizerContext(
        httpApiRequest({ method: "GET", path: "/reports/2026-11-21", routeKey: "GET /reports/{date}", pathParameters: { date: "2026-11-21" } }),
        { customerId: ANA, tokenExpiresAt: Math.floor(Date.now() / 1000) + 60 },
      );
      const { result, lines } = await captureOutput(() => handler(event, lambdaContext("req-ru-2")));

      expect(result!.statusCode).to.equal(500);
      const [line] = logLines(lines, "failed");
      expect([line.level, line.service, line.function_request_id, line.apiRequestId, line.customerId, line.error]).to.deep.equal([
        "ERROR",
        "reportUrl",
        "req-ru-2",
        event.requestContext.requestId,
        ANA,
        "ThrottlingException: Rate exceeded",
      ]);
      expect(emfMetrics(lines)).to.deep.equal([{ namespace: "gridrail", dimensions: [["service"]], service: "reportUrl", Responses5xx: 1 }]);
      ddb.reset();
    });

    it("looks up the caller's meter in PROFILE_TABLE, heads and presigns in REPORTS_BUCKET", async () => {
      ddb.on(GetItemCommand).resolves({ Item: { customerId: { S: ANA }, clientId: { S: "MTR0001" }, version: { N: "2" } } });
      s3.on(HeadObjectCommand).resolves({});
      const event = withAuthorizerContext(
        httpApiRequest({ method: "GET", path: "/reports/2026-11-21", routeKey: "GET /reports/{date}", pathParameters: { date: "2026-11-21" } }),
        { customerId: ANA, tokenExpiresAt: Math.floor(Date.now() / 1000) + 60 },
      );
      const { result, lines } = await captureOutput(() => handler(event, lambdaContext("req-ru-1")));
      const r = result!;
      expect(logLines(lines)).to.deep.equal([]);
      expect(emfMetrics(lines)).to.deep.equal([{ namespace: "gridrail", dimensions: [["service"]], service: "reportUrl", Responses2xx: 1 }]);
      const body = JSON.parse(r.body);
      const url = new URL(body.url);
      expect([r.statusCode, url.host, url.pathname, url.searchParams.get("X-Amz-Expires"), body.format]).to.deep.equal([
        200,
        "meters-reports-bucket.s3.eu-west-1.amazonaws.com",
        "/reports/MTR0001/20261121.html",
        "300",
        "html",
      ]);
      expect(ddb.commandCalls(GetItemCommand).map((c) => c.args[0].input)).to.deep.equal([
        { TableName: "customers-profiles", Key: { customerId: { S: ANA } }, ConsistentRead: true },
      ]);
      expect(s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input)).to.deep.equal([
        { Bucket: "meters-reports-bucket", Key: "reports/MTR0001/20261121.html" },
      ]);
    });

    it("serves GET /reports from the same function: lists the caller's meter prefix in REPORTS_BUCKET", async () => {
      ddb.on(GetItemCommand).resolves({ Item: { customerId: { S: ANA }, clientId: { S: "MTR0001" }, version: { N: "2" } } });
      s3.resetHistory();
      s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: "reports/MTR0001/20261120.json" }, { Key: "reports/MTR0001/20261121.html" }] });
      const event = withAuthorizerContext(httpApiRequest({ method: "GET", path: "/reports", routeKey: "GET /reports" }), {
        customerId: ANA,
        tokenExpiresAt: Math.floor(Date.now() / 1000) + 60,
      });
      const r = (await captureOutput(() => handler(event, lambdaContext("req-ru-3")))).result!;
      expect([r.statusCode, JSON.parse(r.body)]).to.deep.equal([
        200,
        {
          reports: [
            { date: "2026-11-21", formats: ["html"] },
            { date: "2026-11-20", formats: ["json"] },
          ],
        },
      ]);
      expect(s3.commandCalls(ListObjectsV2Command).map((c) => [c.args[0].input.Bucket, c.args[0].input.Prefix])).to.deep.equal([
        ["meters-reports-bucket", "reports/MTR0001/"],
      ]);
    });
  });
});
