import { CarriedStore } from "./carriedReadings";
import { reportClientDay, reviseDay, supplierDays, warnCorrupt } from "./clientDay";
import { LATE_DAYS, Revision } from "./lateReadings";
import { clientLake, clientReports, Lake, once, OutOfTimeError, partitionKeys, Reports, TooManyObjectsError } from "./ports";
import { addDays, DAY_MS, inShard, ReportDay, Shard } from "./reportDay";
import { checkFirstDay, Households, NO_HOUSEHOLDS } from "./households";

export type { Lake, Reports } from "./ports";

export interface RunSummary {
  readonly date: string;
  readonly clients: number;
  readonly reportsWritten: number;
  readonly rejectedLines: number;
  readonly unusualHalfHours: number;
  /**
   * Earlier days' reports rewritten with readings that arrived late, in the run's day's partition, or with the
   * household's first day they were made without (households.ts).
   */
  readonly reportsRevised: number;
  /** Of those, the ones rewritten only for the household's first day they were made without. */
  readonly householdRevisions: number;
  /** Readings in the day's partition of days more than LATE_DAYS earlier: counted, not revised. */
  readonly readingsTooLate: number;
  readonly failed: readonly { readonly clientId: string; readonly error: string }[];
  /** Top-level lake prefixes that are not client ids (and not the reserved ones), skipped. */
  readonly skippedPrefixes: readonly string[];
}

export const RESERVED_PREFIXES = ["processed", "quarantine", "errors", "reports"];
export const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The client of a supplier file `processed/{YYYYMMDD}/{ClientID}.jsonl` in `shard`, or undefined for any other key. */
function supplierClientOf(key: string, shard: Shard): string | undefined {
  const m = /^processed\/\d{8}\/([^/]+)\.jsonl$/.exec(key);
  return m && CLIENT_ID.test(m[1]) && inShard(m[1], shard) ? m[1] : undefined;
}

/**
 * The days before `day` whose reports have not read a supplier file written on `day` (UTC): the files
 * (`processed/{YYYYMMDD}/{ClientID}.jsonl`) of the LATE_DAYS days before `day` and of `day` itself, each for the
 * days it can hold readings of (the day it is named for and its neighbours, `supplierDays`) that are before
 * `day`, whose run reads them anyway. A run made after the file was written read it too: its revision is skipped.
 */
