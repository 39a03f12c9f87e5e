import { randomBytes } from "crypto";
import { DEFAULT_CLAIM_TTL_HOURS, IssuedClaim, issueClaim } from "../../functions/meterClaim/claimAdmin";
import { addDays, parseDay } from "../../functions/dailyAnalysis/reportDay";
import { reportKey } from "../../functions/reportUrl/reportRoute";
import { CustomerTables, LOCAL_PROFILE_TABLE } from "./customerTables";
import { CrossAttempt, CustomerOutcome, CustomersReport, WalkStep, customersReport } from "./customersReport";
import { ApiAnswer, LocalCustomerApi } from "./localCustomerApi";
import { writeTrail } from "./dataEvents";
import { LOCAL_REPORTS_BUCKET, LocalReportBucket } from "./localReportBucket";
import { LocalUserPool, UserPoolError } from "./localUserPool";

/** What a report's page says of the household's first day (reportHtml.ts), when it leaves earlier days out. */
const SINCE_ON_PAGE = /days before (\d{4}-\d{2}-\d{2}), your household&#39;s first day, are not compared/;

/** Scripted customers in a run: the first meters of the fleet, one each. */
export const SCRIPTED_CUSTOMERS = 3;

export function scriptedMeters(clientIds: readonly string[], count = SCRIPTED_CUSTOMERS): string[] {
  return clientIds.slice(0, count);
}

export interface CustomerWalkOptions {
  /** The folder holding the daily analysis' `reports/`. */
  readonly root: string;
  /** One meter per scripted customer, in order; customer k+1 tries customer k's meter and report. */
  readonly meterIds: readonly string[];
  /** The analysed day, YYYY-MM-DD: the report each customer lists and downloads. */
  readonly date: string;
  /** Write the report downloads and the profile-table writes to `<root>/cloudtrail/` for the daily summary. Default false. */
  readonly trail?: boolean;
  /** The profile table with the meters' codes already issued (`issueHouseholdCodes`). Default: the walk issues them. */
  readonly households?: ScriptedHouseholds;
}

/** The local profile table and the claim code issued for each scripted meter, in order. */
export interface ScriptedHouseholds {
  readonly tables: CustomerTables;
  readonly claims: readonly IssuedClaim[];
}

/** The scripted customer whose household moved in lately (customer-2), and how many days before the analysed day. */
export const NEW_HOUSEHOLD = 1;
export const MOVED_IN_DAYS_AGO = 2;

/**
 * The supplier's operator issues the claim code that comes with each meter. The households have lived there since
 * before the meters' history (their first day 30 days before the analysed day), but for customer-2's, which moved
 * in MOVED_IN_DAYS_AGO days before it and whose code is issued after the move, back-dated to that day: the
 * analysis compares its days only with its own, and recomputes those it reported before.
 */
export async function issueHouseholdCodes(meterIds: readonly string[], date: string, tables = new CustomerTables()): Promise<ScriptedHouseholds> {
  const claims: IssuedClaim[] = [];
  for (const [i, meterId] of meterIds.entries()) {
    const from = addDays(parseDay(date), -(i === NEW_HOUSEHOLD ? MOVED_IN_DAYS_AGO : 30)).iso;
    claims.push(await issueClaim(tables.operatorClient(), LOCAL_PROFILE_TABLE, meterId, DEFAULT_CLAIM_TTL_HOURS, new Date(), undefined, from));
  }
  return { tables, claims };
}

interface Customer {
  readonly name: string;
  readonly meterId: string;
  readonly claim: IssuedClaim;
  readonly steps: WalkStep[];
  sub?: string;
  token?: string;
  /** The presigned URL of the customer's own report, once issued. */
  url?: string;
}

const answerText = (a: ApiAnswer) => {
  const body = a.body as { error?: unknown; message?: unknown } | null;
  const text = String(body?.error ?? body?.message ?? "");
  return a.denied ? `${text} (authorizer: ${a.denied})` : text;
};

/**
 * The customer journey, scripted: each customer signs up and signs in with the local user pool, fills in its
 * profile (`PUT /profile`), links its meter (`POST /profile/meter`) with the claim code the operator issued
 * (`issueClaim`), reads its profile, lists its reports, asks for the analysed day's report URL and downloads
 * the object behind it from the local bucket. Before linking its own meter, each customer after the first
 * tries the previous one's meter (its used code; its id with another code), its report day and a token forged
 * with its `sub`; after linking, its meter again and its report object through a URL re-pointed from its own.
 * Every refusal is the status the handler, API Gateway or the bucket answers.
 */
