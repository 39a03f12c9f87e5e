import { expect } from "chai";
import { spawn } from "child_process";
import { mkdirSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { Outbox } from "../../devices/trainAgent/outbox";
import { OutboxJournal } from "../../devices/trainAgent/outboxJournal";
import { LoopbackBroker, startBroker } from "../helpers/mqttBroker";
import { runCli } from "../helpers/runCli";
import { strayOutbox } from "../../cli/trainAgent";
import { SENSORS } from "../../functions/trainAnomaly/sensors";
import { requireShared } from "../helpers/sharedData";
import { ShadowService, attachToBroker } from "../helpers/shadowService";
import { tempDir } from "../helpers/tempDir";

const KNOWN = SENSORS.map((x) => x.name).join(", ");

const ROOT = join(__dirname, "..", "..");

/** Runs the agent CLI without blocking this process (the broker lives here). */
function agentCli(args: string[]): Promise<{ status: number; lines: Record<string, unknown>[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), join(ROOT, "cli", "trainAgent.ts"), ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) =>
      resolve({
        status: status ?? -1,
        stderr,
        lines: stdout
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
      }),
    );
  });
}

describe("train-agent command", function () {
  this.timeout(60_000);
  let broker: LoopbackBroker;
  let outboxes: string;
  const shadows = new ShadowService();
  before(async () => {
    broker = await startBroker();
    attachToBroker(shadows, broker.broker);
    outboxes = tempDir("outboxes-");
  });
  after(async () => {
    await broker.close();
    rmSync(outboxes, { recursive: true, force: true });
  });

  it("sends simulated readings, prints the anomaly its shadow holds and reports it back", async () => {
    const message = "Unusual apu readings since 2020-02-01 00:05:00 UTC: Oil_temperature is high, 61 °C where about 52 °C was expected.";
    shadows.update("train-0007", "anomaly", {
      state: {
        desired: {
          anomalies: {
            "apu-1580515500000": {
              group: "apu",
              status: "ongoing",
              startedAt: "2020-02-01T00:05:00.000Z",
              updatedAt: "2020-02-01T00:05:00.000Z",
              message,
            },
          },
        },
      },
    });
    const r = await agentCli([
      "--broker",
      broker.url,
      "--train",
      "train-0007",
      "--count",
      "5",
      "--interval-ms",
      "0",
      "--start",
      "2020-02-01T00:00:00Z",
      "--linger-ms",
      "300",
      "--outbox",
      join(outboxes, "a"),
    ]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.lines).to.deep.equal([
      { event: "connected", train: "train-0007" },
      { event: "anomaly", train: "train-0007", id: "apu-1580515500000", kind: "new", status: "ongoing", message },
      { event: "done", train: "train-0007", sent: 5, connected: true, buffered: 0, inflight: 0, acknowledged: 5, dropped: 0, restored: 0, torn: 0 },
    ]);
    const sent = broker.published.filter((p) => p.topic === "trains/train-0007/telemetry").map((p) => JSON.parse(p.payload));
    expect(sent.map((m) => [m.seq, m.timestamp])).to.deep.equal([0, 1, 2, 3, 4].map((i) => [i, Date.UTC(2020, 1, 1) + i * 10_000]));
    expect(shadows.get("train-0007", "anomaly-ack")!.state.reported).to.deep.equal(shadows.get("train-0007", "anomaly")!.state.desired);
  });

  it("replays MetroPT-3 rows as they are in the data set with --keep-time, warning that the cloud refuses them as too old", async function () {
    const csv = requireShared(this, "metropt3", "MetroPT3_head_abdullahsherazi.csv");
    const r = await agentCli([
      "--broker",
      broker.url,
      "--train",
      "train-0008",
      "--csv",
      csv,
      "--keep-time",
      "--count",
      "2",
      "--interval-ms",
      "0",
      "--outbox",
      join(outboxes, "b"),
    ]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.contain(
      "warning: 2 of 2 readings (the first dated 2020-02-01T00:00:00Z) will be more than 604800 s old when sent: the cloud refuses them as too old",
    );
    const [first] = broker.published.filter((p) => p.topic === "trains/train-0008/telemetry").map((p) => JSON.parse(p.payload));
    expect(first).to.deep.equal({
      trainId: "train-0008",
      timestamp: Date.UTC(2020, 1, 1),
      seq: 0,
      sensors: {
        TP2: -0.0120000000000004,
        TP3: 9.358,
        H1: 9.34,
        DV_pressure: -0.0240000000000009,
        Reservoirs: 9.358,
        Oil_temperature: 53.60000000000001,
        Motor_current: 0.04,
        COMP: 1,
        DV_eletric: 0,
        Towers: 1,
        MPG: 1,
        LPS: 0,
        Pressure_switch: 1,
        Oil_level: 1,
        Caudal_impulses: 1,
      },
    });
  });

  it("moves a --csv file's times so its last row is now, keeping their spacing, and warns of nothing", async function () {
    const csv = requireShared(this, "metropt3", "MetroPT3_head_abdullahsherazi.csv");
    const before = Date.now();
    const r = await agentCli([
      "--broker",
      broker.url,
      "--train",
      "train-0010",
      "--csv",
      csv,
      "--count",
      "3",
      "--interval-ms",
      "0",
      "--outbox",
      join(outboxes, "d"),
    ]);
    expect([r.status, r.stderr]).to.deep.equal([0, ""]);
    const times = broker.published.filter((p) => p.topic === "trains/train-0010/telemetry").map((p) => JSON.parse(p.payload).timestamp as number);
    expect(times.map((t) => t - times[0])).to.deep.equal([0, 10_000, 19_000]);
    expect(times[2]).to.be.within(Math.floor(before / 1000) * 1000, Date.now());
  });

  it("sends what a previous run left in its outbox first, in order, and says so", async () => {
    const dir = join(outboxes, "c");
    const left = new Outbox(100, 0, new OutboxJournal(dir));
    [1, 2].forEach((i) => left.add((seq) => JSON.stringify({ trainId: "train-0009", timestamp: i, seq, sensors: { TP2: i } })));
    left.close();
    const r = await agentCli([
      "--broker",
      broker.url,
      "--train",
      "train-0009",
      "--count",
      "1",
      "--interval-ms",
      "0",
      "--start",
      "2020-02-01T00:00:00Z",
      "--outbox",
      dir,
    ]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.lines[0]).to.deep.equal({ event: "restored", train: "train-0009", readings: 2, dropped: 0, torn: 0 });
    const sent = broker.published.filter((p) => p.topic === "trains/train-0009/telemetry").map((p) => JSON.parse(p.payload));
    expect(sent.map((m) => [m.seq, m.timestamp])).to.deep.equal([
      [0, 1],
      [1, 2],
      [2, Date.UTC(2020, 1, 1)],
    ]);
  });

  it("warns of an outbox of the train in the folder it runs from that is not the one it uses", () => {
    const cwd = tempDir("gridrail-agent-cwd-");
    const own = join(cwd, "outbox", "train-1");
    expect(strayOutbox(cwd, "train-1", own)).to.equal(undefined);
    expect(strayOutbox(cwd, "train-1", "/elsewhere/outbox/train-1")).to.equal(undefined);
    mkdirSync(own, { recursive: true });
    expect(strayOutbox(cwd, "train-1", own)).to.equal(undefined);
    expect(strayOutbox(cwd, "train-1", "/elsewhere/outbox/train-1")).to.equal(
      `${own} holds an outbox of train-1 that this run does not read (its outbox is /elsewhere/outbox/train-1): pass --outbox ${own} to send what it kept`,
    );
    expect(strayOutbox(cwd, "train-2", "/elsewhere/outbox/train-2")).to.equal(undefined);
  });

  it("refuses an outbox folder that is a file, naming the flag and the path", () => {
    const file = join(outboxes, "file");
    writeFileSync(file, "");
    const r = runCli("trainAgent", ["--broker", "mqtt://127.0.0.1:1", "--train", "train-1", "--outbox", file]);
    expect([r.status, r.stderr.split("\n")[0]]).to.deep.equal([1, `error: --outbox ${file}: cannot use: a file, not a folder`]);
    const under = runCli("trainAgent", ["--broker", "mqtt://127.0.0.1:1", "--train", "train-1", "--outbox", join(file, "box")]);
    expect([under.status, under.stderr.split("\n")[0]]).to.deep.equal([1, `error: --outbox ${join(file, "box")}: cannot use: under a file, not a folder`]);
  });

  it("refuses a --csv the cloud would refuse every reading of, naming the flag, the file and the column, before it connects", () => {
    const file = join(outboxes, "nab.csv");
    writeFileSync(file, "timestamp,value\n2020-02-01 00:00:00,1\n");
    const r = runCli("trainAgent", ["--broker", "mqtt://127.0.0.1:1", "--train", "train-1", "--csv", file]);
    expect([r.status, r.stderr.split("\n")[0]]).to.deep.equal([1, `error: --csv ${file}:1: column(s) "value" are not MetroPT-3 sensors (known: ${KNOWN})`]);
  });

  const usage: [string[], string][] = [
    [["--broker", "mqtt://127.0.0.1:1", "--train", "train-1", "--outbox-max", "0"], 'error: --outbox-max must be an integer in [1, 100000000], got "0"'],
    [["--broker", "mqtt://127.0.0.1:1", "--train", "train-1", "--interval-ms", "0x10"], 'error: --interval-ms must be an integer in [0, 3600000], got "0x10"'],
    [
      ["--broker", "mqtt://127.0.0.1:1", "--train", "train-1", "--linger-ms", "3000000000"],
      'error: --linger-ms must be an integer in [0, 3600000], got "3000000000"',
    ],
    [["--broker", "notaurl", "--train", "train-1"], 'error: --broker "notaurl": not a URL (e.g. mqtt://127.0.0.1:1883)'],
    [["--broker", "http://127.0.0.1:1", "--train", "train-1"], 'error: --broker "http://127.0.0.1:1": the scheme must be mqtt, mqtts, ws or wss, got http'],
    [
      ["--broker", "mqtt://127.0.0.1:1", "--train", "train-1", "--fault", "oil_temperature:400:50:8"],
      'error: --fault: no sensor "oil_temperature"; the simulator\'s sensors are TP2, TP3, H1, DV_pressure, Reservoirs, Oil_temperature, Motor_current, COMP, DV_eletric, Towers, MPG, LPS, Pressure_switch, Oil_level, Caudal_impulses',
    ],
    [
      ["--broker", "mqtt://127.0.0.1:1", "--train", "train-1", "--count", "100", "--fault", "Oil_temperature:400:50:8"],
      "error: --fault Oil_temperature:400:...: starts at reading 400, past the 100 readings of --count",
    ],
    [
      ["--broker", "mqtt://127.0.0.1:1", "--train", "train-1", "--shadow", "a/b/#"],
      'error: --shadow "a/b/#": a shadow name is 1-64 characters of A-Z, a-z, 0-9, :, _ or -',
    ],
    [["--broker", "mqtt://127.0.0.1:1", "--train", "train-1", "--shadow="], "error: --shadow needs a value, got an empty one"],
    [
      ["--broker", "mqtt://127.0.0.1:1", "--train", "train-1", "--fault", "COMP:0:1:5"],
      "error: --fault COMP: a digital sensor (0 or 1) takes no offset; the analog ones are TP2, TP3, H1, DV_pressure, Reservoirs, Oil_temperature, Motor_current",
    ],
    [["--broker", "mqtt://127.0.0.1:1", "--train", "train-1", "--keep-time"], "error: --keep-time is for --csv (the simulator's times are --start)"],
    [["--train", "train-1"], "error: --broker is required"],
    [["--broker", "mqtt://127.0.0.1:1", "--train", "bus-1"], 'error: --train must be a thing name train-<id>, got "bus-1"'],
    [
      ["--broker", "mqtt://127.0.0.1:1", "--train", "train-1", "--fault", "oil+8"],
      'error: --fault must be SENSOR:START:LENGTH:OFFSET (e.g. Oil_temperature:600:50:8), got "oil+8"',
    ],
  ];
  for (const [args, message] of usage) {
    it(`refuses ${args.join(" ")} with exit code 2`, () => {
      const r = runCli("trainAgent", args);
      expect([r.status, r.stderr.split("\n")[0]]).to.deep.equal([2, message]);
    });
  }
});
