/**
 * Measures the daily analysis: CPU per client for a day with RECENT_DAYS (14) days of reports behind it (in-memory lake and
 * reports bucket, so no S3 latency), and from it the clients one scheduled invocation can handle.
 *   gridrail bench:analysis [--json] [--clients 100] [--s3-ms 30] [--dynamodb-ms 10] [--supplier]
 */
import { ANALYSIS_CONCURRENCY, analyseDay } from "../functions/dailyAnalysis/analyseDay";
import { clientsPerInvocation, MB_PER_VCPU } from "../functions/dailyAnalysis/capacity";
import { RECENT_DAYS } from "../functions/dailyAnalysis/clientReport";
import { Households } from "../functions/dailyAnalysis/households";
import { MemoryLake, MemoryReports } from "../functions/dailyAnalysis/memoryPorts";
import { addDays, parseDay, ReportDay } from "../functions/dailyAnalysis/reportDay";
import { meterDefaults } from "../infra/meterIngestion/defaults";
import { meterHistory, planMeters } from "../local/sim/meterFleet";
import { Command, ParsedArgs, integerFlag, runCommand } from "./args";
import { measureSdkCost, sdkCpuMs } from "./sdkRequestCpu";

const USAGE = `usage: gridrail bench:analysis [--json] [--clients N] [--s3-ms MS] [--dynamodb-ms MS] [--supplier]
Runs the daily analysis over --clients simulated households (default 100) for ${RECENT_DAYS} days to build
their history, one lake object a reading as the readings rule writes them, then times the next day: CPU ms per
client, plus the AWS SDK's own CPU for each of its S3 requests (measured here against in-memory answers: a GET,
and a listing by the keys it returns).
Estimates the clients one invocation handles in its timeout, on the Lambda's share of a vCPU, with --s3-ms
(default 30) per S3 request and --dynamodb-ms (default 10) per read of a household's first days from the profile
table (a client a run: two GetItems sent together, as the function makes them). --supplier: every client also has a supplier file a day (NEM time, written at
16:00 UTC of its day), so each run also completes the day before with it.`;

/** NEM time: a supplier's day starts at 14:00 UTC the day before. */
const NEM_OFFSET_MS = 10 * 3_600_000;

/** A supplier's processed file of local day `d` for a client, as the parser writes it. */
function supplierFile(clientId: string, d: ReportDay): { key: string; body: string } {
  const start = d.startMs - NEM_OFFSET_MS;
  const lines = Array.from(
    { length: 48 },
    (_, i) =>
      `{"clientId":"${clientId}","intervalStart":"${new Date(start + i * 1_800_000).toISOString()}","intervalMinutes":30,"kwh":${(0.2 + (i % 7) / 20).toFixed(3)},"quality":"A","channel":"consumption"}`,
  );
  return { key: `processed/${d.compact}/${clientId}.jsonl`, body: `${lines.join("\n")}\n` };
}

/** The profile table's GetItems a household read makes (dynamoHouseholds.ts: the claim item and the owner item). */
const GETITEMS_A_READ = 2;

/**
 * The meters' households as the profile table would give them, counting its GetItems: every meter's household
 * moved in long before, except every 20th meter's, which moved in three days before the timed day (its report
 * compares only with those days).
 */
function countedHouseholds(clientIds: readonly string[], day: ReportDay): Households & { getItems: number } {
  const moved = new Set(clientIds.filter((_, i) => i % 20 === 0));
  const port = {
    getItems: 0,
    firstDays: async (meterId: string) => {
      port.getItems += GETITEMS_A_READ;
      return [addDays(day, moved.has(meterId) ? -3 : -400).iso];
    },
  };
  return port;
}

const LAMBDA_MB = meterDefaults.analysisMemoryMb;
/** The time the schedule runs a day's analysis: 00:30 UTC the day after. */
const scheduled = (day: ReportDay) => () => new Date(day.startMs + 86_400_000 + 1_800_000);
/** Clients in flight: analyseDay's default concurrency. */
const IN_FLIGHT = ANALYSIS_CONCURRENCY;

