import { buildReport, ClientReport, PastDay, RECENT_DAYS, RejectedLine, slotsOfReport } from "./clientReport";
import { halfHourProfile, Slot } from "./halfHourProfile";
import { MeterReading, parseRealtimeLine, parseSupplierLine } from "./meterRecord";
import { EarlierReport, earlierReportOf, LATE_DAYS, LateReadings, lateReadings, latePartitionDays, Revision } from "./lateReadings";
import { addDays, DAY_MS, inShard, ReportDay, Shard } from "./reportDay";
import { reportHtml } from "./reportHtml";
import { unusualSlots } from "./unusualSlots";

/**
 * The daily run: every client with data for the day (real-time lake objects `{ClientID}/{YYYYMMDD}/...`
 * and/or the parsed supplier file `processed/{YYYYMMDD}/{ClientID}.jsonl`) gets
 * `reports/{ClientID}/{YYYYMMDD}.json` and `.html`. The lake is partitioned by the day a reading arrived, and a
 * meter sends a half-hour's reading when it ends, so the day's last half-hour lands in the next day's
 * partition: for a client with a partition for the day, the readings of the next day's partition that start
 * within the day are read too (the rest of that partition, refused lines included, is the next day's
 * report's). Readings of earlier days in the day's partition arrived late and revise those days' reports
 * (lateReadings.ts). One client's failure never stops the others; the run summary names every failure.
 * Re-running a day overwrites the same keys with the same content (but `generatedAt`).
 */
export interface Lake {
  /** Top-level prefixes of the lake (`{ClientID}/` and the reserved ones), without the slash. */
  topLevelPrefixes(): Promise<string[]>;
  /** Keys under a prefix. */
  list(prefix: string): Promise<string[]>;
  /** An object's text, gunzipped when its key ends in `.gz`. */
  text(key: string): Promise<string>;
}

export interface Reports {
  /** A stored report's JSON, or undefined when there is none. */
  json(key: string): Promise<unknown | undefined>;
  put(key: string, body: string, contentType: string): Promise<void>;
}

export interface RunSummary {
  readonly date: string;
  readonly clients: number;
  readonly reportsWritten: number;
  readonly rejectedLines: number;
  readonly unusualHalfHours: number;
  /** Earlier days' reports rewritten with readings that arrived late, in the run's day's partition. */
  readonly reportsRevised: number;
  /** Readings in the day's partition of days more than LATE_DAYS earlier: counted, not revised. */
  readonly readingsTooLate: number;
  readonly failed: readonly { readonly clientId: string; readonly error: string }[];
  /** Top-level lake prefixes that are not client ids (and not the reserved ones), skipped. */
  readonly skippedPrefixes: readonly string[];
}

export const RESERVED_PREFIXES = ["processed", "quarantine", "errors", "reports"];
export const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const reportKey = (clientId: string, compactDay: string, ext: "json" | "html") => `reports/${clientId}/${compactDay}.${ext}`;

async function readLines(
  lake: Lake,
  keys: readonly string[],
  parse: (line: string) => MeterReading | string,
  rejected: RejectedLine[],
): Promise<MeterReading[]> {
  const out: MeterReading[] = [];
  for (const key of keys) {
    const lines = (await lake.text(key)).split(/\r?\n/);
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      const r = parse(line);
      if (typeof r === "string") rejected.push({ object: key, line: i + 1, reason: r });
      else out.push(r);
    });
  }
  return out;
}

/** One client-day to analyse: where its readings are. */
export interface ClientDay {
  readonly clientId: string;
  readonly day: ReportDay;
  /** Keys of the day's own lake partition. */
  readonly keys: readonly string[];
  /** Keys of the next day's partition and of `latePartitions`: only their readings of the day count. */
  readonly laterKeys: readonly string[];
  /** ISO days of the partitions after the next day's that hold readings of the day (see lateReadings.ts). */
  readonly latePartitions: readonly string[];
  readonly supplierKey?: string;
}

export interface ClientResult {
  readonly report: ClientReport;
  /** Readings of the day's own partition that belong to earlier days, and the reports they revise. */
  readonly late: LateReadings;
}

export async function analyseClient(lake: Lake, reports: Reports, c: ClientDay, now: Date): Promise<ClientResult> {
  const { clientId, day } = c;
  const rejected: RejectedLine[] = [];
  const inDay = (r: MeterReading) => r.startMs >= day.startMs && r.startMs < day.startMs + DAY_MS;
  const arrivedLater = (await readLines(lake, c.laterKeys, parseRealtimeLine, [])).filter(inDay);
  const own = await readLines(lake, c.keys, parseRealtimeLine, rejected);
  const supplier = c.supplierKey ? await readLines(lake, [c.supplierKey], parseSupplierLine, rejected) : [];
  const profile = halfHourProfile(day.startMs, [...own, ...arrivedLater], supplier);

  const history: Slot[] = [];
  const pastDays: PastDay[] = [];
  const earlier = new Map<string, EarlierReport>();
  for (let k = RECENT_DAYS; k >= 1; k--) {
    const past = addDays(day, -k);
    const report = await reports.json(reportKey(clientId, past.compact, "json"));
    if (report === undefined) continue;
    history.push(...slotsOfReport(report));
    const total = (report as { totalKwh?: unknown }).totalKwh;
    if (typeof total === "number") pastDays.push({ date: past.iso, totalKwh: total });
    const facts = earlierReportOf(report);
    if (facts) earlier.set(past.iso, facts);
  }
  const unusual = unusualSlots(history, profile.slots);
  const report = buildReport({ clientId, day, profile, unusual, pastDays, rejected, latePartitions: c.latePartitions, now });
  return { report, late: lateReadings(day, own, earlier) };
}

