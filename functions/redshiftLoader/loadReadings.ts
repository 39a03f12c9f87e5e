import { DataApi } from "./dataApi";
import { isStatementError, LoadError, StatementError } from "./errors";
import { COPY_INDEX, loadedKeysSql, loadErrorsSql, loadStatements, MERGE_INSERT_INDEX, RawObject, rowCountsSql, rowsUpdateSql } from "./loadSql";
import { loadWindow, manifestKey } from "./loadWindow";
import { manifestBody, skipReason } from "./manifest";
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
export const STATEMENT_PREFIX = "gridrail-loader";

export interface LoadReport {
  readonly window: { start: string; end: string };
  readonly listed: number;
  readonly alreadyLoaded: number;
  readonly skipped: { key: string; reason: string }[];
  /** Left for the next run (over MAX_OBJECTS_PER_LOAD). */
  readonly deferred: number;
  readonly loaded: string[];
  readonly manifestKey?: string;
  readonly statementId?: string;
  readonly rowsWritten?: number;
}

/**
 * One scheduled run: list the window's day folders, drop what load_history already has, write a manifest, then
 * one transaction (staging, COPY, merge, history). Re-running loads nothing twice: finished objects are in
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
    log({ level: "INFO", message: "nothing new to load", ...report, alreadyLoaded: 0 });
    return { ...report, alreadyLoaded: 0, deferred: 0, loaded: [] };
  }

  const history = await dataApi.batch([...schemaSql("redshift"), loadedKeysSql(window.prefixes)], `${STATEMENT_PREFIX}-history`);
  const last = history.subStatements[history.subStatements.length - 1];
  const done = new Set((await dataApi.rows(last?.id ?? `${history.id}:3`)).map((r) => String(r[0])));
  const fresh = candidates.filter((o) => !done.has(o.key)).sort((a, b) => a.lastModified - b.lastModified || a.key.localeCompare(b.key));
  const batch = fresh.slice(0, MAX_OBJECTS_PER_LOAD);
  const base = { ...report, alreadyLoaded: candidates.length - fresh.length, deferred: fresh.length - batch.length };
  if (batch.length === 0) {
    log({ level: "INFO", message: "nothing new to load", ...base });
    return { ...base, loaded: [] };
  }

  const manifest = manifestKey(window, deps.runId);
  await storage.put(manifest, manifestBody(settings.rawBucket, batch));
  const sqls = loadStatements({ bucket: settings.rawBucket, manifestKey: manifest, copyRoleArn: settings.copyRoleArn, objects: batch, loadedAt: deps.now() });
  let load;
  try {
    load = await dataApi.batch(sqls, `${STATEMENT_PREFIX}-copy-${report.window.start.slice(0, 13)}`);
  } catch (e) {
    if (!isStatementError(e)) throw e;
    throw await loadError(e, manifest, batch.length, dataApi, log);
  }
  const rowsWritten = load.subStatements[MERGE_INSERT_INDEX]?.resultRows;
  await recordRowCounts(load.subStatements[COPY_INDEX]?.redshiftQueryId, settings.rawBucket, dataApi, log);
  const result = { ...base, loaded: batch.map((o) => o.key), manifestKey: manifest, statementId: load.id, rowsWritten };
  log({ level: "INFO", message: "readings loaded", ...result });
  return result;
}

/** Redshift's error, the manifest, and (for COPY errors) the first rejected lines from STL_LOAD_ERRORS. */
async function loadError(e: StatementError, manifest: string, objects: number, dataApi: DataApi, log: LoaderDeps["log"]): Promise<LoadError> {
  let detail = "";
  const copyQuery = e.subStatements[COPY_INDEX]?.redshiftQueryId;
  if (/stl_load_errors/i.test(e.redshiftError) && copyQuery && copyQuery > 0) {
    try {
      const rows = await dataApi.rows((await dataApi.execute(loadErrorsSql(copyQuery), `${STATEMENT_PREFIX}-load-errors`)).id);
      if (rows.length > 0)
        detail = `; first rejected lines: ${rows.map(([file, line, col, reason]) => `${file} line ${line} column ${col}: ${reason}`).join(" | ")}`;
    } catch (inner) {
      log({ level: "WARN", message: "could not read stl_load_errors", error: (inner as Error).message });
    }
  }
  const what = `load of ${objects} object(s) from manifest ${manifest}`;
  if (e.status !== "FAILED" && e.status !== "ABORTED") {
    return new LoadError(
      `${what} still ${e.status} at the deadline (statement ${e.statementId}); it may yet commit, the next run's load_history check tells`,
      manifest,
      e.statementId,
      "",
    );
  }
  return new LoadError(
    `${what} ${e.status}, nothing committed (statement ${e.statementId}): ${e.redshiftError || "no error text from Redshift"}${detail}`,
    manifest,
    e.statementId,
    e.redshiftError,
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
