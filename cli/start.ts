import { existsSync, mkdirSync, readdirSync, writeFileSync } from "fs";
import { basename, dirname, join, resolve, sep } from "path";
import { customersLine } from "../local/customers/customersReport";
import { anomalyLines } from "../local/start/anomalyLines";
import { LocalReport, runLocalStack } from "../local/start/localStack";
import { RUN_NAMES } from "../local/start/folders";
import { Command, PROJECT_ROOT, ParsedArgs, SHARED_DATA, UsageError, integerFlag as integer, runCommand } from "./args";
import { checkOutputFile, checkOutputFolder } from "./outputPaths";

/**
 * `npm start`: the local stack. Both IoT systems run end to end on 127.0.0.1 with the Lambdas' own code
 * (see docs/local-stack.md), then print the day's summary and write a JSON report.
 */
const USAGE = "usage: gridrail start [--duration 60] [--trains 5] [--meters 20] [--seed 1] [--no-web] [--report FILE.json] [--out DIR]";

function printReport(r: LocalReport, print: (s: string) => void): void {
  const s = r.summary as unknown as Record<string, unknown>;
  print("");
  if (r.interruptedAfterS !== undefined) print(`interrupted after ${r.interruptedAfterS} s of ${r.durationS}: the fleets published nothing after it`);
  print(
    `trains (${r.trainData === "metropt3" ? "MetroPT-3 replay" : "APU simulator"}): ${r.readingsPublished} readings published, ${r.readingsScored} scored, ${r.readingsDeadLettered} dead-lettered, ${r.readingsSkipped} skipped, ${r.readingsLost} lost`,
  );
  for (const line of anomalyLines(r)) print(line);
  print(
    `meters: ${r.meterReadingsPublished} readings, and ${r.meterReadingsStored} of an earlier day from a meter back from an outage; ` +
      `daily analysis ${r.dailyAnalysis.date}: ${r.dailyAnalysis.reportsWritten} report(s), ${r.dailyAnalysis.reportsRevised - r.dailyAnalysis.householdRevisions} earlier report(s) revised with late readings, ${r.dailyAnalysis.householdRevisions} with a household's first day, ${r.dailyAnalysis.unusualHalfHours} unusual half-hour(s)`,
  );
  print(
    `supplier files: ${r.supplierFiles.accepted} ingested (${r.supplierFiles.rowsAccepted} rows, ${r.supplierFiles.rowsRejected} rejected rows; ${r.supplierFiles.readingsUnreported} readings of other days, which no report reads), ${r.supplierFiles.rejected} refused`,
  );
  print(`daily summary ${String(s.date)}: ${JSON.stringify(Object.fromEntries(Object.entries(s).filter(([k]) => k !== "trains" && k !== "date")))}`);
  print(customersLine(r.customers));
  const folders = existsSync(r.outDir) ? readdirSync(r.outDir, { withFileTypes: true }).filter((e) => e.isDirectory()) : [];
  print(
    `output: ${r.outDir} (${folders
      .map((e) => `${e.name}/`)
      .sort()
      .join(", ")})`,
  );
}

/**
 * `--report` is checked before the run: a file in `--out` itself is fine (the run makes the folder), one in a
 * folder under it is not (the run empties `--out` first, so that folder would be gone when the report is written).
 */
export function checkReportFile(reportFile: string, outDir: string): void {
  const path = resolve(reportFile);
  if (path === outDir) throw new UsageError(`--report ${reportFile} is the --out folder: give a file in it or elsewhere`);
  const folder = dirname(path);
  if (folder === outDir) {
    if (RUN_NAMES.includes(basename(path)))
      throw new UsageError(`--report ${reportFile}: the run makes ${basename(path)} in --out ${outDir}: give another name`);
    return;
  }
  if (folder.startsWith(outDir + sep)) {
    throw new UsageError(`--report ${reportFile}: inside --out ${outDir}, which the run empties first: write it in ${outDir} itself or elsewhere`);
  }
  checkOutputFile("--report", reportFile);
}

/** Signals this close together are one Ctrl-C delivered twice. */
const SAME_KEYPRESS_MS = 1000;

async function main(args: ParsedArgs): Promise<void> {
  const root = PROJECT_ROOT;
  const shared = SHARED_DATA;
  if (args.out !== undefined) checkOutputFolder("--out", args.out as string);
  const outDir = resolve((args.out as string | undefined) ?? join(root, "out", "local"));
  const reportFile = args.report as string | undefined;
  if (reportFile !== undefined) checkReportFile(reportFile, outDir);
  let stop!: () => void;
  const interrupted = new Promise<void>((r) => (stop = r));
  process.once("SIGINT", () => {
    process.stderr.write("\ninterrupted: finishing the run (Ctrl-C again to abort)\n");
    stop();
    // one Ctrl-C can arrive twice: from the terminal and relayed by the parent process (npm start runs tsx, which
    // forwards the signal to its child), so a second one within a second is the same keypress
    const first = Date.now();
    const again = () => {
      if (Date.now() - first < SAME_KEYPRESS_MS) process.once("SIGINT", again);
      else process.exit(130);
    };
    process.once("SIGINT", again);
  });
  const print = (line: string) => process.stdout.write(`${line}\n`);
  if (!existsSync(shared)) print(`note: ${shared} is absent: trains use the APU simulator, suppliers a built-in file`);
  const report = await runLocalStack({
    durationS: integer(args, "duration", 60, 5, 86_400),
    trains: integer(args, "trains", 5, 1, 200),
    meters: integer(args, "meters", 20, 1, 1000),
    seed: integer(args, "seed", 1, 0, 2 ** 31 - 1),
    web: !args["no-web"],
    outDir,
    sharedData: existsSync(shared) ? shared : undefined,
    print,
    interrupted,
  });
  printReport(report, print);
  mkdirSync(outDir, { recursive: true });
  const file = reportFile ?? join(outDir, "report.json");
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  print(`report: ${file}`);
}

export const command: Command = {
  name: "start",
  usage: USAGE,
  flags: { duration: "string", trains: "string", meters: "string", seed: "string", "no-web": "boolean", report: "string", out: "string" },
  run: main,
};

if (require.main === module) runCommand(command);
