/**
 * The data team's daily usage summary: the same named queries on Athena (a deployed stack) or on DuckDB (a
 * local folder laid out like the buckets; docs/summary.md). Exit 0 with a summary (zeros for a day without
 * data), 1 when it could not be computed (missing folder, failed query, AWS error), 2 for usage.
 *   gridrail summary --date YYYY-MM-DD (--stack dev|prod | --local DIR) [--json | --csv FILE]
 */
import { AthenaClient } from "@aws-sdk/client-athena";
import { writeFileSync } from "fs";
import { Command, ParsedArgs, UsageError, runCommand } from "./args";
import { join } from "path";
import { checkOutputFile, checkOutputOutsideFolder, STDOUT_PATH } from "./outputPaths";
import { databaseName, workgroupName } from "../infra/dataSharing/catalogDefinitions";
import { AthenaEngine, AthenaProgress } from "../functions/usageSummary/athenaEngine";
import { DuckDbEngine, LOCAL_TABLES } from "../functions/usageSummary/duckdbEngine";
import { InputError } from "../functions/usageSummary/errors";
import { summaryCsv, summaryTable } from "../functions/usageSummary/format";
import { Summary, summarize, withSkippedFiles } from "../functions/usageSummary/summary";
import { SummaryDay, parseSummaryDay } from "../functions/usageSummary/summaryDay";

const USAGE = [
  "usage: gridrail summary --date YYYY-MM-DD (--stack dev|prod [--workgroup NAME] [--database NAME] | --local DIR) [--json | --csv FILE]",
  "  --stack    run the named queries in the stack's Athena workgroup (AWS credentials and region from the environment)",
  "  --local    run them on DuckDB over DIR/{telemetry,meter-lake,supplier,quarantine,cloudtrail} (docs/summary.md)",
  "  --json     print the summary as one JSON object; --csv FILE writes the totals and per-train rows instead (-: standard output)",
].join("\n");

interface Options {
  readonly day: SummaryDay;
  readonly stack?: "dev" | "prod";
  readonly local?: string;
  readonly workgroup?: string;
  readonly database?: string;
  readonly json: boolean;
  readonly csv?: string;
}

const FLAGS = { date: "string", stack: "string", local: "string", workgroup: "string", database: "string", json: "boolean", csv: "string" } as const;

function parseOptions(a: ParsedArgs): Options {
  const [date, stack, local, workgroup, database, csv] = ["date", "stack", "local", "workgroup", "database", "csv"].map((k) => a[k] as string | undefined);
  if (date === undefined) throw new UsageError("--date is required");
  if ((stack === undefined) === (local === undefined)) throw new UsageError("give exactly one of --stack or --local");
  if (stack !== undefined && stack !== "dev" && stack !== "prod") throw new UsageError(`--stack must be dev or prod, not ${JSON.stringify(stack)}`);
  if (local !== undefined && (workgroup !== undefined || database !== undefined))
    throw new UsageError("--workgroup and --database go with --stack, not --local");
  if (a.json && csv !== undefined) throw new UsageError("give at most one of --json or --csv");
  let day: SummaryDay;
  try {
    day = parseSummaryDay(date);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { day, stack: stack as Options["stack"], local, workgroup, database, json: a.json === true, csv };
}

/** One progress line on stderr: rewritten in place on a terminal, one line per state change otherwise. */
function progressPrinter(): (p: AthenaProgress) => void {
  let last = "";
  return (p) => {
    const done = p.state !== "QUEUED" && p.state !== "RUNNING";
    const line = `${p.query}: ${p.state} after ${(p.elapsedMs / 1000).toFixed(1)} s, ${(p.bytesScanned / 1024 / 1024).toFixed(1)} MB scanned`;
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}${done ? "\n" : ""}`);
    else if (`${p.query}:${p.state}` !== last) process.stderr.write(`${line}\n`);
    last = `${p.query}:${p.state}`;
  };
}

async function onAthena(o: Options): Promise<Summary> {
  const stack = o.stack as string;
  const workgroup = o.workgroup ?? workgroupName(stack);
  const database = o.database ?? databaseName(stack);
  const engine = new AthenaEngine(new AthenaClient({}), { workgroup, database, onProgress: progressPrinter() });
  try {
    return await summarize(engine, o.day);
  } catch (e) {
    if (e instanceof InputError) throw e;
    // Credentials, region, access denied, unknown workgroup: the SDK's own words, on one line.
    throw new InputError(`Athena (workgroup ${workgroup}, database ${database}): ${(e as Error).name}: ${(e as Error).message}`);
  }
}

async function onDuckDb(o: Options): Promise<Summary> {
  const engine = await DuckDbEngine.open(o.local as string);
  try {
    const summary = await summarize(engine, o.day);
    // a file DuckDB cannot read is left out, named here and counted in the summary, never silently
    for (const s of engine.skipped) process.stderr.write(`warning: skipped ${s.file}: ${s.reason}\n`);
    // a folder with none of the tables' folders is most likely the wrong folder (out/ for out/local)
    if (engine.absentFolders.length === LOCAL_TABLES.length)
      process.stderr.write(
        `warning: ${o.local} has none of ${engine.absentFolders.map((f) => `${f}/`).join(", ")}: every count is 0 (the local stack writes them under out/local)\n`,
      );
    return withSkippedFiles(summary, engine.skipped.length);
  } finally {
    engine.close();
  }
}

async function main(args: ParsedArgs): Promise<void> {
  const o = parseOptions(args);
  if (o.csv !== undefined && o.csv !== STDOUT_PATH) {
    checkOutputFile("--csv", o.csv);
    if (o.local !== undefined) checkOutputOutsideFolder("--csv", o.csv, { flag: "--local", folder: o.local });
  }
  const summary = o.stack !== undefined ? await onAthena(o) : await onDuckDb(o);
  if (summary.unreadableReadings !== undefined) {
    const where = o.local !== undefined ? join(o.local, "telemetry", o.day.slashed) : `the readings table's partition ${o.day.slashed}`;
    process.stderr.write(
      `warning: ${summary.unreadableReadings} reading(s) in ${where} are not JSON records with a source and device_id: no count includes them (unreadableReadings)\n`,
    );
  }
  if (o.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else if (o.csv !== undefined) {
    const csv = summaryCsv(summary);
    if (o.csv === STDOUT_PATH) return void process.stdout.write(csv);
    try {
      writeFileSync(o.csv, csv);
    } catch (e) {
      throw new InputError(`cannot write ${o.csv}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    process.stdout.write(`wrote ${csv.split("\n").length - 2} rows to ${o.csv}\n`);
  } else {
    process.stdout.write(summaryTable(summary, o.stack !== undefined ? `Athena, stack ${o.stack}` : `DuckDB, ${o.local}`));
  }
}

export const command: Command = {
  name: "summary",
  usage: USAGE,
  flags: FLAGS,
  run: main,
};

if (require.main === module) runCommand(command);
