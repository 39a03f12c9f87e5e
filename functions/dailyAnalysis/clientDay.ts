import { CarriedReadings, carriedReadingsOf, readingsBefore, ReadingsBefore } from "./carriedReadings";
import { buildReport, ClientReport, PastDay, RECENT_DAYS, RejectedLine, slotsOfReport } from "./clientReport";
import { halfHourProfile, Slot, SLOTS } from "./halfHourProfile";
import { comparedSince, madeForOtherHousehold, sameHousehold, storedSince } from "./households";
import {
  EarlierReport,
  earlierReportOf,
  LakeObject,
  LATE_DAYS,
  LateReadings,
  lateReadings,
  latePartitionDays,
  latePartitionsOf,
  Revision,
} from "./lateReadings";
import { MeterReading, parseRealtimeLine, parseSupplierLine } from "./meterRecord";
import { ClientLake, MAX_PARTITION_OBJECTS, parseTagged, partitionKeys, PutCondition, ReportChangedError, reportKey, Reports, unchangedSince } from "./ports";
import { addDays, DAY_MS, parseDay, ReportDay } from "./reportDay";
import { reportHtml } from "./reportHtml";
import { unusualSlots } from "./unusualSlots";
import { processedKey } from "../supplierParser/s3Key";

/** A stored report that is not JSON is logged and taken as none: the day's own is rewritten, an earlier day's skipped. */
export const warnCorrupt = (log: Log, clientId: string) => (key: string, error: string) =>
  log({ level: "WARN", message: "stored report is not JSON: ignored", clientId, key, error });

/** One client-day to analyse: where its readings are. */
export interface ClientDay {
  readonly clientId: string;
  readonly day: ReportDay;
  /** Keys of the day's own lake partition. */
  readonly keys: readonly string[];
  /** Keys of the next day's partition and of the late partitions: only their readings of the day count. */
  readonly laterKeys: readonly string[];
  /**
   * The supplier files (processed) named for the day before, the day and the day after: a file holds a day of
   * its supplier's clock, which can start up to 14 hours either side of the UTC day; only readings of the day count.
   */
  readonly supplierKeys: readonly string[];
  /** The objects in the day before's own partition now, for the run's own day (lateReadings.ts); not for revisions. */
  readonly previousObjects?: number;
  /** For a revision: what the run's day read of the client's objects, taken for them (carriedReadings.ts). */
  readonly carried?: CarriedReadings;
  /** The first days (YYYY-MM-DD) of the meter's households (households.ts); none known when absent. */
  readonly firstDays?: readonly string[];
}

export interface ClientResult {
  readonly report: ClientReport;
  /** Readings of the day's own partition that belong to earlier days, objects that landed in the day before's after its run, and the reports they revise. */
  readonly late: LateReadings;
  /** Of the day's own objects, their readings of earlier days: what its revisions read of them (carriedReadings.ts). */
  readonly before: ReadingsBefore;
}

export type Log = (entry: object) => void;

interface ParsedObject {
  readonly readings: readonly MeterReading[];
  readonly refused: readonly { readonly line: number; readonly reason: string }[];
}

function parseObject(text: string, parse: (line: string) => MeterReading | string): ParsedObject {
  const readings: MeterReading[] = [];
  const refused: { line: number; reason: string }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    const r = parse(line);
    if (typeof r === "string") refused.push({ line: i + 1, reason: r });
    else readings.push(r);
  });
  return { readings, refused };
}
// one function each, so the client's lake parses an object once per kind
const realtimeObject = (text: string) => parseObject(text, parseRealtimeLine);
const supplierObject = (text: string) => parseObject(text, parseSupplierLine);
// the kind of an object the run's day read, for a revision: its readings of earlier days, as carried (never read)
const carriedObject = (text: string) => realtimeObject(text);

/** The readings of each object; its refused lines go to `rejected` when given. */
async function readObjects(lake: ClientLake, keys: readonly string[], parse: (text: string) => ParsedObject, rejected?: RejectedLine[]): Promise<LakeObject[]> {
  const out: LakeObject[] = [];
  for (const key of keys) {
    const { readings, refused } = await lake.parsed(key, parse);
    if (rejected) for (const r of refused) rejected.push({ object: key, ...r });
    out.push({ key, readings });
  }
  return out;
}

/**
 * The readings of `c.day` in the objects of its later partitions, in order: of an object its run's day read (a
 * revision's `carried`), the readings it kept (cached apart from the object's own parse, which they are not),
 * else the object's. An object's refused lines are its own partition's report's.
 */
