/** One step of a customer's walk: the status the pool, the API or the bucket answered, and its error if any. */
export interface WalkStep {
  readonly step: string;
  readonly status: number;
  readonly error?: string;
}

export interface CustomerOutcome {
  readonly customer: string;
  readonly meterId: string;
  readonly steps: readonly WalkStep[];
  /** The meter `GET /profile` showed after the link (null: none). */
  readonly profileMeter: string | null;
  /** The report days `GET /reports` listed, newest first. */
  readonly daysListed: readonly string[];
  /** Bytes the presigned URL gave, and the report object's size in the bucket (null: not reached). */
  readonly downloadedBytes: number | null;
  readonly objectBytes: number | null;
  /** The first day the downloaded page says its comparisons start on (the household's), or null when it says none. */
  readonly comparedSince: string | null;
}

/** One customer's attempt on another's meter or report. */
export interface CrossAttempt {
  readonly by: string;
  readonly target: string;
  readonly attempt: string;
  readonly status: number;
  /** The handler's (or API Gateway's, or the bucket's) reason. */
  readonly answer: string;
}

/** The `customers` section of the run report. */
export interface CustomersReport {
  readonly date: string;
  readonly customers: number;
  readonly signedUp: number;
  readonly linked: number;
  /** Customers whose `GET /reports` listed the analysed day. */
  readonly reportsListed: number;
  /** Customers who downloaded their report through the presigned URL with exactly the object's bytes. */
  readonly downloaded: number;
  readonly crossCustomer: { readonly attempts: number; readonly refused: number; readonly succeeded: number };
  readonly attempts: readonly CrossAttempt[];
  readonly outcomes: readonly CustomerOutcome[];
}

/** The report's numbers from the walk's outcomes. */
export function customersReport(date: string, outcomes: readonly CustomerOutcome[], attempts: readonly CrossAttempt[]): CustomersReport {
  const ok = (o: CustomerOutcome, step: string) => o.steps.some((s) => s.step === step && s.status === 200);
  const succeeded = attempts.filter((a) => a.status >= 200 && a.status < 300).length;
  return {
    date,
    customers: outcomes.length,
    signedUp: outcomes.filter((o) => ok(o, "sign up") && ok(o, "sign in")).length,
    linked: outcomes.filter((o) => ok(o, "POST /profile/meter") && o.profileMeter === o.meterId).length,
    reportsListed: outcomes.filter((o) => o.daysListed.includes(date)).length,
    downloaded: outcomes.filter((o) => ok(o, "download") && o.downloadedBytes !== null && o.downloadedBytes === o.objectBytes).length,
    crossCustomer: { attempts: attempts.length, refused: attempts.length - succeeded, succeeded },
    attempts,
    outcomes,
  };
}

/** The run summary's line. */
export function customersLine(r: CustomersReport): string {
  const bytes = r.outcomes.map((o) => o.downloadedBytes).filter((b): b is number => b !== null);
  return (
    `customers ${r.date}: ${r.signedUp} of ${r.customers} signed up, ${r.linked} linked their meter, ${r.reportsListed} listed their report, ` +
    `${r.downloaded} downloaded it (${bytes.length ? bytes.join(", ") : "no"} bytes, matching the objects); ` +
    `cross-customer: ${r.crossCustomer.attempts} attempts, ${r.crossCustomer.refused} refused, ${r.crossCustomer.succeeded} succeeded` +
    r.outcomes
      .filter((o) => o.comparedSince !== null)
      .map((o) => `; ${o.customer}'s report compares only with its household's days, from ${o.comparedSince}`)
      .join("")
  );
}
