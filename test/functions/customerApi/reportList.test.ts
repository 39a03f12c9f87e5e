import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { authorize } from "../../../functions/authorizer/authorize";
import { tokenVerifier } from "../../../functions/authorizer/cognitoVerifier";
import { HttpApiEvent, respond } from "../../../functions/profileApi/httpApi";
import { NO_METER } from "../../../functions/reportUrl/callerMeter";
import { ReportLister, nextToken, reportDays, reportListRoute } from "../../../functions/reportUrl/reportList";
import { S3ReportStore, reportsS3Client } from "../../../functions/reportUrl/s3ReportStore";
import { RequestInput, throughGateway } from "../../helpers/httpApiEvents";
import { accessToken, fakeSessions, offlineVerifier } from "./cognitoTokens";
import { MemoryProfileStore } from "../../../functions/profileApi/memoryProfileStore";
import { ANA, BEN } from "./customers";

const CY = "0c1d2e3f-0000-4000-8000-00000000c0c0";
/** Moved into MTR0001's home on 2026-11-20: the 19th is the household before. */
const DOT = "0d1e2f3a-0000-4000-8000-00000000d0d0";
const NOW = new Date("2026-11-22T08:00:00.000Z");
const KEYS: Record<string, string[]> = {
  "reports/MTR0001/": [
    "reports/MTR0001/20261119.html",
    "reports/MTR0001/20261119.json",
    "reports/MTR0001/20261120.json",
    "reports/MTR0001/20261121.html",
    "reports/MTR0001/20261121.json",
    "reports/MTR0001/notes.txt",
  ],
  "reports/MTR0002/": ["reports/MTR0002/20261121.html"],
};

class FakeLister implements ReportLister {
  readonly prefixes: string[] = [];
  async keys(prefix: string) {
    this.prefixes.push(prefix);
    return KEYS[prefix] ?? [];
  }
}

function world() {
  const profiles = new MemoryProfileStore([
    { customerId: ANA, clientId: "MTR0001", version: 1 },
    { customerId: BEN, clientId: "MTR0002", version: 1 },
    { customerId: CY, name: "Cy", email: "cy@example.com", version: 1 },
    { customerId: DOT, clientId: "MTR0001", reportsFrom: "2026-11-20", version: 0 },
  ]);
  const lister = new FakeLister();
  const { verifier } = offlineVerifier();
  const authorizer = (e: Parameters<typeof authorize>[0]) => authorize(e, tokenVerifier(verifier), fakeSessions().sessions, () => undefined);
  const route = (e: HttpApiEvent) =>
    respond(
      e,
      () => undefined,
      () => reportListRoute(e, { profiles, lister, now: () => NOW }),
    );
  return {
    lister,
    async call(sub: string, query: Record<string, string> = {}) {
      const input: RequestInput = {
        method: "GET",
        path: "/reports",
        routeKey: "GET /reports",
        query,
        headers: { authorization: `Bearer ${accessToken(sub)}` },
      };
      const r = await throughGateway(input, authorizer, route);
      return { status: r.statusCode, body: JSON.parse(r.body) };
    },
  };
}

describe("GET /reports", () => {
  it("groups a meter's keys by day, newest first, and ignores other files", () => {
    expect(reportDays("reports/MTR0001/", KEYS["reports/MTR0001/"])).to.deep.equal([
      { date: "2026-11-21", formats: ["html", "json"] },
      { date: "2026-11-20", formats: ["json"] },
      { date: "2026-11-19", formats: ["html", "json"] },
    ]);
  });

  it("lists only the days of the caller's household: none before its first day (an earlier occupant's)", async () => {
    const w = world();
    expect(await w.call(DOT)).to.deep.equal({
      status: 200,
      body: {
        reports: [
          { date: "2026-11-21", formats: ["html", "json"] },
          { date: "2026-11-20", formats: ["json"] },
        ],
      },
    });
  });

  it("lists only the caller's own meter, whatever the query names", async () => {
    const w = world();
    const r = await w.call(BEN, { clientId: "MTR0001" });
    expect(r).to.deep.equal({ status: 200, body: { reports: [{ date: "2026-11-21", formats: ["html"] }] } });
    expect(w.lister.prefixes).to.deep.equal(["reports/MTR0002/"]);
  });

  it("pages with limit and an opaque next token until the last page", async () => {
    const w = world();
    const first = await w.call(ANA, { limit: "2" });
    expect(first).to.deep.equal({
      status: 200,
      body: {
        reports: [
          { date: "2026-11-21", formats: ["html", "json"] },
          { date: "2026-11-20", formats: ["json"] },
        ],
        next: nextToken("2026-11-20"),
      },
    });
    const second = await w.call(ANA, { limit: "2", next: first.body.next as string });
    expect(second).to.deep.equal({ status: 200, body: { reports: [{ date: "2026-11-19", formats: ["html", "json"] }] } });
  });

  const refusals: [string, string, Record<string, string>, number, string][] = [
    ["a caller without a meter", CY, {}, 409, NO_METER],
    ["a caller without a profile", "0d1e2f30-0000-4000-8000-00000000d0d0", {}, 409, NO_METER],
    ["limit 0", ANA, { limit: "0" }, 400, 'limit must be a whole number from 1 to 100, got "0"'],
    ["limit 101", ANA, { limit: "101" }, 400, 'limit must be a whole number from 1 to 100, got "101"'],
    ["limit abc", ANA, { limit: "abc" }, 400, 'limit must be a whole number from 1 to 100, got "abc"'],
    ["a forged next token", ANA, { next: "reports/MTR0002" }, 400, 'next must be the token a previous page returned, got "reports/MTR0002"'],
    [
      "a next token of a day that is not one",
      ANA,
      { next: "eyJiZWZvcmUiOiI5OTk5LTk5LTk5In0" },
      400,
      'next must be the token a previous page returned, got "eyJiZWZvcmUiOiI5OTk5LTk5LTk5In0"',
    ],
  ];
  for (const [label, sub, query, status, error] of refusals) {
    it(`refuses ${label} with ${status}`, async () => {
      const w = world();
      expect(await w.call(sub, query)).to.deep.equal({ status, body: { error } });
      if (status === 400) expect(w.lister.prefixes).to.deep.equal([]);
    });
  }

  it("lists every page of the meter's prefix through the SDK paginator", async () => {
    const s3 = mockClient(S3Client);
    try {
      s3.on(ListObjectsV2Command, { Bucket: "meters-reports-bucket", Prefix: "reports/MTR0001/" })
        .resolvesOnce({
          Contents: [{ Key: "reports/MTR0001/20261120.json" }],
          IsTruncated: true,
          NextContinuationToken: "t1",
        })
        .resolvesOnce({ Contents: [{ Key: "reports/MTR0001/20261121.json" }], IsTruncated: false });
      const store = new S3ReportStore(reportsS3Client({ region: "eu-west-1" }), "meters-reports-bucket");
      expect(await store.keys("reports/MTR0001/")).to.deep.equal(["reports/MTR0001/20261120.json", "reports/MTR0001/20261121.json"]);
      // the paginator reuses one input object, so only the last call's token can be seen
      expect(s3.commandCalls(ListObjectsV2Command).map((c) => [c.args[0].input.Bucket, c.args[0].input.Prefix])).to.deep.equal([
        ["meters-reports-bucket", "reports/MTR0001/"],
        ["meters-reports-bucket", "reports/MTR0001/"],
      ]);
    } finally {
      s3.restore();
    }
  });
});