async function laterReadings(lake: ClientLake, c: ClientDay): Promise<LakeObject[]> {
  const inDay = startsIn(c.day);
  const out: LakeObject[] = [];
  for (const key of c.laterKeys) {
    const kept = carriedReadingsOf(c.carried, key, c.day);
    const { readings } = kept ? await lake.parsed(key, carriedObject, { readings: kept, refused: [] }) : await lake.parsed(key, realtimeObject);
    out.push({ key, readings: readings.filter(inDay) });
  }
  return out;
}

/** The days whose supplier files can hold readings of `day`, in order: the day before, the day, the day after. */
export const supplierDays = (day: ReportDay): ReportDay[] => [addDays(day, -1), day, addDays(day, 1)];

/** Whether a reading's interval starts within `day` (UTC). */
const startsIn = (day: ReportDay) => (r: MeterReading) => r.startMs >= day.startMs && r.startMs < day.startMs + DAY_MS;

/** Whether any object located for a client-day holds a reading of the day (its own partition: any object). */
async function holdsReadingsOf(lake: ClientLake, c: ClientDay): Promise<boolean> {
  if (c.keys.length > 0) return true;
  for (const { readings } of await laterReadings(lake, c)) if (readings.length > 0) return true;
  const inDay = startsIn(c.day);
  for (const { readings } of await readObjects(lake, c.supplierKeys, supplierObject)) if (readings.some(inDay)) return true;
  return false;
}

/** `{ClientID}/{YYYYMMDD}/...` → the partition's ISO day. */
const partitionOf = (key: string) => parseDay(key.split("/")[1]).iso;

export async function analyseClient(lake: ClientLake, reports: Reports, c: ClientDay, now: Date): Promise<ClientResult> {
  const { clientId, day } = c;
  const rejected: RejectedLine[] = [];
  const inDay = startsIn(day);
  const laterObjects: Record<string, string[]> = {};
  const arrivedLater: MeterReading[] = [];
  for (const { key, readings: ofDay } of await laterReadings(lake, c)) {
    if (ofDay.length === 0) continue;
    arrivedLater.push(...ofDay);
    (laterObjects[partitionOf(key)] ??= []).push(key);
  }
  const own = await readObjects(lake, c.keys, realtimeObject, rejected);
  // a neighbour day's file holds readings of this day too; its refused lines are that day's report's to list
  const supplier: MeterReading[] = [];
  const ownFile = processedKey({ date: day.compact, clientId });
  for (const key of c.supplierKeys) {
    const [object] = await readObjects(lake, [key], supplierObject, key === ownFile ? rejected : undefined);
    supplier.push(...object.readings.filter(inDay));
  }
  const profile = halfHourProfile(day.startMs, [...own.flatMap((o) => o.readings), ...arrivedLater], supplier);

  const history: Slot[] = [];
  const pastDays: PastDay[] = [];
  const earlier = new Map<string, EarlierReport>();
  const firstDays = c.firstDays ?? [];
  // earlier reports made before their household's first day was known (a back-dated one): recomputed
  const otherHousehold: ReportDay[] = [];
  for (let k = RECENT_DAYS; k >= 1; k--) {
    const past = addDays(day, -k);
    const report = await reports.json(reportKey(clientId, past.compact, "json"));
    if (report === undefined) continue;
    const facts = earlierReportOf(report);
    if (facts) earlier.set(past.iso, facts);
    if (madeForOtherHousehold(report, past.iso, firstDays)) otherHousehold.push(past);
    // another household's day is never compared with (its late readings still revise it)
    if (!sameHousehold(past.iso, day.iso, firstDays)) continue;
    history.push(...slotsOfReport(report));
    const { totalKwh, halfHoursCovered } = report as { totalKwh?: unknown; halfHoursCovered?: unknown };
    if (typeof totalKwh === "number") {
      pastDays.push({ date: past.iso, totalKwh, halfHoursCovered: typeof halfHoursCovered === "number" ? halfHoursCovered : SLOTS });
    }
  }
  const unusual = unusualSlots(history, profile.slots);
  const latePartitions = latePartitionsOf(day, laterObjects);
  const report = buildReport({
    clientId,
    day,
    profile,
    unusual,
    pastDays,
    comparedSince: comparedSince(day.iso, firstDays),
    rejected,
    laterObjects,
    latePartitions,
    ownObjects: c.keys.length,
    now,
  });
  const late = withHouseholdRevisions(lateReadings(day, own, earlier, c.previousObjects), otherHousehold);
  return { report, late, before: readingsBefore(day, own) };
}

