/**
 * A train: publishes sensor readings over MQTT (buffering while offline), follows its anomaly shadow and
 * prints what the cloud told it, one JSON object a line.
 *   gridrail train-agent --broker mqtt://127.0.0.1:1883 --train train-0042 [--csv FILE [--keep-time]]
 *     [--count N] [--interval-ms 100] [--seed N] [--fault SENSOR:START:LENGTH:OFFSET]... [--start ISO]
 *     [--shadow anomaly] [--linger-ms 0] [--ca FILE --cert FILE --key FILE]
 *     [--outbox DIR] [--outbox-max N] [--outbox-fsync-ms N] [--edge-detect [--edge-model FILE]]
 */
import { existsSync, readFileSync } from "fs";
import { join, resolve } from "path";
import { APU_SENSORS, ApuFault, ApuSimulator } from "../devices/trainAgent/apuSimulator";
import { AnomalyNotice, isFaultEntry } from "../devices/trainAgent/anomalyInbox";
import { EdgeChange, EdgeDetector } from "../devices/trainAgent/edgeDetector";
import { Reconciliation } from "../devices/trainAgent/reconcile";
import { readMetroptCsv } from "../devices/trainAgent/metroptCsv";
import { boundsWarnings, shiftedToNow, simulatorStart, timelineWarnings } from "../devices/trainAgent/timeline";
import { ANALOG_SENSORS } from "../functions/trainAnomaly/sensors";
import { SensorReading, TrainAgent, TrainAgentOptions } from "../devices/trainAgent/trainAgent";
import { InputError } from "../anomaly/errors";
import { parseTimestamp } from "../anomaly/io/timestamp";
import { Command, PROJECT_ROOT, ParsedArgs, integerFlag, runCommand, UsageError } from "./args";
import { checkOutputFolder } from "./outputPaths";

const USAGE = `usage: gridrail train-agent --broker URL --train train-<id> [--csv FILE [--keep-time]] [--count N]
  [--interval-ms N] [--seed N] [--fault SENSOR:START:LENGTH:OFFSET]... [--start ISO] [--shadow NAME]
  [--linger-ms N] [--ca FILE --cert FILE --key FILE] [--outbox DIR] [--outbox-max N] [--outbox-fsync-ms N]
  [--edge-detect [--edge-model FILE]]
Sends readings (MetroPT-3 rows from --csv, else a simulated air production unit, 10 s apart) on
trains/<train>/telemetry, --interval-ms apart, then waits until all are acknowledged (and --linger-ms more).
Their times end now: the simulator's last reading is now unless --start is given, and a --csv file is moved
in time, its spacing kept, so its last row is now (--keep-time sends its own times). The cloud refuses
readings dated over 5 minutes after they arrive or over 7 days before: a warning counts any that would be.
Readings not yet acknowledged wait in the outbox folder (default outbox/<train>; at most --outbox-max,
default 60000, about the 7 days the cloud accepts a reading for, the oldest dropped and counted past it;
fsynced every --outbox-fsync-ms, default 1000): a restarted agent sends them first, in order.
--edge-detect runs the cloud's detector (train Lambda defaults) on every reading, online and offline; while
offline each episode start and end is an "edge:" line on stderr, and episodes are kept in
<outbox>/edge-episodes.jsonl. On reconnect the shadow's anomalies are reconciled with them: one the edge saw
is printed once, "edge": "confirmed by cloud"; the others are "edge only" or "cloud only". --edge-model
starts from the cloud model's checkpoint (DynamoDB get-item JSON, checkpoint JSON, or model state bytes).
Prints {"event": "restored" | "connected" | "disconnected" | "anomaly" | "edge" | "reconciled" | "dropped" |
"done", ...} lines.`;

/** An hour, in ms: the longest wait any of the agent's timing flags takes. */
const HOUR_MS = 3_600_000;

/** Why `text` is not a broker URL the agent can use, or undefined. */
export function brokerUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "not a URL (e.g. mqtt://127.0.0.1:1883)";
  }
  const scheme = url.protocol.slice(0, -1);
  if (!["mqtt", "mqtts", "ws", "wss"].includes(scheme)) return `the scheme must be mqtt, mqtts, ws or wss, got ${scheme}`;
  if (url.hostname === "") return "no host";
  return undefined;
}

