import { expect } from "chai";
import { spawn } from "child_process";
import { rmSync, writeFileSync } from "fs";
import { join } from "path";
import { ApuSimulator } from "../../devices/trainAgent/apuSimulator";
import { checkpointFileOf } from "../../devices/trainAgent/edgeModelFile";
import { checkpointOf, newModel } from "../../functions/trainAnomaly/checkpoint";
import { TRAIN_DETECTOR_DEFAULTS } from "../../functions/trainAnomaly/settings";
import { LoopbackBroker, startBroker, until } from "../helpers/mqttBroker";
import { runCli } from "../helpers/runCli";
import { tempDir } from "../helpers/tempDir";

const ROOT = join(__dirname, "..", "..");
const TRAIN = "train-0042";

describe("train-agent --edge-detect command", function () {
  this.timeout(60_000);
  let dir: string;
  let broker: LoopbackBroker | undefined;
  before(() => (dir = tempDir("edge-cli-")));
  after(async () => {
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("warns its operator on stderr of a fault it detects offline, then sends everything once the broker is back", async () => {
    const model = newModel(TRAIN, "apu", TRAIN_DETECTOR_DEFAULTS);
    new ApuSimulator({ seed: 7 }).take(2000).forEach((r, i) => model.process({ trainId: TRAIN, timestamp: r.timestamp, sensors: r.sensors }, String(i + 1)));
    const modelFile = join(dir, "checkpoint.json");
    writeFileSync(modelFile, checkpointFileOf(checkpointOf(model, 1, Date.UTC(2020, 1, 2))));
    const down = await startBroker();
    const port = down.port;
    await down.close();
    const args = ["--broker", `mqtt://127.0.0.1:${port}`, "--train", TRAIN, "--seed", "7", "--start", "2020-02-02T00:00:00Z", "--count", "80"];
    args.push("--interval-ms", "0", "--fault", "Oil_temperature:50:60:8", "--outbox", join(dir, "outbox"), "--edge-detect", "--edge-model", modelFile);
    const child = spawn(process.execPath, [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), join(ROOT, "cli", "trainAgent.ts"), ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const closed = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
    await until("the offline warning", () => stderr.includes("edge:"), 30_000);
    broker = await startBroker(port);
    expect(await closed, stderr).to.equal(0);

    const onset = Date.UTC(2020, 1, 2) + 50 * 10_000;
    const warnings = stderr.split("\n").filter((l) => l.startsWith("edge:"));
    expect(warnings).to.deep.equal([
      `edge: ${TRAIN} anomaly started (offline, not yet seen by the cloud) apu-${onset}: Unusual apu readings since 2020-02-02 00:08:20 UTC: Oil_temperature is high, 59.8 °C where about 52 °C was expected.`,
    ]);
    const lines = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.event === "edge").map((l) => [l.kind, l.id, l.offline])).to.deep.equal([["opened", `apu-${onset}`, true]]);
    const done = lines[lines.length - 1] as { event: string; acknowledged: number; edge: Record<string, number> };
    expect([done.event, done.acknowledged, done.edge.readings, done.edge.scored, done.edge.rejected, done.edge.episodes]).to.deep.equal([
      "done",
      80,
      80,
      80,
      0,
      1,
    ]);
  });

  it("refuses a checkpoint file it cannot read, naming it", () => {
    const file = join(dir, "absent.json");
    const r = runCli("trainAgent", ["--broker", "mqtt://127.0.0.1:1", "--train", TRAIN, "--outbox", join(dir, "o2"), "--edge-detect", "--edge-model", file]);
    expect([r.status, r.stderr.split("\n")[0]]).to.deep.equal([1, `error: --edge-model ${file}: cannot read: ENOENT`]);
  });

  it("refuses --edge-model without --edge-detect with exit code 2", () => {
    const r = runCli("trainAgent", ["--broker", "mqtt://127.0.0.1:1", "--train", TRAIN, "--edge-model", "x.json"]);
    expect([r.status, r.stderr.split("\n")[0]]).to.deep.equal([2, "error: --edge-model needs --edge-detect"]);
  });
});