export async function walkCustomers(o: CustomerWalkOptions): Promise<CustomersReport> {
  const pool = new LocalUserPool();
  const bucket = new LocalReportBucket(o.root);
  const { tables, claims } = o.households ?? (await issueHouseholdCodes(o.meterIds, o.date));
  if (claims.some((claim, i) => claim.meterId !== o.meterIds[i])) throw new Error("the households' claims must be issued for the walk's meters, in order");
  const api = new LocalCustomerApi({ verifier: pool.verifier(), sessions: pool.sessions(), tables, reports: bucket });
  await pool.start();
  try {
    await bucket.start();
    const customers: Customer[] = o.meterIds.map((meterId, i) => ({ name: `customer-${i + 1}`, meterId, claim: claims[i], steps: [] }));
    const outcomes: CustomerOutcome[] = [];
    const attempts: CrossAttempt[] = [];
    for (const [i, c] of customers.entries()) {
      const victim = i > 0 ? customers[i - 1] : undefined;
      signUpAndIn(pool, c);
      const call = (method: string, path: string, body?: unknown) => api.request({ method, path, authorization: c.token && `Bearer ${c.token}`, body });
      const attempt = async (attempt: string, answer: Promise<{ status: number; answer: string }>) =>
        attempts.push({ by: c.name, target: victim!.name, attempt, ...(await answer) });
      const viaApi = async (p: Promise<ApiAnswer>) => {
        const a = await p;
        return { status: a.status, answer: answerText(a) };
      };
      if (victim) {
        await attempt(
          "claim its meter with its used code",
          viaApi(call("POST", "/profile/meter", { meterId: victim.meterId, claimCode: victim.claim.claimCode })),
        );
        await attempt("claim its meter with another code", viaApi(call("POST", "/profile/meter", { meterId: victim.meterId, claimCode: c.claim.claimCode })));
        await attempt("GET its report day without a meter", viaApi(call("GET", `/reports/${o.date}`)));
        await attempt("GET /reports with a token forged with its sub", viaApi(forged(api, pool, victim.sub!)));
      }
      await step(c, "PUT /profile", call("PUT", "/profile", { name: `Customer ${i + 1}`, email: `${c.name}@example.com` }));
      const link = await step(c, "POST /profile/meter", call("POST", "/profile/meter", { meterId: c.meterId, claimCode: c.claim.claimCode }));
      const profile = await step(c, "GET /profile", call("GET", "/profile"));
      const profileMeter = profile.status === 200 ? ((profile.body as { clientId: string | null }).clientId ?? null) : null;
      const list = await step(c, "GET /reports", call("GET", "/reports"));
      const daysListed = list.status === 200 ? (list.body as { reports: { date: string }[] }).reports.map((d) => d.date) : [];
      const url = await step(c, "GET /reports/{date}", call("GET", `/reports/${o.date}`));
      c.url = url.status === 200 ? (url.body as { url: string }).url : undefined;
      const objectBytes = bucket.size(reportKey(c.meterId, o.date.replace(/-/g, ""), "html")) ?? null;
      let downloadedBytes: number | null = null;
      let comparedSince: string | null = null;
      if (c.url) {
        const res = await fetch(c.url);
        const bytes = Buffer.from(await res.arrayBuffer());
        c.steps.push({ step: "download", status: res.status, ...(res.ok ? {} : { error: bytes.toString("utf8") }) });
        if (res.ok) downloadedBytes = bytes.length;
        if (res.ok) comparedSince = SINCE_ON_PAGE.exec(bytes.toString("utf8"))?.[1] ?? null;
      }
      if (victim && link.status === 200) {
        await attempt(
          "claim its meter after linking its own",
          viaApi(call("POST", "/profile/meter", { meterId: victim.meterId, claimCode: victim.claim.claimCode })),
        );
        if (c.url) await attempt("download its report with a URL re-pointed from its own", repointed(c.url, c.meterId, victim.meterId));
      }
      outcomes.push({ customer: c.name, meterId: c.meterId, steps: c.steps, profileMeter, daysListed, downloadedBytes, objectBytes, comparedSince });
    }
    if (o.trail) {
      writeTrail(o.root, bucket.dataEvents);
      writeTrail(o.root, tables.dataEvents, "profiles");
    }
    return customersReport(o.date, outcomes, attempts);
  } finally {
    await bucket.close();
    await pool.close();
  }
}

function signUpAndIn(pool: LocalUserPool, c: Customer): void {
  const username = `${c.name}@example.com`;
  // a fresh strong password per run: upper, lower, digits and a symbol, as the pool's policy asks
  const password = `Gr1d-${randomBytes(9).toString("base64url")}aZ9!`;
  for (const [name, act] of [
    ["sign up", () => (c.sub = pool.signUp(username, password))],
    ["sign in", () => (c.token = pool.signIn(username, password).accessToken)],
  ] as const) {
    try {
      act();
      c.steps.push({ step: name, status: 200 });
    } catch (e) {
      if (!(e instanceof UserPoolError)) throw e;
      c.steps.push({ step: name, status: 400, error: `${e.name}: ${e.message}` });
    }
  }
}

async function step(c: Customer, name: string, answer: Promise<ApiAnswer>): Promise<ApiAnswer> {
  const a = await answer;
  c.steps.push({ step: name, status: a.status, ...(a.status >= 400 ? { error: answerText(a) } : {}) });
  return a;
}

/** A token with the victim's `sub` and the pool's claims, signed by a key of the same kid that is not the pool's. */
function forged(api: LocalCustomerApi, pool: LocalUserPool, victimSub: string): Promise<ApiAnswer> {
  const forger = new LocalUserPool(pool.poolId, pool.clientId, pool.keyId);
  const now = Math.floor(Date.now() / 1000);
  const token = forger.sign({
    sub: victimSub,
    iss: pool.issuer,
    client_id: pool.clientId,
    token_use: "access",
    scope: "aws.cognito.signin.user.admin",
    iat: now,
    exp: now + 3600,
  });
  return api.request({ method: "GET", path: "/reports", authorization: `Bearer ${token}` });
}

/** The caller's own presigned URL with its meter swapped for the victim's in the object path. */
async function repointed(url: string, ownMeter: string, victimMeter: string): Promise<{ status: number; answer: string }> {
  const target = url.replace(
    `/${LOCAL_REPORTS_BUCKET}/reports/${encodeURIComponent(ownMeter)}/`,
    `/${LOCAL_REPORTS_BUCKET}/reports/${encodeURIComponent(victimMeter)}/`,
  );
  const res = await fetch(target);
  const text = await res.text();
  return { status: res.status, answer: /<Code>(\w+)<\/Code>/.exec(text)?.[1] ?? text.slice(0, 80) };
}
