import { buildReport, ClientReport, PastDay, RECENT_DAYS, RejectedLine, slotsOfReport } from "./clientReport";
import { halfHourProfile, Slot } from "./halfHourProfile";
import { EarlierReport, earlierReportOf, LateReadings, lateReadings, latePartitionDays, Revision } from "./lateReadings";
import { MeterReading, parseRealtimeLine, parseSupplierLine } from "./meterRecord";
import { ClientLake, Lake, parseTagged, PutCondition, readStoredReport, ReportChangedError, reportKey, Reports, unchangedSince } from "./ports";
import { addDays, DAY_MS, ReportDay } from "./reportDay";
import { reportHtml } from "./reportHtml";
import { unusualSlots } from "./unusualSlots";

/** One client-day to analyse: where its readings are. */
export interface ClientDay {
  readonly clientId: string;
  readonly day: ReportDay;
  /** Keys of the day's own lake partition. */
  readonly keys: readonly string[];
  /** Keys of the next day's partition and of `latePartitions`: only their readings of the day count. */
  readonly laterKeys: readonly string[];
  /** When the next day's partition was listed, epoch ms. */
  readonly nextDayListedAtMs: number;
  /** ISO days of the partitions after the next day's that hold readings of the day (see lateReadings.ts). */
  readonly latePartitions: readonly string[];
  readonly supplierKey?: string;
}

export interface ClientResult {
  readonly report: ClientReport;
  /** Readings of the day's own partition that belong to earlier days, and the reports they revise. */
  readonly late: LateReadings;
}

export type Log = (entry: object) => void;

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

/** A stored report that is not JSON is logged and taken as absent (the run rewrites it). */
export const warnCorrupt = (log: Log, clientId: string) => (key: string, error: string) =>
  log({ level: "WARN", message: "stored report is not JSON: rewritten", clientId, key, error });

export async function analyseClient(lake: Lake, reports: Reports, c: ClientDay, now: Date, log: Log = () => undefined): Promise<ClientResult> {
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
    const report = await readStoredReport(reports, reportKey(clientId, past.compact, "json"), warnCorrupt(log, clientId));
    if (report === undefined) continue;
    history.push(...slotsOfReport(report));
    const total = (report as { totalKwh?: unknown }).totalKwh;
    if (typeof total === "number") pastDays.push({ date: past.iso, totalKwh: total });
    const facts = earlierReportOf(report);
    if (facts) earlier.set(past.iso, facts);
  }
  const unusual = unusualSlots(history, profile.slots);
  const report = buildReport({
    clientId,
    day,
    profile,
    unusual,
    pastDays,
    rejected,
    latePartitions: c.latePartitions,
    nextDayListedAtMs: c.nextDayListedAtMs,
    now,
  });
  return { report, late: lateReadings(day, own, earlier) };
}

/**
 * Lists a client-day's readings: its partition (unless `keys` are known), the next day's (timed), the late
 * partitions; and names its supplier file.
 */
export async function locateClientDay(
  lake: ClientLake,
  clientId: string,
  day: ReportDay,
  latePartitions: readonly string[],
  supplierKey: string | undefined,
  keys?: readonly string[],
): Promise<ClientDay> {
  keys ??= await lake.list(`${clientId}/${day.compact}/`);
  const nextPrefix = `${clientId}/${addDays(day, 1).compact}/`;
  const laterKeys = await lake.list(nextPrefix);
  const nextDayListedAtMs = lake.listedAt(nextPrefix)!;
  for (const late of latePartitionDays(day, latePartitions)) laterKeys.push(...(await lake.list(`${clientId}/${late.compact}/`)));
  return { clientId, day, keys, laterKeys, nextDayListedAtMs, latePartitions, supplierKey };
}

/**
 * The page first, the JSON last: a report's JSON is only there once its page is, and a retry redoes both. With
 * `condition`, the JSON is written only over the version it was computed from (ports.ts).
 */