async function supplierFilesOfDay(lake: Lake, day: ReportDay, shard: Shard): Promise<{ clientId: string; day: ReportDay; modifiedMs: number }[]> {
  const out: { clientId: string; day: ReportDay; modifiedMs: number }[] = [];
  for (let k = LATE_DAYS; k >= 0; k--) {
    const named = addDays(day, -k);
    for (const { key, modifiedMs } of await lake.listModified(`processed/${named.compact}/`)) {
      const clientId = supplierClientOf(key, shard);
      const writtenOnDay = modifiedMs >= day.startMs && modifiedMs < day.startMs + DAY_MS;
      if (!clientId || !writtenOnDay) continue;
      // before the run's own day, and no further back than any late reading revises (LATE_DAYS)
      for (const read of supplierDays(named)) {
        if (read.startMs < day.startMs && read.startMs >= day.startMs - LATE_DAYS * DAY_MS) out.push({ clientId, day: read, modifiedMs });
      }
    }
  }
  return out;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** A revision is not started with less of the invocation left than this, and stops reading with less than REVISION_STOP_MS. */
export const REVISION_RESERVE_MS = 60_000;
export const REVISION_STOP_MS = 20_000;

/**
 * Lake listings and clients in flight at once. A client's day is some 67 S3 requests, one after another (one
 * object a reading: its day's partition, the next day's, 14 reports), so the run waits on S3 more than it
 * computes: with 32 in flight, on a whole vCPU, its CPU and its S3 requests are about equally busy
 * (`npm run bench:analysis`), within the SDK's 50 sockets.
 */
export const ANALYSIS_CONCURRENCY = 32;

export interface AnalyseOptions {
  /** The invocation's time left, ms (Lambda's getRemainingTimeInMillis); revisions stop REVISION_RESERVE_MS before the end. */
  readonly remainingMs?: () => number;
  readonly now?: () => Date;
  /** Lake listings and clients in flight at once. Default ANALYSIS_CONCURRENCY. */
  readonly concurrency?: number;
  /** Only the clients of this shard (see `inShard`). Default: all. */
  readonly shard?: Shard;
  readonly log?: (entry: object) => void;
  /** Readings before the day kept for the clients' revisions, at most (carriedReadings.ts). Default MAX_CARRIED_READINGS. */
  readonly maxCarriedReadings?: number;
  /** Each meter's current household's first day (households.ts): no report compares across it. Default NO_HOUSEHOLDS. */
  readonly households?: Households;
}

/**
 * The daily run: every client with data for the day (real-time lake objects `{ClientID}/{YYYYMMDD}/...`
 * and/or the parsed supplier file `processed/{YYYYMMDD}/{ClientID}.jsonl`) gets
 * `reports/{ClientID}/{YYYYMMDD}.json` and `.html`. The lake is partitioned by the day a reading arrived, and a
 * meter sends a half-hour's reading when it ends, so the day's last half-hour lands in the next day's
 * partition: for every client, the readings of the next day's partition that start within the day are read too (the rest of that partition, refused lines included, is the next day's
 * report's). Readings of earlier days in the day's partition arrived late and revise those days' reports
 * (lateReadings.ts). One client's failure never stops the others; the run summary names every failure.
 * Re-running a day overwrites the same keys with the same content (but `generatedAt`).
 */
export async function analyseDay(lake: Lake, reports: Reports, day: ReportDay, options: AnalyseOptions = {}): Promise<RunSummary> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const shard = options.shard ?? { index: 0, count: 1 };
  const concurrency = options.concurrency ?? ANALYSIS_CONCURRENCY;
  const households = options.households ?? NO_HOUSEHOLDS;
  // each client's households read once a run (its day and its revisions); a bad stored day is ignored, and said
  const householdsOf = new Map<string, Promise<string[]>>();
  // a failed read fails this client's day; its revisions read again
  const firstDays = (clientId: string) =>
    once(householdsOf, clientId, async () =>
      (await households.firstDays(clientId)).flatMap((value) => {
        const { day: first, error } = checkFirstDay(value);
        if (error) log({ level: "WARN", message: "household first day ignored", clientId, error });
        return first === undefined ? [] : [first];
      }),
    );
  const realtime = new Map<string, string[]>();
  const skippedPrefixes: string[] = [];
  const prefixes: string[] = [];
  for (const prefix of await lake.topLevelPrefixes()) {
    if (RESERVED_PREFIXES.includes(prefix)) continue;
    if (!CLIENT_ID.test(prefix)) skippedPrefixes.push(prefix);
    else if (inShard(prefix, shard)) prefixes.push(prefix);
  }
  const failed: { clientId: string; error: string }[] = [];
  const clientFailed = (clientId: string, error: string) => {
    failed.push({ clientId, error });
    log({ level: "ERROR", message: "client failed", clientId, error });
  };
  // a client whose day's partition is flooded fails alone, and is left out of the run
  const flooded = new Set<string>();
  // one listing per client prefix: in parallel, and only this shard's
  await pool(prefixes, concurrency, async (prefix) => {
    try {
      const keys = await partitionKeys(lake, `${prefix}/${day.compact}/`);
      if (keys.length) realtime.set(prefix, keys);
    } catch (err) {
      if (!(err instanceof TooManyObjectsError)) throw err;
      flooded.add(prefix);
      clientFailed(prefix, err.message);
    }
  });
  // the supplier files of the day before, the day and the day after: each can hold readings of the day
  const supplier = new Map<string, string[]>();
  const ownSupplier = new Set<string>();
  for (const d of supplierDays(day)) {
    for (const key of await lake.list(`processed/${d.compact}/`)) {
      const clientId = supplierClientOf(key, shard);
      if (!clientId) continue;
      supplier.set(clientId, [...(supplier.get(clientId) ?? []), key]);
      if (d === day) ownSupplier.add(clientId);
    }
  }
  const clients = [...new Set([...realtime.keys(), ...ownSupplier])].filter((c) => !flooded.has(c)).sort();
  // the flooded ones too: they have data for the day, and failed
  const withData = clients.length + flooded.size;
  log({ message: "daily analysis started", date: day.iso, shard: `${shard.index + 1}/${shard.count}`, clients: withData, skippedPrefixes });

  let written = 0;
  let done = 0;
  let revised = 0;
  let householdRevised = 0;
  let rejectedLines = 0;
  let unusualHalfHours = 0;
  let readingsTooLate = 0;
  // a run after the day's scheduled one (by hand) keeps the late partitions its report already reads
  const rerun = (at: Date) => at.getTime() >= day.startMs + 2 * DAY_MS;
  // first every client's report of the day, then the revisions: a client with much late data delays no one's day
  // kept between the phases: what to revise, and of the day's objects only their readings of earlier days
  // (carriedReadings.ts, within a budget); a client's cache is built again for its revisions
  const pending = new Map<string, Revision[]>();
  const carried = new CarriedStore(options.maxCarriedReadings);
  await pool(clients, concurrency, async (clientId) => {
    // the client's reads go through a cache for its day
    const views = { lake: clientLake(lake), reports: clientReports(reports, warnCorrupt(log, clientId)) };
    try {
      const keys = realtime.get(clientId) ?? [];
      const c = { clientId, day, keys, supplierKeys: supplier.get(clientId) ?? [], rerun: rerun(now()), firstDays: await firstDays(clientId) };
      const { report, late, before } = await reportClientDay(views.lake, views.reports, c, now, log);
      carried.keep(clientId, before);
      written++;
      rejectedLines += report.sources.rejectedLines;
      unusualHalfHours += report.unusual.length;
      if (report.sources.rejectedLines > 0) {
        log({ level: "WARN", message: "readings refused", clientId, count: report.sources.rejectedLines, first: report.rejected.slice(0, 3) });
      }
      if (late.tooLate > 0) {
        readingsTooLate += late.tooLate;
        log({ level: "WARN", message: "readings too late to revise their day", clientId, count: late.tooLate, lateDays: LATE_DAYS });
      }
      if (late.revisions.length > 0) pending.set(clientId, [...late.revisions]);
    } catch (err) {
      clientFailed(clientId, (err as Error).message);
    }
    if (++done % 100 === 0) log({ message: "progress", done, of: clients.length });
  });
  // supplier files parsed on the run's day for an earlier day: that day's report has not read them
  const supplierLate = await supplierFilesOfDay(lake, day, shard).catch((err: Error) => {
    failed.push({ clientId: "*", error: `listing the supplier files of the ${LATE_DAYS} days before: ${err.message}` });
    log({ level: "ERROR", message: "supplier files of earlier days not listed", error: err.message });
    return [];
  });
  for (const { clientId, day: earlier, modifiedMs } of supplierLate) {
    const revisions = pending.get(clientId) ?? [];
    const same = revisions.findIndex((r) => r.day.iso === earlier.iso);
    if (same < 0) revisions.push({ day: earlier, latePartitions: [], unlessMadeAfterMs: modifiedMs });
    // two files for one day: a report made after the later one read both
    else if (revisions[same].unlessMadeAfterMs !== undefined && revisions[same].unlessMadeAfterMs! < modifiedMs)
      revisions[same] = { ...revisions[same], unlessMadeAfterMs: modifiedMs };
    pending.set(
      clientId,
      revisions.sort((a, b) => a.day.startMs - b.day.startMs),
    );
  }
  const remainingMs = options.remainingMs ?? (() => Infinity);
  await pool([...pending], concurrency, async ([clientId, revisions]) => {
    // the client's reads go through a cache: its revisions read the same partitions and reports again
    // a revision that reads on into the invocation's last seconds stops before it writes anything
    const outOfTime = () => remainingMs() < REVISION_STOP_MS;
    const views = { lake: clientLake(lake, outOfTime), reports: clientReports(reports, warnCorrupt(log, clientId)) };
    // the day's objects its report read: their readings are taken, not read again
    const before = carried.take(clientId);
    const kept = before && { day, keys: new Set(realtime.get(clientId)), before };
    for (const revision of revisions) {
      const date = revision.day.iso;
      if (remainingMs() < REVISION_RESERVE_MS) {
        failed.push({ clientId, error: `revising ${date}: not started, the invocation's time is nearly up (re-running ${day.iso} retries it)` });
        log({ level: "ERROR", message: "revision deferred", clientId, date, arrivedOn: day.iso });
        continue;
      }
      try {
        const outcome = await reviseDay(views.lake, views.reports, clientId, revision, now, log, kept, await firstDays(clientId));
        const householdOnly = revision.latePartitions.length === 0 && revision.household === true;
        if (outcome === "revised") revised++;
        if (outcome === "revised" && householdOnly) householdRevised++;
        const why = householdOnly ? "household first day" : "late readings";
        log({ message: `${why}: report ${outcome}`, clientId, date, latePartitions: revision.latePartitions });
      } catch (err) {
        const stopped = err instanceof OutOfTimeError;
        // a flooded partition stays so until it is cleaned: re-running the day alone would fail the same way
        const retry = err instanceof TooManyObjectsError ? "" : ` (re-running ${day.iso} retries it)`;
        failed.push({ clientId, error: `revising ${date}: ${stopped ? "stopped, " : ""}${(err as Error).message}${retry}` });
        log({ level: "ERROR", message: stopped ? "revision deferred" : "revision failed", clientId, date, arrivedOn: day.iso, error: (err as Error).message });
      }
    }
  });
  const summary = {
    date: day.iso,
    clients: withData,
    reportsWritten: written,
    reportsRevised: revised,
    householdRevisions: householdRevised,
    readingsTooLate,
    rejectedLines,
    unusualHalfHours,
    failed,
    skippedPrefixes,
  };
  log({ level: failed.length ? "ERROR" : "INFO", message: "daily analysis finished", ...summary });
  return summary;
}