export function parseFault(text: string): ApuFault {
  const m = /^([A-Za-z_0-9]+):(\d+):(\d+):(-?\d+(\.\d+)?)$/.exec(text);
  if (!m) throw new UsageError(`--fault must be SENSOR:START:LENGTH:OFFSET (e.g. Oil_temperature:600:50:8), got ${JSON.stringify(text)}`);
  if (!(APU_SENSORS as readonly string[]).includes(m[1]))
    throw new UsageError(`--fault: no sensor ${JSON.stringify(m[1])}; the simulator's sensors are ${APU_SENSORS.join(", ")}`);
  if (!ANALOG_SENSORS.includes(m[1])) {
    const analog = APU_SENSORS.filter((name) => ANALOG_SENSORS.includes(name));
    throw new UsageError(`--fault ${m[1]}: a digital sensor (0 or 1) takes no offset; the analog ones are ${analog.join(", ")}`);
  }
  return { sensor: m[1], start: Number(m[2]), length: Number(m[3]), offset: Number(m[4]) };
}

/** A file named by a flag, as text; an InputError naming the flag and the file when it cannot be read. */
function readInput(flag: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`${flag} ${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** A train id's own seed, so each simulated train differs but repeats. */
function seedOf(train: string): number {
  let h = 2166136261;
  for (const c of train) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/**
 * An outbox of `train` under `outbox/` in the folder the agent runs from, when that is not the outbox it uses
 * (the default is the project's): its readings would wait there unsent. The warning, or undefined.
 */
export function strayOutbox(cwd: string, train: string, outboxDir: string): string | undefined {
  const here = resolve(cwd, "outbox", train);
  if (here === resolve(outboxDir) || !existsSync(here)) return undefined;
  return `${here} holds an outbox of ${train} that this run does not read (its outbox is ${outboxDir}): pass --outbox ${here} to send what it kept`;
}

/** Why the file system refused the outbox folder, in words for the common causes. */
const OUTBOX_REFUSALS: Readonly<Record<string, string>> = {
  EEXIST: "a file, not a folder",
  ENOTDIR: "under a file, not a folder",
  EACCES: "not writable",
  EROFS: "on a read-only file system",
};

/** Opens what lives in the outbox folder; an InputError naming --outbox when the folder cannot be used. */
function inOutbox<T>(outboxDir: string, open: () => T): T {
  try {
    return open();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    throw new InputError(`--outbox ${outboxDir}: cannot use: ${OUTBOX_REFUSALS[code] ?? code}`);
  }
}

/** The --csv file's readings; a file it cannot read is an error naming the flag, the file and the line. */
function csvReadings(file: string): SensorReading[] {
  const text = readInput("--csv", file);
  try {
    return readMetroptCsv(text, file);
  } catch (e) {
    if ((e as Error).name === "CsvError") (e as Error).message = `--csv ${(e as Error).message}`;
    throw e;
  }
}

const print = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** The operator's line for an edge episode that opens or clears while the train is offline. */
export function edgeWarning(train: string, c: EdgeChange): string {
  const what = c.episode.fault ? "sensor fault" : "anomaly";
  return `edge: ${train} ${what} ${c.kind === "opened" ? "started" : "ended"} (offline, not yet seen by the cloud) ${c.episode.id}: ${c.episode.message}`;
}

function reconciledLine(train: string, r: Reconciliation): Record<string, unknown> {
  return {
    event: "reconciled",
    train,
    confirmed: r.confirmed,
    edgeOnly: r.edgeOnly,
    cloudOnly: r.cloudOnly,
    episodes: r.episodes.map((e) => ({ kind: e.kind, ...(e.cloudId === undefined ? {} : { id: e.cloudId }), edgeIds: e.edgeIds })),
  };
}

async function main(args: ParsedArgs): Promise<void> {
  if (typeof args.broker !== "string") throw new UsageError("--broker is required");
  const brokerProblem = brokerUrlProblem(args.broker);
  if (brokerProblem) throw new UsageError(`--broker ${JSON.stringify(args.broker)}: ${brokerProblem}`);
  const train = args.train;
  if (typeof train !== "string" || !/^train-[A-Za-z0-9:_-]+$/.test(train))
    throw new UsageError(`--train must be a thing name train-<id>, got ${JSON.stringify(train)}`);
  const interval = integerFlag(args, "interval-ms", 100, 0, HOUR_MS);
  const linger = integerFlag(args, "linger-ms", 0, 0, HOUR_MS);
  const faults = ((args.fault as string[] | undefined) ?? []).map(parseFault);
  let readings: SensorReading[];
  const now = Date.now();
  if (typeof args.csv === "string") {
    if (args.seed !== undefined || faults.length > 0 || args.start !== undefined)
      throw new UsageError("--seed, --fault and --start are for the simulator, not --csv");
    readings = csvReadings(args.csv);
    readings = readings.slice(0, integerFlag(args, "count", readings.length, 1, Number.MAX_SAFE_INTEGER));
    if (args["keep-time"] !== true) readings = shiftedToNow(readings, now);
  } else {
    if (args["keep-time"] === true) throw new UsageError("--keep-time is for --csv (the simulator's times are --start)");
    const count = integerFlag(args, "count", 360, 1, 10_000_000);
    const start = args.start === undefined ? simulatorStart(now, count) : parseTimestamp(args.start as string);
    if (Number.isNaN(start)) throw new UsageError(`--start must be an ISO time, got ${JSON.stringify(args.start)}`);
    const late = faults.find((f) => f.start >= count);
    if (late) throw new UsageError(`--fault ${late.sensor}:${late.start}:...: starts at reading ${late.start}, past the ${count} readings of --count`);
    const simulator = new ApuSimulator({ seed: integerFlag(args, "seed", seedOf(train), 0, 2 ** 32 - 1), start, faults });
    readings = simulator.take(count);
  }
  for (const w of [...timelineWarnings(readings, interval, now), ...boundsWarnings(readings)]) process.stderr.write(`warning: ${w}\n`);
  const tls = ["ca", "cert", "key"].filter((f) => typeof args[f] === "string");
  if (tls.length > 0 && tls.length < 3) throw new UsageError("--ca, --cert and --key go together");
  // IoT Core's rule for a named shadow's name; another one could never match the anomaly Lambda's shadow
  if (args.shadow !== undefined && !/^[A-Za-z0-9:_-]{1,64}$/.test(args.shadow as string))
    throw new UsageError(`--shadow ${JSON.stringify(args.shadow)}: a shadow name is 1-64 characters of A-Z, a-z, 0-9, :, _ or -`);
  const givenOutbox = args.outbox as string | undefined;
  if (givenOutbox !== undefined) checkOutputFolder("--outbox", givenOutbox);
  const outboxDir = givenOutbox ?? join(PROJECT_ROOT, "outbox", train);
  const stray = givenOutbox === undefined ? strayOutbox(process.cwd(), train, outboxDir) : undefined;
  if (stray) process.stderr.write(`warning: ${stray}\n`);
  if (args["edge-model"] !== undefined && args["edge-detect"] !== true) throw new UsageError("--edge-model needs --edge-detect");
  const edge =
    args["edge-detect"] === true
      ? inOutbox(outboxDir, () => new EdgeDetector(train, { modelFile: args["edge-model"] as string | undefined, journalDir: outboxDir }))
      : undefined;
  for (const note of edge?.notes ?? []) process.stderr.write(`warning: ${note}\n`);
  const options: TrainAgentOptions = {
    edge,
    brokerUrl: args.broker,
    thingName: train,
    shadowName: args.shadow as string | undefined,
    outboxDir,
    capacity: integerFlag(args, "outbox-max", 60_000, 1, 100_000_000),
    fsyncMs: integerFlag(args, "outbox-fsync-ms", 1000, 0, HOUR_MS),
    mqtt:
      tls.length === 3
        ? { ca: readInput("--ca", args.ca as string), cert: readInput("--cert", args.cert as string), key: readInput("--key", args.key as string) }
        : undefined,
  };
  const agent = inOutbox(outboxDir, () => new TrainAgent(options));
  const { restored, torn, dropped } = agent.status;
  if (restored > 0 || torn > 0) print({ event: "restored", train, readings: restored, dropped, torn });
  agent.on("connected", () => print({ event: "connected", train }));
  // the first drop and every thousandth: a full outbox is never silent, nor a line per reading
  agent.on("dropped", (total: number) => (total === dropped + 1 || total % 1000 === 0) && print({ event: "dropped", train, dropped: total }));
  agent.on("disconnected", () => print({ event: "disconnected", train, buffered: agent.status.buffered }));
  agent.on("anomaly", (n: AnomalyNotice) =>
    print({
      event: "anomaly",
      train,
      id: n.id,
      kind: n.kind,
      status: n.entry.status,
      // a sensor reading outside its bounds, not an anomaly of the model
      ...(isFaultEntry(n.entry) ? { fault: true } : {}),
      message: n.entry.message,
      ...(n.kind === "withdrawn"
        ? { note: "no longer in the cloud's shadow before it cleared (dropped from a full shadow, or deleted): its end is not known" }
        : {}),
      ...(edge ? { edge: n.edgeIds ? "confirmed by cloud" : "cloud only", edgeIds: n.edgeIds ?? [] } : {}),
    }),
  );
  agent.on("edge", (c: EdgeChange) => {
    if (c.offline) process.stderr.write(`${edgeWarning(train, c)}\n`);
    print({
      event: "edge",
      train,
      kind: c.kind,
      id: c.episode.id,
      offline: c.offline,
      ...(c.episode.fault ? { fault: true } : {}),
      message: c.episode.message,
    });
  });
  let lastReconciled = "";
  agent.on("reconciled", (r: Reconciliation) => {
    const line = reconciledLine(train, r);
    if (JSON.stringify(line) !== lastReconciled) print(line);
    lastReconciled = JSON.stringify(line);
  });
  agent.on("warning", (e: Error) => process.stderr.write(`warning: ${e.message}\n`));
  // Ctrl-C, or a service manager's stop (systemd, Docker): the same orderly stop, the outbox and edge model saved
  process.once("SIGINT", () => void agent.stop().then(() => process.exit(130)));
  process.once("SIGTERM", () => void agent.stop().then(() => process.exit(143)));
  agent.start();
  const cpu = process.cpuUsage();
  for (const r of readings) {
    agent.send(r);
    if (interval > 0) await new Promise((resolve) => setTimeout(resolve, interval));
  }
  while (agent.status.buffered > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  if (linger > 0) await new Promise((resolve) => setTimeout(resolve, linger));
  const used = process.cpuUsage(cpu);
  // the whole agent's CPU (publishing, outbox, edge detector) from the first reading to the last acknowledgement
  const cpuMsPerReading = Number(((used.user + used.system) / 1000 / Math.max(1, readings.length)).toFixed(4));
  const edgeDone = edge && {
    ...edge.stats,
    msPerReading: edge.stats.readings > 0 ? Number((edge.stats.busyMs / edge.stats.readings).toFixed(4)) : null,
    cpuMsPerReading,
    episodes: edge.episodes().length,
  };
  print({ event: "done", train, sent: readings.length, ...agent.status, ...(edgeDone && { edge: edgeDone }) });
  await agent.stop();
}

export const command: Command = {
  name: "train-agent",
  usage: USAGE,
  flags: {
    broker: "string",
    train: "string",
    csv: "string",
    count: "string",
    "interval-ms": "string",
    seed: "string",
    fault: "list",
    start: "string",
    "keep-time": "boolean",
    shadow: "string",
    "linger-ms": "string",
    ca: "string",
    cert: "string",
    key: "string",
    outbox: "string",
    "outbox-max": "string",
    "outbox-fsync-ms": "string",
    "edge-detect": "boolean",
    "edge-model": "string",
  },
  run: main,
};

if (require.main === module) runCommand(command);
