import { createHash } from "crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "fs";
import { dirname, join, relative, resolve, sep } from "path";
import { Readable } from "stream";
import { gunzipSync } from "zlib";
import { conditionHolds, Lake, ReportChangedError, Reports } from "../../functions/dailyAnalysis/ports";
import { ObjectStore } from "../../functions/supplierParser/processObject";
import { isSpellingOf, spellingPrefix } from "../../functions/supplierParser/s3Key";

/**
 * The local stack's buckets are folders under one run directory, laid out the way the summary's local engine
 * reads them (docs/summary.md):
 *   meter-lake/{ClientID}/{YYYYMMDD}/*.json   real-time readings (the meter lake)
 *   meter-lake/processed/{YYYYMMDD}/{ClientID}.jsonl   parsed supplier readings (same bucket on AWS)
 *   quarantine/{YYYYMMDD}/{ClientID}.json     rejected-row reports (meter lake `quarantine/` on AWS)
 *   supplier/{YYYYMMDD}/{ClientID}.csv        supplier uploads
 *   telemetry/yyyy/MM/dd/*.json               shared readings rows (data-sharing raw bucket `readings/`)
 *   errors/...                                records the transform refused (Firehose error prefix)
 *   reports/{ClientID}/{YYYYMMDD}.{json,html} daily reports
 *   dead-letters/*.json                       what the pipelines gave up on, with the reason
 */
/** Marks a folder as a local run's, so the next run may empty it. */
export const RUN_MARKER = ".gridrail-run";

/** What a run makes at the top of its folder (besides report.json): no other output may take these names there. */
export const RUN_NAMES: readonly string[] = [
  RUN_MARKER,
  "cloudtrail",
  "dead-letters",
  "edge",
  "errors",
  "meter-lake",
  "outbox",
  "quarantine",
  "reports",
  "supplier",
  "telemetry",
];

/**
 * Why a run may not empty `dir` and write there, or undefined: it must not exist yet, be empty, or be an
 * earlier run's folder, marked by RUN_MARKER. Anything else (a file, the checkout, a home folder, a folder
 * that only looks like a run's) is refused: the run starts by deleting the folder.
 */
export function runFolderProblem(dir: string): string | undefined {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat) {
    // a folder to be made: the nearest existing folder above it must be one
    let up = dirname(resolve(dir));
    while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
    return statSync(up).isDirectory() ? undefined : `is under ${up}, which is a file, not a folder`;
  }
  if (!stat.isDirectory()) return "is a file, not a folder";
  const entries = readdirSync(dir);
  if (entries.length === 0 || entries.includes(RUN_MARKER)) return undefined;
  const sorted = [...entries].sort();
  const shown = sorted.slice(0, 3).join(", ") + (sorted.length > 3 ? `, ... (${sorted.length} in all)` : "");
  return `holds files (${shown}) and is not an earlier run's (no ${RUN_MARKER} in it); the run empties its folder first: give a new or empty folder`;
}

/** Empties `dir` for a new run (after `runFolderProblem` said it may) and marks it as a run's. */
export function startRunFolder(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, RUN_MARKER), "a gridrail local stack run writes here; the next run empties this folder\n");
}

export class RunFolders {
  constructor(readonly root: string) {}

  /** Path of `key` under `folder`, refusing keys that would escape it. */
  path(folder: string, key: string): string {
    const base = resolve(this.root, folder);
    const p = resolve(base, key);
    if (p !== base && !p.startsWith(base + sep)) throw new Error(`key ${JSON.stringify(key)} escapes ${folder}/`);
    return p;
  }

  write(folder: string, key: string, body: string | Buffer): void {
    const p = this.path(folder, key);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, body);
  }

  read(folder: string, key: string): Buffer {
    return readFileSync(this.path(folder, key));
  }

  /** Keys under `folder` starting with `prefix`, sorted. */
  list(folder: string, prefix = ""): string[] {
    const base = resolve(this.root, folder);
    // walk only the folder the prefix's whole segments name, not the whole tree, for every listing
    const from = prefix.includes("/") ? this.path(folder, prefix.slice(0, prefix.lastIndexOf("/"))) : base;
    if (!existsSync(from) || !statSync(from).isDirectory()) return [];
    return (readdirSync(from, { recursive: true, withFileTypes: true }) as import("fs").Dirent[])
      .filter((d) => d.isFile())
      .map((d) =>
        relative(base, join(d.parentPath ?? (d as unknown as { path: string }).path, d.name))
          .split(sep)
          .join("/"),
      )
      .filter((k) => k.startsWith(prefix))
      .sort();
  }

  /** The supplier parser's store: reads uploads, writes processed readings to the lake and reports to quarantine/. */
  supplierStore(): ObjectStore {
    return {
      get: async (key) => {
        const bytes = this.read("supplier", key);
        return { body: Readable.from([bytes]), size: bytes.length };
      },
      put: async (key, body) => {
        if (key.startsWith("quarantine/")) this.write("quarantine", key.slice("quarantine/".length), body);
        else this.write("meter-lake", key, body);
      },
      // as ListObjectsV2 on the upload bucket: a key's spellings (.CSV for .csv), the newest owning their output
      spellings: async (key) =>
        this.list("supplier", spellingPrefix(key))
          .filter((k) => isSpellingOf(k, key))
          .map((k) => ({ key: k, lastModified: statSync(this.path("supplier", k)).mtimeMs })),
    };
  }

  /** The daily analysis' ports. */
  lake(): Lake {
    return {
      topLevelPrefixes: async () => {
        const base = resolve(this.root, "meter-lake");
        return existsSync(base) ? readdirSync(base).sort() : [];
      },
      list: async (prefix, atMost = Infinity) => this.list("meter-lake", prefix).slice(0, atMost + 1),
      listModified: async (prefix) => this.list("meter-lake", prefix).map((key) => ({ key, modifiedMs: statSync(this.path("meter-lake", key)).mtimeMs })),
      text: async (key) => {
        const bytes = this.read("meter-lake", key);
        return (key.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
      },
    };
  }

  /** The reports bucket: a report's version tag is the SHA-256 of its bytes, as an ETag is the MD5 of them. */
  reports(): Reports {
    const pathOf = (key: string) => this.path("reports", key.replace(/^reports\//, ""));
    const tagged = async (key: string) => {
      const p = pathOf(key);
      if (!existsSync(p)) return undefined;
      const text = readFileSync(p, "utf8");
      return { text, tag: createHash("sha256").update(text).digest("hex") };
    };
    return {
      json: async (key) => {
        const stored = await tagged(key);
        return stored && JSON.parse(stored.text);
      },
      tagged,
      put: async (key, body, _type, condition) => {
        if (condition && !conditionHolds(condition, (await tagged(key))?.tag)) throw new ReportChangedError(key);
        this.write("reports", key.replace(/^reports\//, ""), body);
      },
    };
  }
}
