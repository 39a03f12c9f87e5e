import { DataApi } from "./dataApi";
import { isStatementError, LoadError, StatementError } from "./errors";
import {
  COPY_INDEX,
  loadedKeysSql,
  loadErrorsSql,
  loadStatements,
  MERGE_INSERT_INDEX,
  RawObject,
  rejectedKeysSql,
  rejectsInsertSql,
  rowCountsSql,
  rowsUpdateSql,
} from "./loadSql";
import { loadWindow, manifestKey } from "./loadWindow";
import { manifestBody, skipReason } from "./manifest";
import { describeLine, lineReason, RejectedLine, rejectedLine, rejectedObjects } from "./rejects";
import { schemaSql } from "./schema";
import { LoaderSettings } from "./settings";

/** The raw bucket as the loader sees it. */
export interface ObjectStorage {
  list(prefix: string): Promise<RawObject[]>;
  put(key: string, body: string): Promise<void>;
}

export interface LoaderDeps {
  readonly settings: LoaderSettings;
  readonly storage: ObjectStorage;
  readonly dataApi: DataApi;
  /** Makes the manifest key unique per run (the Lambda request id). */
  readonly runId: string;
  readonly now: () => number;
  readonly log: (entry: Record<string, unknown>) => void;
}

/** Keeps the batch's VALUES list and the manifest well under the Data API's 100 KB per statement. */
export const MAX_OBJECTS_PER_LOAD = 300;
/**
 * Loads a run tries: the first, and one more after each COPY whose rejected lines name objects of it (those are
 * set aside). A COPY stops at the first error of each slice, so one attempt can name several objects.
 */
export const LOAD_ATTEMPTS = 4;
export const STATEMENT_PREFIX = "gridrail-loader";

export interface LoadReport {
  readonly window: { start: string; end: string };
  readonly listed: number;
  readonly alreadyLoaded: number;
  /** Objects set aside by an earlier run, not loaded again while their ETag is the one refused. */
  readonly alreadyRejected: number;
  readonly skipped: { key: string; reason: string }[];
  /** Left for the next run (over MAX_OBJECTS_PER_LOAD). */
  readonly deferred: number;
  /** Set aside by this run: Redshift refused a line of them (recorded in load_rejects). */
  readonly rejected: { key: string; reason: string }[];
  readonly loaded: string[];
  readonly manifestKey?: string;
  readonly statementId?: string;
  readonly rowsWritten?: number;
}

/**
 * One scheduled run: list the window's day folders, drop what load_history has loaded and load_rejects has set
 * aside, write a manifest, then one transaction (staging, COPY, merge, history). When Redshift refuses a line,
 * the objects its rejected lines name are recorded in load_rejects and the load is tried again without them, so
 * one bad object never holds back the others. Re-running loads nothing twice: finished objects are in
 * load_history, and the merge replaces rows by reading key anyway.
 */
export async function loadReadings(event: unknown, deps: LoaderDeps): Promise<LoadReport> {
  const { settings, storage, dataApi, log } = deps;
  const window = loadWindow(event);
  const listed = (await Promise.all(window.prefixes.map((p) => storage.list(p)))).flat().filter((o) => o.lastModified < window.end);
  const skipped: { key: string; reason: string }[] = [];
  const candidates = listed.filter((o) => {
    const reason = skipReason(o);
    if (reason) skipped.push({ key: o.key, reason });
    return !reason;
  });
  for (const s of skipped) log({ level: "WARN", message: "raw object skipped", ...s });
  const report = { window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() }, listed: listed.length, skipped };
  if (candidates.length === 0) {
    log({ level: "INFO", message: "nothing new to load", ...report, alreadyLoaded: 0, alreadyRejected: 0 });
    return { ...report, alreadyLoaded: 0, alreadyRejected: 0, deferred: 0, rejected: [], loaded: [] };
  }

  const { loaded: done, rejected: refused } = await earlierRuns(window.prefixes, dataApi);
  const unloaded = candidates.filter((o) => !done.has(o.key));
  const fresh = unloaded.filter((o) => !refused.has(`${o.key}\n${o.etag}`)).sort((a, b) => a.lastModified - b.lastModified || a.key.localeCompare(b.key));
  // not yet loaded nor set aside, oldest first; each attempt loads the first MAX_OBJECTS_PER_LOAD of them
  let waiting = fresh;
  let batch = waiting.slice(0, MAX_OBJECTS_PER_LOAD);
  const base = { ...report, alreadyLoaded: candidates.length - unloaded.length, alreadyRejected: unloaded.length - fresh.length };
  const rejected: LoadReport["rejected"] = [];
  try {
    for (let attempt = 1; batch.length > 0; attempt++) {
      const manifest = manifestKey(window, deps.runId, attempt);
      await storage.put(manifest, manifestBody(settings.rawBucket, batch));
      const sqls = loadStatements({
        bucket: settings.rawBucket,
        manifestKey: manifest,
        copyRoleArn: settings.copyRoleArn,
        objects: batch,
        loadedAt: deps.now(),
      });
      let load;
      try {
        load = await dataApi.batch(sqls, `${STATEMENT_PREFIX}-copy-${report.window.start.slice(0, 13)}`);
      } catch (e) {
        if (!isStatementError(e)) throw e;
        const lines = await rejectedLines(e, dataApi, log);
        const refusedNow = e.status === "FAILED" && attempt < LOAD_ATTEMPTS ? rejectedObjects(lines, batch, settings.rawBucket) : [];
        if (refusedNow.length === 0) throw loadError(e, manifest, batch.length, lines, rejected.length);
        // logged and counted first: should recording them fail, the next run meets them again
        for (const r of refusedNow) {
          const reason = lineReason(r);
          rejected.push({ key: r.object.key, reason });
          log({
            level: "ERROR",
            message: "raw object rejected",
            key: r.object.key,
            etag: r.object.etag,
            reason,
            manifestKey: manifest,
            statementId: e.statementId,
          });
        }
        await dataApi.execute(rejectsInsertSql(refusedNow, manifest, deps.now()), `${STATEMENT_PREFIX}-reject`);
        const set = new Set(refusedNow.map((r) => r.object.key));
        waiting = waiting.filter((o) => !set.has(o.key));
        batch = waiting.slice(0, MAX_OBJECTS_PER_LOAD);
        continue;
      }
      const rowsWritten = load.subStatements[MERGE_INSERT_INDEX]?.resultRows;
      await recordRowCounts(load.subStatements[COPY_INDEX]?.redshiftQueryId, settings.rawBucket, dataApi, log);
      const deferred = waiting.length - batch.length;
      const result = { ...base, deferred, rejected, loaded: batch.map((o) => o.key), manifestKey: manifest, statementId: load.id, rowsWritten };
      log({ level: "INFO", message: "readings loaded", ...result });
      return result;
    }
  } catch (e) {
    // the objects set aside before a failure are counted all the same (handler.ts)
    if (typeof e === "object" && e !== null && typeof (e as { rejected?: unknown }).rejected !== "number") Object.assign(e, { rejected: rejected.length });
    throw e;
  }
  log({
    level: "INFO",
    message: rejected.length > 0 ? "nothing loaded: every new object was rejected" : "nothing new to load",
    ...base,
    deferred: 0,
    rejected,
  });
  return { ...base, deferred: 0, rejected, loaded: [] };
}