/** The late readings' revisions and one for each day in `days` they do not revise already (a revision recomputes it all). */
function withHouseholdRevisions(late: LateReadings, days: readonly ReportDay[]): LateReadings {
  const extra = days.filter((d) => !late.revisions.some((r) => r.day.iso === d.iso)).map((d): Revision => ({ day: d, latePartitions: [], household: true }));
  return extra.length === 0 ? late : { ...late, revisions: [...late.revisions, ...extra].sort((a, b) => a.day.startMs - b.day.startMs) };
}

/**
 * Lists a client-day's readings: its partition (unless `keys` are known), the next day's, the late partitions;
 * and names its supplier file.
 */
export async function locateClientDay(
  lake: ClientLake,
  clientId: string,
  day: ReportDay,
  latePartitions: readonly string[],
  supplierKeys: readonly string[],
  keys?: readonly string[],
): Promise<ClientDay> {
  keys ??= await partitionKeys(lake, `${clientId}/${day.compact}/`);
  const laterKeys: string[] = [];
  for (const later of [addDays(day, 1), ...latePartitionDays(day, latePartitions)])
    laterKeys.push(...(await partitionKeys(lake, `${clientId}/${later.compact}/`)));
  return { clientId, day, keys, laterKeys, supplierKeys };
}

/** A report's page (HTML), drawn from its JSON. */
const writePage = (reports: Reports, report: ClientReport, day: ReportDay) =>
  reports.put(reportKey(report.clientId, day.compact, "html"), reportHtml(report), "text/html; charset=utf-8");

/**
 * The page first, the JSON last: a report's JSON is only there once its page is, and a retry redoes both. With
 * `condition`, the JSON is written only over the version it was computed from (ports.ts).
 */
export async function writeReport(reports: Reports, report: ClientReport, day: ReportDay, condition?: PutCondition): Promise<void> {
  await writePage(reports, report, day);
  await reports.put(reportKey(report.clientId, day.compact, "json"), JSON.stringify(report, null, 1), "application/json", condition);
}

/**
 * Whether a revision would change nothing a re-run needs: the same half-hours, and no lake partition the stored
 * report does not read already (a re-run reads whole partitions, so new objects in those are found again). The
 * count of its own partition's objects must be the same too, or the next day's run would revise it again.
 */
function nothingNew(stored: unknown, report: ClientReport, day: ReportDay): boolean {
  if (earlierReportOf(stored)?.ownObjects !== report.sources.ownObjects) return false;
  const halfHourly = (stored as Partial<ClientReport> | null)?.halfHourly;
  if (!Array.isArray(halfHourly) || halfHourly.length !== report.halfHourly.length) return false;
  const same = report.halfHourly.every((h, i) => halfHourly[i]?.start === h.start && halfHourly[i]?.kwh === h.kwh && halfHourly[i]?.source === h.source);
  const read = new Set(Object.keys(earlierReportOf(stored)?.laterObjects ?? {}));
  const next = addDays(day, 1).iso;
  // a report made before its household's first day was known compares across it
  const sameHouseholds = storedSince(stored) === report.comparison.since;
  return same && sameHouseholds && Object.keys(report.sources.laterObjects).every((p) => p === next || read.has(p));
}

/** Times a report is computed again when other runs rewrote it meanwhile: one for each run that may revise it, and more. */
export const CHANGED_ATTEMPTS = LATE_DAYS + 2;

/** A client's stored report of a day, read afresh (ports.ts `tagged`). */
async function storedReport(reports: Reports, clientId: string, day: ReportDay, log: Log) {
  const key = reportKey(clientId, day.compact, "json");
  const stored = await reports.tagged(key);
  return { stored, value: parseTagged(stored, key, warnCorrupt(log, clientId)) };
}

/** The page of the stored JSON: after losing a race, the page last written may be older than the JSON that won. */
async function pageOfStored(reports: Reports, clientId: string, day: ReportDay, log: Log): Promise<void> {
  const { value } = await storedReport(reports, clientId, day, log);
  if (typeof value === "object" && value !== null && Array.isArray((value as ClientReport).halfHourly)) await writePage(reports, value as ClientReport, day);
}

/**
 * Runs `compute` (which reads afresh what it depends on and writes conditionally) again, after a short random
 * wait and with fresh listings, while other runs rewrote the report under it; on giving up, the page is made
 * the stored JSON's again.
 */
