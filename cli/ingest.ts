/**
 * Parses a supplier CSV locally with the same core the supplierParser Lambda runs and prints the outcome.
 * Exit 0 when the file gave at least one row (even with rejected rows), 1 when it could not be read or gave none
 * (empty, an unknown layout, every row rejected: the outcome is printed first), 2 for usage.
 */
import { InputError } from "../anomaly/errors";
import { Command, ParsedArgs, UsageError, runCommand } from "./args";
import { DEFAULT_MAX_OBJECT_BYTES } from "../functions/supplierParser/byteLimit";
import { IngestResult, ingestFile } from "../functions/supplierParser/ingest";
import { zoneClock } from "../functions/supplierParser/localClock";
import { KeyError, validateClientId, validateDate } from "../functions/supplierParser/s3Key";

const USAGE = "usage: gridrail ingest --file F.csv --client-id ID [--date YYYYMMDD] [--time-zone NAME] [--json]";

async function main(args: ParsedArgs): Promise<void> {
  const file = args.file as string | undefined;
  const clientId = args["client-id"] as string | undefined;
  const date = args.date as string | undefined;
  if (file === undefined) throw new UsageError("--file is required");
  if (file === "-") throw new UsageError("--file needs a file path: - (standard input) is not supported for it");
  if (clientId === undefined) throw new UsageError("--client-id is required");
  const check = (flag: string, validate: () => void) => {
    try {
      validate();
    } catch (e) {
      if (e instanceof KeyError) throw new UsageError(`${flag}: ${e.message}`);
      throw e;
    }
  };
  check("--client-id", () => validateClientId(clientId));
  if (date !== undefined) check("--date", () => validateDate(date));
  const timeZone = args["time-zone"] as string | undefined;
  if (timeZone !== undefined) {
    try {
      zoneClock(timeZone);
    } catch (e) {
      throw new UsageError(`--time-zone: ${(e as Error).message}`);
    }
  }
  // a file the parser would refuse for its size is refused here too, before reading
  const r = await ingestFile(file, { clientId, date, timeZone }, DEFAULT_MAX_OBJECT_BYTES);
  // readings: the first few, as a sample of what was read; readingCount: all of them
  const out = {
    layout: r.layout,
    rows: r.rows,
    accepted: r.accepted,
    rejected: r.rejected,
    readingCount: r.readingCount,
    readings: r.readings,
    errors: r.errors,
    reasons: r.reasons,
    ...(r.unreported ? { unreported: r.unreported } : {}),
    ...(r.notes ? { notes: r.notes } : {}),
  };
  if (args.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else printOutcome(file, date, r);
  // NEM12 carries its own time (NEM time, UTC+10): a zone given for it changes nothing, which is said
  if (timeZone !== undefined && (r.layout === "nem12" || r.layout === "nem12-excel")) {
    process.stderr.write(`note: --time-zone ${timeZone} does not apply to a ${r.layout} file: NEM12 times are NEM time (UTC+10)\n`);
  }
  // the parser quarantines such an upload whole: a script sees it in the exit code
  if (r.accepted === 0) {
    const why =
      r.layout === "empty"
        ? "the file is empty"
        : r.layout === "unknown"
          ? "its layout is not one the parser reads"
          : r.rows === 0
            ? "it has no data rows"
            : "every row was rejected";
    throw new InputError(`${file}: no row accepted (layout ${r.layout}): ${why}`);
  }
}

function printOutcome(file: string, date: string | undefined, r: IngestResult): void {
  process.stdout.write(`${file}: layout ${r.layout}, ${r.rows} rows, ${r.accepted} accepted, ${r.rejected} rejected, ${r.readingCount} readings\n`);
  if (r.unreported) {
    const { readings, first, last } = r.unreported;
    process.stdout.write(
      `  ${readings} reading(s) from ${first} to ${last} are of days no daily report reads this file for (it is named ${date}): upload each day under its own date\n`,
    );
  }
  for (const n of r.notes ?? []) process.stdout.write(`  line ${n.line} (accepted): ${n.note}\n`);
  for (const e of r.errors) process.stdout.write(`  line ${e.line}: ${e.reason}\n`);
  // past the listed rows, the counts per kind of reason say what the rest were
  if (r.rejected > r.errors.length) {
    process.stdout.write(`  ${r.rejected - r.errors.length} more rejected row(s) not listed; every rejected row by reason:\n`);
    for (const k of r.reasons) process.stdout.write(`  ${k.count} x ${k.reason}\n`);
  }
}

export const command: Command = {
  name: "ingest",
  usage: USAGE,
  flags: { file: "string", "client-id": "string", date: "string", "time-zone": "string", json: "boolean" },
  run: main,
};

if (require.main === module) runCommand(command);