/** The keys of a client's partitions for `days`, one listing each. */
async function partitionKeys(lake: Lake, clientId: string, days: readonly ReportDay[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of days) out.push(...(await lake.list(`${clientId}/${d.compact}/`)));
  return out;
}

async function writeReport(reports: Reports, report: ClientReport, day: ReportDay): Promise<void> {
  await reports.put(reportKey(report.clientId, day.compact, "json"), JSON.stringify(report, null, 1), "application/json");
  await reports.put(reportKey(report.clientId, day.compact, "html"), reportHtml(report), "text/html; charset=utf-8");
}

/** Rewrites a client's report of an earlier day with the late readings of the run's day (lateReadings.ts). */
async function revise(lake: Lake, reports: Reports, clientId: string, revision: Revision, now: Date): Promise<void> {
  const { day, latePartitions } = revision;
  const keys = await lake.list(`${clientId}/${day.compact}/`);
  const later = await partitionKeys(lake, clientId, [addDays(day, 1), ...latePartitionDays(day, latePartitions)]);
  const supplierKey = `processed/${day.compact}/${clientId}.jsonl`;
  const supplier = (await lake.list(supplierKey)).includes(supplierKey) ? supplierKey : undefined;
  const { report } = await analyseClient(lake, reports, { clientId, day, keys, laterKeys: later, latePartitions, supplierKey: supplier }, now);
  await writeReport(reports, report, day);
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

export interface AnalyseOptions {
  readonly now?: () => Date;
  /** Lake listings and clients in flight at once. Default 8. */
  readonly concurrency?: number;
  /** Only the clients of this shard (see `inShard`). Default: all. */
  readonly shard?: Shard;
  readonly log?: (entry: object) => void;
}

export async function analyseDay(lake: Lake, reports: Reports, day: ReportDay, options: AnalyseOptions = {}): Promise<RunSummary> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const shard = options.shard ?? { index: 0, count: 1 };
  const concurrency = options.concurrency ?? 8;
  const realtime = new Map<string, { keys: string[]; nextDay: string[] }>();
  const next = addDays(day, 1);
  const skippedPrefixes: string[] = [];
  const prefixes: string[] = [];
  for (const prefix of await lake.topLevelPrefixes()) {
    if (RESERVED_PREFIXES.includes(prefix)) continue;
    if (!CLIENT_ID.test(prefix)) skippedPrefixes.push(prefix);
    else if (inShard(prefix, shard)) prefixes.push(prefix);
  }
  // one listing per client prefix: in parallel, and only this shard's
  await pool(prefixes, concurrency, async (prefix) => {
    const keys = await lake.list(`${prefix}/${day.compact}/`);
    if (keys.length) realtime.set(prefix, { keys, nextDay: await lake.list(`${prefix}/${next.compact}/`) });
  });
  const supplier = new Map<string, string>();
  for (const key of await lake.list(`processed/${day.compact}/`)) {
    const m = /^processed\/\d{8}\/([^/]+)\.jsonl$/.exec(key);
    if (m && CLIENT_ID.test(m[1]) && inShard(m[1], shard)) supplier.set(m[1], key);
  }
  const clients = [...new Set([...realtime.keys(), ...supplier.keys()])].sort();
  log({ message: "daily analysis started", date: day.iso, shard: `${shard.index + 1}/${shard.count}`, clients: clients.length, skippedPrefixes });

  const failed: { clientId: string; error: string }[] = [];
  let written = 0;
  let revised = 0;
  let rejectedLines = 0;
  let unusualHalfHours = 0;
  let readingsTooLate = 0;
  // a run after the day's scheduled one (by hand) keeps the late partitions its report already reads
  const rerun = (now: Date) => now.getTime() >= day.startMs + 2 * DAY_MS;
  await pool(clients, concurrency, async (clientId) => {
    try {
      const at = now();
      const { keys, nextDay } = realtime.get(clientId) ?? { keys: [], nextDay: [] };
      const stored = rerun(at) ? earlierReportOf(await reports.json(reportKey(clientId, day.compact, "json"))) : undefined;
      const latePartitions = stored?.latePartitions ?? [];
      const laterKeys = [...nextDay, ...(await partitionKeys(lake, clientId, latePartitionDays(day, latePartitions)))];
      const { report, late } = await analyseClient(lake, reports, { clientId, day, keys, laterKeys, latePartitions, supplierKey: supplier.get(clientId) }, at);
      await writeReport(reports, report, day);
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
      for (const revision of late.revisions) {
        try {
          await revise(lake, reports, clientId, revision, now());
          revised++;
          log({ message: "report revised with late readings", clientId, date: revision.day.iso, latePartitions: revision.latePartitions });
        } catch (err) {
          failed.push({ clientId, error: `revising ${revision.day.iso}: ${(err as Error).message}` });
          log({ level: "ERROR", message: "revision failed", clientId, date: revision.day.iso, error: (err as Error).message });
        }
      }
    } catch (err) {
      failed.push({ clientId, error: (err as Error).message });
      log({ level: "ERROR", message: "client failed", clientId, error: (err as Error).message });
    }
    if ((written + failed.length) % 100 === 0) log({ message: "progress", done: written + failed.length, of: clients.length });
  });
  const summary = {
    date: day.iso,
    clients: clients.length,
    reportsWritten: written,
    reportsRevised: revised,
    readingsTooLate,
    rejectedLines,
    unusualHalfHours,
    failed,
    skippedPrefixes,
  };
  log({ level: failed.length ? "ERROR" : "INFO", message: "daily analysis finished", ...summary });
  return summary;
}