async function untilWritten<T>(
  lake: ClientLake,
  reports: Reports,
  clientId: string,
  day: ReportDay,
  log: Log,
  compute: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await compute(attempt);
    } catch (err) {
      if (!(err instanceof ReportChangedError)) throw err;
      if (attempt >= CHANGED_ATTEMPTS) {
        await pageOfStored(reports, clientId, day, log);
        throw err;
      }
      log({ level: "WARN", message: "report changed by another run meanwhile: computed again", clientId, date: day.iso, attempt });
      lake.forgetListings();
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

/**
 * A client's report of the run's day, written. A run after the day's scheduled one (`rerun`, by hand) keeps the
 * late partitions the stored report reads, and writes only over the version it read.
 */
export async function reportClientDay(
  lake: ClientLake,
  reports: Reports,
  c: { clientId: string; day: ReportDay; keys: readonly string[]; supplierKeys: readonly string[]; rerun: boolean; firstDays?: readonly string[] },
  now: () => Date,
  log: Log,
): Promise<ClientResult> {
  return untilWritten(lake, reports, c.clientId, c.day, log, async () => {
    const at = now();
    const stored = c.rerun ? await storedReport(reports, c.clientId, c.day, log) : undefined;
    const latePartitions = latePartitionsOf(c.day, earlierReportOf(stored?.value)?.laterObjects ?? {});
    const located = await locateClientDay(lake, c.clientId, c.day, latePartitions, c.supplierKeys, c.keys);
    // objects that landed in the day before's partition after its run revise that day's report
    // a count (bounded): a flooded day before fails that day's revision, not this day's report
    const previousObjects = (await lake.list(`${c.clientId}/${addDays(c.day, -1).compact}/`, MAX_PARTITION_OBJECTS)).length;
    const result = await analyseClient(lake, reports, { ...located, previousObjects, firstDays: c.firstDays }, at);
    await writeReport(reports, result.report, c.day, stored && unchangedSince(stored.stored));
    return result;
  });
}

/**
 * Rewrites a client's report of an earlier day with the late readings of the run's day (lateReadings.ts), or
 * leaves it when they change none of its half-hours (readings sent twice). The stored report is read afresh
 * and written only over that version, so two runs revising it at once both keep their readings. `carried`: what
 * the run's day read of the client's objects, taken for them instead of reading them again (carriedReadings.ts).
 */
export async function reviseDay(
  lake: ClientLake,
  reports: Reports,
  clientId: string,
  revision: Revision,
  now: () => Date,
  log: Log,
  carried?: CarriedReadings,
  firstDays?: readonly string[],
): Promise<"revised" | "unchanged"> {
  const { day } = revision;
  const supplier: string[] = [];
  for (const d of supplierDays(day)) {
    const key = processedKey({ date: d.compact, clientId });
    if ((await lake.list(key)).includes(key)) supplier.push(key);
  }
  return untilWritten(lake, reports, clientId, day, log, async (attempt) => {
    const current = await storedReport(reports, clientId, day, log);
    const madeMs = Date.parse(String((current.value as { generatedAt?: unknown } | undefined)?.generatedAt));
    if (revision.unlessMadeAfterMs !== undefined && madeMs > revision.unlessMadeAfterMs) return "unchanged";
    const known = latePartitionsOf(day, earlierReportOf(current.value)?.laterObjects ?? {});
    const located = { ...(await locateClientDay(lake, clientId, day, [...revision.latePartitions, ...known], supplier)), carried, firstDays };
    // a neighbour day's supplier file may hold nothing of a day that has no report: none is made for it
    if (current.value === undefined && !(await holdsReadingsOf(lake, located))) return "unchanged";
    const { report } = await analyseClient(lake, reports, located, now());
    if (current.value !== undefined && nothingNew(current.value, report, day)) {
      // an earlier attempt wrote its page before losing the JSON to another run: the page is the JSON's again
      if (attempt > 1) await pageOfStored(reports, clientId, day, log);
      return "unchanged";
    }
    try {
      await writeReport(reports, report, day, unchangedSince(current.stored));
    } catch (err) {
      // the page may be written and the JSON not (a conflict, an S3 error): the page is the stored JSON's again
      if (!(err instanceof ReportChangedError)) await pageOfStored(reports, clientId, day, log).catch(() => undefined);
      throw err;
    }
    return "revised";
  });
}