/** Keys load_history has under the prefixes, and `key\netag` of the objects load_rejects has set aside. */
async function earlierRuns(prefixes: readonly string[], dataApi: DataApi): Promise<{ loaded: Set<string>; rejected: Set<string> }> {
  const schema = schemaSql("redshift");
  const history = await dataApi.batch([...schema, loadedKeysSql(prefixes), rejectedKeysSql(prefixes)], `${STATEMENT_PREFIX}-history`);
  const sub = (i: number) => history.subStatements[i]?.id ?? `${history.id}:${i + 1}`;
  const loaded = new Set((await dataApi.rows(sub(schema.length))).map((r) => String(r[0])));
  const rejected = new Set((await dataApi.rows(sub(schema.length + 1))).map((r) => `${String(r[0])}\n${String(r[1])}`));
  return { loaded, rejected };
}

/** The failed COPY's rejected lines from STL_LOAD_ERRORS; none when the failure was not a COPY's rejected line. */
async function rejectedLines(e: StatementError, dataApi: DataApi, log: LoaderDeps["log"]): Promise<RejectedLine[]> {
  const copyQuery = e.subStatements[COPY_INDEX]?.redshiftQueryId;
  if (!/stl_load_errors/i.test(e.redshiftError) || !copyQuery || copyQuery <= 0) return [];
  try {
    return (await dataApi.rows((await dataApi.execute(loadErrorsSql(copyQuery), `${STATEMENT_PREFIX}-load-errors`)).id)).map(rejectedLine);
  } catch (inner) {
    log({ level: "WARN", message: "could not read stl_load_errors", error: (inner as Error).message });
    return [];
  }
}

/** Lines of a failed load's message. */
const LINES_SHOWN = 5;

/** Redshift's error, the manifest, and (for COPY errors) the first rejected lines. */
function loadError(e: StatementError, manifest: string, objects: number, lines: readonly RejectedLine[], rejected: number): LoadError {
  const detail = lines.length > 0 ? `; first rejected lines: ${lines.slice(0, LINES_SHOWN).map(describeLine).join(" | ")}` : "";
  const aside = rejected > 0 ? ` (after setting ${rejected} refused object(s) aside)` : "";
  const what = `load of ${objects} object(s) from manifest ${manifest}${aside}`;
  if (e.status !== "FAILED" && e.status !== "ABORTED") {
    return new LoadError(
      `${what} still ${e.status} at the deadline (statement ${e.statementId}); it may yet commit, the next run's load_history check tells`,
      manifest,
      e.statementId,
      "",
      rejected,
    );
  }
  return new LoadError(
    `${what} ${e.status}, nothing committed (statement ${e.statementId}): ${e.redshiftError || "no error text from Redshift"}${detail}`,
    manifest,
    e.statementId,
    e.redshiftError,
    rejected,
  );
}

/** Best effort after the commit: rows per object from STL_LOAD_COMMITS into load_history.rows_loaded. */
async function recordRowCounts(copyQuery: number | undefined, bucket: string, dataApi: DataApi, log: LoaderDeps["log"]): Promise<void> {
  if (!copyQuery || copyQuery <= 0) return;
  try {
    const rows = await dataApi.rows((await dataApi.execute(rowCountsSql(copyQuery), `${STATEMENT_PREFIX}-row-counts`)).id);
    const prefix = `s3://${bucket}/`;
    const counts = rows
      .filter(([file]) => String(file).startsWith(prefix))
      .map(([file, lines]) => ({ key: String(file).slice(prefix.length), rows: Number(lines) }));
    if (counts.length > 0) await dataApi.execute(rowsUpdateSql(counts), `${STATEMENT_PREFIX}-row-counts-update`);
  } catch (e) {
    log({ level: "WARN", message: "load committed; rows per object not recorded", error: (e as Error).message });
  }
}
