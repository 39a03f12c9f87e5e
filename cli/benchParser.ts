/**
 * Measures the supplier parser on a large upload within the Lambda's memory: a generated `timestamp,kwh` file
 * (1,000,000 rows, 25 MB by default) streamed through processObject with in-memory S3 ports (the real
 * multipart writer over a client that keeps only part sizes), in a child Node process whose heap is capped
 * at the function's memory. Reports peak RSS and time; then shows a 200 MB upload refused with a report.
 *   gridrail bench:parser [--json] [--rows 1000000] [--memory-mb 256]
 */
import { spawnSync } from "child_process";
import { Readable } from "stream";
import { S3Client } from "@aws-sdk/client-s3";
import { processObject } from "../functions/supplierParser/processObject";
import { s3Writer } from "../functions/supplierParser/s3Store";
import { ObjectStore } from "../functions/supplierParser/objectStore";
import { MB_PER_VCPU } from "../functions/dailyAnalysis/capacity";
import { meterDefaults } from "../infra/meterIngestion/defaults";
import { InputError } from "../anomaly/errors";
import { Command, ParsedArgs, integerFlag, runCommand } from "./args";

const USAGE = `usage: gridrail bench:parser [--json] [--rows N] [--memory-mb MB]
Parses a generated timestamp,kwh upload of --rows rows (default 1,000,000: 25 bytes a row, 25 MB) in a child
process started with --max-old-space-size=--memory-mb (default the parser's ${meterDefaults.parserMemoryMb} MB), and reports its
peak RSS; then a 200 MB upload, which is refused with a quarantine report without being read.`;

/** What the child process measured. */
interface ChildResult {
  rows: number;
  inputBytes: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  accepted: number;
  rejected: number;
  outputBytes: number;
  parts: number;
  refused200Mb: { reason: string; ms: number; reportKey: string };
}
const HEADER = "timestamp,kwh\n";

/** Row i: a half-hour from 1970 on, e.g. `1970-01-01T00:30Z,0.1234` (25 bytes with its newline). */
function row(i: number): string {
  return `${new Date(i * 1_800_000).toISOString().slice(0, 16)}Z,${(0.1 + (i % 9000) / 10_000).toFixed(4)}\n`;
}

function upload(rows: number): Readable {
  return Readable.from(
    (function* () {
      yield HEADER;
      let chunk = "";
      for (let i = 0; i < rows; i++) {
        chunk += row(i);
        if (chunk.length >= 64 * 1024) {
          yield chunk;
          chunk = "";
        }
      }
      if (chunk) yield chunk;
    })(),
  );
}

/** A client that accepts every multipart call and keeps only what the bench reports. */
function countingClient(stats: { parts: number; bytes: number }): S3Client {
  return {
    send: async (cmd: { constructor: { name: string }; input: { Body?: Buffer | string } }) => {
      const body = cmd.input.Body;
      if (body !== undefined) stats.bytes += typeof body === "string" ? Buffer.byteLength(body) : body.length;
      if (cmd.constructor.name === "UploadPartCommand") stats.parts++;
      return { UploadId: "bench", ETag: '"bench"' };
    },
  } as unknown as S3Client;
}

/** The upload's key, dated the day of its last row so every row is on or before the key's date. */
function keyFor(rows: number): string {
  return `${new Date((rows - 1) * 1_800_000).toISOString().slice(0, 10).replace(/-/g, "")}/bench.csv`;
}

async function child(rows: number): Promise<void> {
  const KEY = keyFor(rows);
  const stats = { parts: 0, bytes: 0 };
  const client = countingClient(stats);
  const reports: Record<string, string> = {};
  const size = HEADER.length + rows * 25;
  const store: ObjectStore = {
    get: async () => ({ body: upload(rows), size }),
    put: async (key, body) => {
      reports[key] = body;
      await client.send({ input: { Body: body } } as never);
    },
    writer: (key, type) => s3Writer(client, "lake", key, type),
  };
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const big = await processObject(store, KEY, { size });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const refusedT0 = process.hrtime.bigint();
  const refused = await processObject(store, KEY, { size: 200 * 1024 * 1024 });
  const refusedMs = Number(process.hrtime.bigint() - refusedT0) / 1e6;
  const result: ChildResult = {
    rows,
    inputBytes: size,
    seconds: Math.round(ms) / 1000,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
    peakRssMb: Math.round(peakRssMb),
    accepted: big.result.accepted,
    rejected: big.result.rejected,
    outputBytes: stats.bytes,
    parts: stats.parts,
    refused200Mb: { reason: refused.refused ?? "(not refused)", ms: Math.round(refusedMs * 10) / 10, reportKey: refused.quarantineKey },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Set in the environment of the measured child process (the parent starts it with the heap cap). */
const CHILD_VARIABLE = "GRIDRAIL_BENCH_PARSER_CHILD";

async function main(args: ParsedArgs): Promise<void> {
  const rows = integerFlag(args, "rows", 1_000_000, 1, 20_000_000);
  if (process.env[CHILD_VARIABLE] === "1") return child(rows);
  const memoryMb = integerFlag(args, "memory-mb", meterDefaults.parserMemoryMb, 64, 10_240);
  const run = spawnSync(process.execPath, [`--max-old-space-size=${memoryMb}`, "--require", "tsx/cjs", __filename, "--rows", String(rows)], {
    encoding: "utf8",
    env: { ...process.env, [CHILD_VARIABLE]: "1" },
  });
  if (run.status !== 0) {
    const exit = `exit ${run.status ?? run.signal}`;
    if (/heap out of memory|allocation failed/i.test(run.stderr))
      throw new InputError(`the parser ran out of its ${memoryMb} MB heap on ${rows} rows (${exit})`);
    throw new InputError(`the parser failed (${exit}): ${run.stderr.trim().split("\n").slice(-3).join(" ")}`);
  }
  const parsed = JSON.parse(run.stdout) as ChildResult;
  // Lambda gives a function CPU in proportion to its memory: the parse's CPU time scaled to the function's share
  const lambdaSeconds = Math.round((parsed.cpuSeconds * MB_PER_VCPU * 10) / Math.min(meterDefaults.parserMemoryMb, MB_PER_VCPU)) / 10;
  const r = { memoryMb, ...parsed, lambdaSeconds, timeoutSeconds: meterDefaults.parserTimeoutSeconds };
  if (args.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  process.stdout.write(
    [
      `${r.rows} rows, ${(r.inputBytes / 1e6).toFixed(1)} MB in: ${r.accepted} accepted, ${r.rejected} rejected, ${(r.outputBytes / 1e6).toFixed(1)} MB out in ${r.parts} parts`,
      `${r.seconds} s (${r.cpuSeconds} s CPU); peak RSS ${r.peakRssMb} MB with --max-old-space-size=${memoryMb}`,
      `on the function's ${meterDefaults.parserMemoryMb} MB share of a vCPU: about ${r.lambdaSeconds} s of its ${r.timeoutSeconds} s timeout`,
      `200 MB upload: ${r.refused200Mb.reason} (${r.refused200Mb.ms} ms, report ${r.refused200Mb.reportKey})`,
    ].join("\n") + "\n",
  );
}

export const command: Command = {
  name: "bench:parser",
  usage: USAGE,
  flags: { json: "boolean", rows: "string", "memory-mb": "string" },
  run: main,
};

if (require.main === module) runCommand(command);