export async function writeReport(reports: Reports, report: ClientReport, day: ReportDay, condition?: PutCondition): Promise<void> {
  await reports.put(reportKey(report.clientId, day.compact, "html"), reportHtml(report), "text/html; charset=utf-8");
  await reports.put(reportKey(report.clientId, day.compact, "json"), JSON.stringify(report, null, 1), "application/json", condition);
}

/** Whether two reports of a day hold the same half-hours (what late readings could change). */
function sameHalfHours(stored: unknown, report: ClientReport): boolean {
  const halfHourly = (stored as Partial<ClientReport> | null)?.halfHourly;
  if (!Array.isArray(halfHourly) || halfHourly.length !== report.halfHourly.length) return false;
  return report.halfHourly.every((h, i) => halfHourly[i]?.start === h.start && halfHourly[i]?.kwh === h.kwh && halfHourly[i]?.source === h.source);
}

/** Times a report is computed again when another run rewrote it meanwhile. */
export const CHANGED_ATTEMPTS = 3;

/** Runs `write` again (it re-reads what it depends on) while another run changed the report under it. */
async function whileChanged<T>(log: Log, clientId: string, date: string, write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!(err instanceof ReportChangedError) || attempt >= CHANGED_ATTEMPTS) throw err;
      log({ level: "WARN", message: "report changed by another run meanwhile: computed again", clientId, date, attempt });
    }
  }
}

/** A client's stored report of a day, read afresh, with the late partitions it reads. */
async function storedReport(reports: Reports, clientId: string, day: ReportDay, log: Log) {
  const key = reportKey(clientId, day.compact, "json");
  const stored = await reports.tagged(key);
  const value = parseTagged(stored, key, warnCorrupt(log, clientId));
  return { stored, value, latePartitions: earlierReportOf(value)?.latePartitions ?? [] };
}

/**
 * A client's report of the run's day, written. A run after the day's scheduled one (`rerun`, by hand) keeps the
 * late partitions the stored report reads, and writes only over the version it read.
 */
export async function reportClientDay(
  lake: ClientLake,
  reports: Reports,
  c: { clientId: string; day: ReportDay; keys: readonly string[]; supplierKey?: string; rerun: boolean },
  now: () => Date,
  log: Log,
): Promise<ClientResult> {
  return whileChanged(log, c.clientId, c.day.iso, async () => {
    const at = now();
    const stored = c.rerun ? await storedReport(reports, c.clientId, c.day, log) : undefined;
    const located = await locateClientDay(lake, c.clientId, c.day, stored?.latePartitions ?? [], c.supplierKey, c.keys);
    const result = await analyseClient(lake, reports, located, at, log);
    await writeReport(reports, result.report, c.day, stored && unchangedSince(stored.stored));
    return result;
  });
}

/**
 * Rewrites a client's report of an earlier day with the late readings of the run's day (lateReadings.ts), or
 * leaves it when they change none of its half-hours (readings sent twice). The stored report is read afresh
 * and written only over that version, so two runs revising it at once both keep their readings.
 */
export async function reviseDay(
  lake: ClientLake,
  reports: Reports,
  clientId: string,
  revision: Revision,
  now: () => Date,
  log: Log,
): Promise<"revised" | "unchanged"> {
  const { day } = revision;
  const supplierKey = `processed/${day.compact}/${clientId}.jsonl`;
  const supplier = (await lake.list(supplierKey)).includes(supplierKey) ? supplierKey : undefined;
  return whileChanged(log, clientId, day.iso, async () => {
    const current = await storedReport(reports, clientId, day, log);
    const latePartitions = latePartitionDays(day, [...revision.latePartitions, ...current.latePartitions]).map((d) => d.iso);
    const located = await locateClientDay(lake, clientId, day, latePartitions, supplier);
    const { report } = await analyseClient(lake, reports, located, now(), log);
    if (current.value !== undefined && sameHalfHours(current.value, report)) return "unchanged";
    await writeReport(reports, report, day, unchangedSince(current.stored));
    return "revised";
  });
}
