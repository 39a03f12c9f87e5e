import { expect } from "chai";
import { mkdirSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { ALGORITHM, amzDate, checkPresignedUrl, presignUrl } from "../../local/customers/presignedUrl";
import { LOCAL_REPORTS_BUCKET, LocalReportBucket } from "../../local/customers/localReportBucket";
import { tempDir } from "../helpers/tempDir";

const SECRET = Buffer.alloc(32, 7);
const SIGNED_AT = new Date("2026-12-03T10:15:00.000Z");
const KEY = "reports/MTR0001/20261202.html";

/** The path and query of a URL the bucket signed. */
const signed = (key = KEY, ttl = 300, at = SIGNED_AT) => {
  const url = new URL(presignUrl(SECRET, "http://127.0.0.1:9", LOCAL_REPORTS_BUCKET, key, ttl, at));
  return `${url.pathname}${url.search}`;
};

describe("local presigned report URLs", () => {
  it("look like S3's: bucket and key in the path, the time fields and signature in the query", () => {
    const url = new URL(presignUrl(SECRET, "http://127.0.0.1:9", LOCAL_REPORTS_BUCKET, KEY, 300, SIGNED_AT));
    expect(url.pathname).to.equal(`/${LOCAL_REPORTS_BUCKET}/${KEY}`);
    expect([...url.searchParams.keys()]).to.deep.equal(["X-Amz-Algorithm", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Signature"]);
    expect([url.searchParams.get("X-Amz-Algorithm"), url.searchParams.get("X-Amz-Date"), url.searchParams.get("X-Amz-Expires")]).to.deep.equal([
      ALGORITHM,
      "20261203T101500Z",
      "300",
    ]);
    expect(amzDate(new Date("2026-01-02T03:04:05.678Z"))).to.equal("20260102T030405Z");
  });

  describe("are checked as S3 checks a presigned GET", () => {
    const at = SIGNED_AT.getTime();
    const cases: [string, string, number, unknown][] = [
      ["a fresh URL names its key", signed(), at + 299_000, { ok: true, key: KEY }],
      ["a key with a space, encoded", signed("reports/MTR 1/20261202.html"), at, { ok: true, key: "reports/MTR 1/20261202.html" }],
      ["the last second has passed", signed(), at + 300_000, { ok: false, status: 403, code: "AccessDenied", message: "Request has expired" }],
      [
        "another key under the same signature",
        signed().replace("MTR0001", "MTR0002"),
        at,
        { ok: false, status: 403, code: "SignatureDoesNotMatch", message: "The request signature we calculated does not match the signature you provided." },
      ],
      [
        "a longer lifetime than signed",
        signed().replace("X-Amz-Expires=300", "X-Amz-Expires=3000"),
        at,
        { ok: false, status: 403, code: "SignatureDoesNotMatch", message: "The request signature we calculated does not match the signature you provided." },
      ],
      [
        "no signature",
        `/${LOCAL_REPORTS_BUCKET}/${KEY}`,
        at,
        { ok: false, status: 403, code: "AccessDenied", message: "Access Denied (the URL is not presigned)" },
      ],
      [
        "a malformed date",
        signed().replace("20261203T101500Z", "2026-12-03"),
        at,
        { ok: false, status: 400, code: "AuthorizationQueryParametersError", message: 'X-Amz-Date must be YYYYMMDDTHHMMSSZ, got "2026-12-03"' },
      ],
      [
        "a lifetime over 7 days",
        signed(KEY, 604801),
        at,
        { ok: false, status: 400, code: "AuthorizationQueryParametersError", message: 'X-Amz-Expires must be 1 to 604800 seconds, got "604801"' },
      ],
      ["a target no URL parser reads", "//[/", at, { ok: false, status: 400, code: "InvalidURI", message: 'the request target "//[/" is not a valid URL' }],
      [
        "another bucket",
        signed().replace(LOCAL_REPORTS_BUCKET, "gridrail-other"),
        at,
        { ok: false, status: 404, code: "NoSuchKey", message: `no object at /gridrail-other/${KEY}` },
      ],
    ];
    for (const [label, pathAndQuery, now, expected] of cases) {
      it(label, () => expect(checkPresignedUrl(SECRET, LOCAL_REPORTS_BUCKET, pathAndQuery, now)).to.deep.equal(expected));
    }
  });
});

describe("local reports bucket", () => {
  let root: string;
  let now = Date.now();
  let bucket: LocalReportBucket;
  const html = "<html>MTR0001 on 2 December</html>";
  before(async () => {
    root = tempDir("gridrail-bucket-");
    mkdirSync(join(root, "reports", "MTR0001"), { recursive: true });
    writeFileSync(join(root, "reports", "MTR0001", "20261202.html"), html);
    writeFileSync(join(root, "reports", "MTR0001", "20261202.json"), "{}");
    mkdirSync(join(root, "reports", "MTR0010"), { recursive: true });
    writeFileSync(join(root, "reports", "MTR0010", "20261202.html"), "other");
    bucket = new LocalReportBucket(root, () => now);
    await bucket.start();
  });
  after(async () => {
    await bucket.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("lists keys under a prefix in key order and knows which exist", async () => {
    expect(await bucket.keys("reports/MTR0001/")).to.deep.equal(["reports/MTR0001/20261202.html", "reports/MTR0001/20261202.json"]);
    expect([await bucket.exists(KEY), await bucket.exists("reports/MTR0001/20261203.html"), await bucket.exists("reports/../secret")]).to.deep.equal([
      true,
      false,
      false,
    ]);
    expect([bucket.size(KEY), bucket.file("meter-lake/x.json")]).to.deep.equal([Buffer.byteLength(html), undefined]);
  });

  it("serves the object's bytes to a URL it presigned", async () => {
    now = Date.now();
    const res = await fetch(await bucket.presign(KEY, 300, new Date(now)));
    expect([res.status, res.headers.get("content-type"), await res.text()]).to.deep.equal([200, "text/html; charset=utf-8", html]);
  });

  it("answers an expired URL, a missing object and a PUT with S3's error codes", async () => {
    now = Date.now();
    const expired = await bucket.presign(KEY, 1, new Date(now - 5000));
    const missing = await bucket.presign("reports/MTR0001/20261203.html", 300, new Date(now));
    const answers = [];
    for (const [url, method] of [
      [expired, "GET"],
      [missing, "GET"],
      [await bucket.presign(KEY, 300, new Date(now)), "PUT"],
    ]) {
      const res = await fetch(url, { method });
      answers.push([res.status, /<Code>(\w+)<\/Code>/.exec(await res.text())?.[1]]);
    }
    expect(answers).to.deep.equal([
      [403, "AccessDenied"],
      [404, "NoSuchKey"],
      [405, "MethodNotAllowed"],
    ]);
  });

  it("escapes the request's own values it quotes in an error", async () => {
    const url = (await bucket.presign(KEY, 300, new Date(Date.now()))).replace(/X-Amz-Date=\w+/, "X-Amz-Date=%3Cb%3E");
    const res = await fetch(url);
    expect([res.status, await res.text()]).to.deep.equal([
      400,
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AuthorizationQueryParametersError</Code><Message>X-Amz-Date must be YYYYMMDDTHHMMSSZ, got "&lt;b&gt;"</Message></Error>',
    ]);
  });

  it("records CloudTrail data events for the GETs it authenticated: served, and refused for a missing key", () => {
    expect(bucket.dataEvents.map((e) => [e.eventName, e.errorCode ?? null, e.requestParameters.key, e.userIdentity.type, e.sourceIPAddress])).to.deep.equal([
      ["GetObject", null, KEY, "AssumedRole", "127.0.0.1"],
      ["GetObject", "NoSuchKey", "reports/MTR0001/20261203.html", "AssumedRole", "127.0.0.1"],
    ]);
  });
});
