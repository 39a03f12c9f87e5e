import { existsSync, mkdirSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import { customersLine } from "../local/customers/customersReport";
import { anomalyLines } from "../local/start/anomalyLines";
import { LocalReport, runLocalStack } from "../local/start/localStack";
import { Command, ParsedArgs, SHARED_DATA, integerFlag as integer, runCommand } from "./args";
import { checkOutputFile } from "./outputPaths";

/**
 * `npm start`: the local stack. Both IoT systems run end to end on 127.0.0.1 with the Lambdas' own code
 * (see docs/local-stack.md), then print the day's summary and write a JSON report.
 */
const USAGE = "usage: gridrail start [--duration 60] [--trains 5] [--meters 20] [--seed 1] [--no-web] [--report FILE.json] [--out DIR]";

function printReport(r: LocalReport, print: (s: string) => void): void {
  const s = r.summary as unknown as Record<string, unknown>;
  print("");
  print(
    `trains (${r.trainData === "metropt3" ? "MetroPT-3 replay" : "APU simulator"}): ${r.readingsPublished} readings published, ${r.readingsScored} scored, ${r.readingsDeadLettered} dead-lettered, ${r.readingsSkipped} skipped, ${r.readingsLost} lost`,
  );
  for (const line of anomalyLines(r)) print(line);
  print(
    `meters: ${r.meterReadingsPublished} readings; daily analysis ${r.dailyAnalysis.date}: ${r.dailyAnalysis.reportsWritten} report(s), ${r.dailyAnalysis.unusualHalfHours} unusual half-hour(s)`,
  );
  print(
    `supplier files: ${r.supplierFiles.accepted} ingested (${r.supplierFiles.rowsAccepted} rows, ${r.supplierFiles.rowsRejected} rejected rows), ${r.supplierFiles.rejected} refused`,
  );
  print(`daily summary ${String(s.date)}: ${JSON.stringify(Object.fromEntries(Object.entries(s).filter(([k]) => k !== "trains" && k !== "date")))}`);
  print(customersLine(r.customers));
  print(`output: ${r.outDir} (meter-lake/, reports/, telemetry/, supplier/, quarantine/)`);
}

async function main(args: ParsedArgs): Promise<void> {
  const root = join(__dirname, "..");
  const shared = SHARED_DATA;
  const outDir = resolve((args.out as string | undefined) ?? join(root, "out", "local"));
  const reportFile = args.report as string | undefined;
  if (reportFile !== undefined) checkOutputFile("--report", reportFile);
  let stop!: () => void;
  const interrupted = new Promise<void>((r) => (stop = r));
  process.once("SIGINT", () => {
    process.stderr.write("\ninterrupted: finishing the run (Ctrl-C again to abort)\n");
    stop();
    process.once("SIGINT", () => process.exit(130));
  });
  const print = (line: string) => process.stdout.write(`${line}\n`);
  if (!existsSync(shared)) print(`note: ${shared} is absent: trains use the APU simulator, suppliers a built-in file`);
  const report = await runLocalStack({
    durationS: integer(args, "duration", 60, 5, 86_400),
    trains: integer(args, "trains", 5, 1, 200),
    meters: integer(args, "meters", 20, 1, 5000),
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
