/**
 * Meter claim codes for the supplier or installer: `issue` prints a one-time code the customer types into
 * `POST /profile/meter`; `revoke` withdraws an unused one; `unlink` takes a meter from a household that moved
 * out. Talks to the customer API's profile table (its name is the stack output `profileTableName`) with the AWS
 * credentials and region of the environment.
 *   gridrail claims issue --meter ID --table NAME [--ttl-hours 72] [--reports-from YYYY-MM-DD] [--json]
 *   gridrail claims revoke --meter ID --table NAME
 *   gridrail claims unlink --meter ID --table NAME
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Command, ParsedArgs, UsageError, integerFlag, runCommand } from "./args";
import {
  ClaimAdminError,
  DEFAULT_CLAIM_TTL_HOURS,
  checkMeter,
  checkReportsFrom,
  MAX_CLAIM_TTL_HOURS,
  issueClaim,
  issueWarnings,
  revokeClaim,
  unlinkMeter,
} from "../functions/meterClaim/claimAdmin";
import { InputError } from "../anomaly/errors";

const USAGE = [
  "usage: gridrail claims issue --meter ID --table NAME [--ttl-hours 72] [--reports-from YYYY-MM-DD] [--json]",
  "       gridrail claims revoke --meter ID --table NAME",
  "       gridrail claims unlink --meter ID --table NAME",
  "  issue      print a one-time claim code for the meter (only its salted SHA-256 is stored), replacing any earlier one",
  "  revoke     withdraw the meter's unused claim code",
  "  unlink     take the meter from its owner (a household that moved out): they no longer see its reports",
  "  --table    the customer API's profile table (stack output profileTableName)",
  `  --ttl-hours  hours the code stays valid, 1-${MAX_CLAIM_TTL_HOURS} (default ${DEFAULT_CLAIM_TTL_HOURS})`,
  "  --reports-from  the household's first day: the customer who links sees the meter's reports of that day on (default: today, UTC)",
].join("\n");

/** The work on the table; an AWS failure (region, credentials, a missing table) says which table and where it comes from. */
async function onTable<T>(table: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof ClaimAdminError) throw e;
    throw new InputError(`DynamoDB table ${table}: ${(e as Error).name}: ${(e as Error).message} (AWS credentials and region come from the environment)`);
  }
}

/** The client is injected so tests can mock it; `now` likewise. */
export async function runClaims(
  args: ParsedArgs,
  client: DynamoDBClient,
  out: NodeJS.WritableStream,
  now: Date,
  err: NodeJS.WritableStream = process.stderr,
): Promise<void> {
  const meter = args.meter as string | undefined;
  const table = args.table as string | undefined;
  if (meter === undefined) throw new UsageError("--meter is required");
  if (table === undefined) throw new UsageError("--table is required (the stack output profileTableName)");
  // a DynamoDB table name (3 to 255 of letters, digits, _ - .) or its ARN, as the API takes either
  if (!/^(arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/)?[A-Za-z0-9_.-]{3,255}$/.test(table)) {
    throw new UsageError(
      `--table ${JSON.stringify(table)} is not a DynamoDB table name or ARN (3 to 255 letters, digits, _, - or .; the stack output profileTableName)`,
    );
  }
  try {
    checkMeter(meter);
  } catch (e) {
    throw new UsageError(`--meter: ${(e as Error).message}`);
  }
  if (args.subcommand === "revoke" || args.subcommand === "unlink") {
    const given = ["ttl-hours", "reports-from", "json"].filter((f) => args[f] !== undefined && args[f] !== false).map((f) => `--${f}`);
    if (given.length > 0) throw new UsageError(`${given.join(" and ")} ${given.length > 1 ? "go" : "goes"} with issue, not ${args.subcommand}`);
    if (args.subcommand === "revoke") {
      await onTable(table, () => revokeClaim(client, table, meter));
      out.write(`revoked the unused claim code of meter ${meter}\n`);
      return;
    }
    const owner = await onTable(table, () => unlinkMeter(client, table, meter));
    out.write(`meter ${meter} unlinked from customer ${owner}; issue a claim code for the next occupant\n`);
    return;
  }
  const ttlHours = integerFlag(args, "ttl-hours", DEFAULT_CLAIM_TTL_HOURS, 1, MAX_CLAIM_TTL_HOURS);
  const reportsFrom = args["reports-from"] === undefined ? undefined : String(args["reports-from"]);
  if (reportsFrom !== undefined) {
    try {
      checkReportsFrom(reportsFrom);
    } catch (e) {
      throw new UsageError(`--${(e as Error).message}`);
    }
  }
  for (const w of await onTable(table, () => issueWarnings(client, table, meter, now))) err.write(`warning: ${w}\n`);
  const issued = await onTable(table, () => issueClaim(client, table, meter, ttlHours, now, undefined, reportsFrom));
  out.write(
    args.json
      ? `${JSON.stringify(issued)}\n`
      : `meter ${issued.meterId}: claim code ${issued.claimCode} (valid until ${issued.expiresAt}, shown once); its household sees reports from ${issued.reportsFrom}\n`,
  );
}

export const command: Command = {
  name: "claims",
  usage: USAGE,
  flags: { meter: "string", table: "string", "ttl-hours": "string", "reports-from": "string", json: "boolean" },
  subcommands: ["issue", "revoke", "unlink"],
  run: (args) => runClaims(args, new DynamoDBClient({}), process.stdout, new Date()),
};

if (require.main === module) runCommand(command);