async function main(args: ParsedArgs): Promise<void> {
  const clients = integerFlag(args, "clients", 100, 1, 100_000);
  const s3Ms = integerFlag(args, "s3-ms", 30, 0, 10_000);
  const dynamoMs = integerFlag(args, "dynamodb-ms", 10, 0, 10_000);
  const log = (s: string) => (args.json ? undefined : process.stderr.write(`${s}\n`));

  const plan = planMeters(clients, 1);
  const day = parseDay("2026-11-21");
  const lake = new MemoryLake();
  const reports = new MemoryReports();
  const households = countedHouseholds(plan.clientIds, day);
  for (let k = RECENT_DAYS; k >= 0; k--) {
    for (const h of meterHistory(plan, 1, addDays(day, -k).startMs)) lake.objects.set(h.key, h.body);
  }
  // a day's supplier files land at 16:00 UTC of that day: before its run, after the run of the day before
  const supplierFilesOf = (d: ReportDay) => {
    if (!args.supplier) return;
    for (const id of plan.clientIds) {
      const f = supplierFile(id, d);
      lake.objects.set(f.key, f.body);
      lake.modified.set(f.key, d.startMs + 16 * 3_600_000);
    }
  };
  supplierFilesOf(addDays(day, -RECENT_DAYS - 1));
  for (let k = RECENT_DAYS; k >= 1; k--) {
    supplierFilesOf(addDays(day, -k));
    log(`history: analysing ${addDays(day, -k).iso} for ${clients} clients...`);
    await analyseDay(lake, reports, addDays(day, -k), { now: scheduled(addDays(day, -k)), households });
  }
  supplierFilesOf(day);
  log(`timing ${day.iso}...`);
  const before = { requests: lake.requests + reports.requests, listings: lake.listings, listedKeys: lake.listedKeys, getItems: households.getItems };
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const summary = await analyseDay(lake, reports, day, { now: scheduled(day), households });
  const used = process.cpuUsage(cpu);
  const wallMs = performance.now() - wall;
  // the S3 requests the day's run made through the ports (listings, lake GETs, report GETs and PUTs), per client
  const requests = lake.requests + reports.requests - before.requests;
  const listings = lake.listings - before.listings;
  const listedKeys = lake.listedKeys - before.listedKeys;
  const requestsPerClient = requests / clients;
  const getItemsPerClient = (households.getItems - before.getItems) / clients;
  if (summary.reportsWritten !== clients || summary.failed.length > 0)
    throw new Error(`expected ${clients} reports, got ${summary.reportsWritten} (${summary.failed.length} failed)`);

  log("timing the SDK's CPU a request...");
  const sdk = await measureSdkCost();
  // a GetItem's answer (three short attributes) is counted at a GET's SDK cost
  const sdkMsPerClient = sdkCpuMs(sdk, { gets: requests - listings + getItemsPerClient * clients, listings, listedKeys }) / clients;
  const analysisCpuMs = (used.user + used.system) / 1000 / clients;
  const cpuMsPerClient = analysisCpuMs + sdkMsPerClient;
  const capacity = clientsPerInvocation({
    cpuMsPerClient,
    lambdaMb: LAMBDA_MB,
    requestsPerClient,
    msPerRequest: s3Ms,
    // the two GetItems of a read are sent together: one round trip
    otherRequestMsPerClient: (getItemsPerClient / GETITEMS_A_READ) * dynamoMs,
    inFlight: IN_FLIGHT,
    timeoutSeconds: meterDefaults.analysisTimeoutSeconds,
    usable: 0.8,
  });
  const perInvocation = capacity.perInvocation;
  const result = {
    clients,
    cpuMsPerClient: Math.round(cpuMsPerClient * 100) / 100,
    analysisCpuMsPerClient: Math.round(analysisCpuMs * 100) / 100,
    sdkCpuMsPerClient: Math.round(sdkMsPerClient * 100) / 100,
    sdkCpuMsPerGet: Math.round(sdk.getMs * 1000) / 1000,
    sdkCpuMsPerListing: Math.round(sdk.listingMs * 1000) / 1000,
    sdkCpuMsPerListedKey: Math.round(sdk.listedKeyMs * 10000) / 10000,
    listingsPerClient: Math.round((listings / clients) * 100) / 100,
    listedKeysPerClient: Math.round((listedKeys / clients) * 10) / 10,
    wallMsPerClient: Math.round((wallMs / clients) * 100) / 100,
    unusualHalfHours: summary.unusualHalfHours,
    supplierFiles: args.supplier === true,
    reportsRevised: summary.reportsRevised,
    lambdaMb: LAMBDA_MB,
    s3MsPerRequest: s3Ms,
    requestsPerClient: Math.round(requestsPerClient * 100) / 100,
    getItemsPerClient: Math.round(getItemsPerClient * 100) / 100,
    dynamoMsPerGetItem: dynamoMs,
    clientsPerInvocation: perInvocation,
    bound: capacity.bound,
    timeoutSeconds: meterDefaults.analysisTimeoutSeconds,
    prodShards: meterDefaults.analysisShards.prod,
  };
  if (args.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
  process.stdout.write(
    `${clients} clients${args.supplier ? " with supplier files" : ""} (${summary.reportsRevised} days before revised): ${result.cpuMsPerClient} CPU ms a client here: ${result.analysisCpuMsPerClient} analysing (${result.wallMsPerClient} ms wall, in memory) and ${result.sdkCpuMsPerClient} of the SDK's (${result.sdkCpuMsPerGet} ms a GET or PUT; a listing ${result.sdkCpuMsPerListing} ms and ${result.sdkCpuMsPerListedKey} a key, ${result.listingsPerClient} listings of ${result.listedKeysPerClient} keys a client); ${result.unusualHalfHours} unusual half-hours\n` +
      `estimate: ${perInvocation} clients an invocation (${LAMBDA_MB} MB = ${(LAMBDA_MB / MB_PER_VCPU).toFixed(2)} vCPU, ${result.requestsPerClient} S3 requests a client (counted) at ${s3Ms} ms and ${result.getItemsPerClient} profile-table GetItems at ${dynamoMs} ms a pair, ${IN_FLIGHT} in flight, 80% of ${meterDefaults.analysisTimeoutSeconds} s, bound by ${capacity.bound}); ` +
      `prod's ${meterDefaults.analysisShards.prod} shards: ${perInvocation * meterDefaults.analysisShards.prod} clients a day\n`,
  );
}

export const command: Command = {
  name: "bench:analysis",
  usage: USAGE,
  flags: { json: "boolean", clients: "string", "s3-ms": "string", "dynamodb-ms": "string", supplier: "boolean" },
  run: main,
};

if (require.main === module) runCommand(command);
