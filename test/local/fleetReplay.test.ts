import { expect } from "chai";
import { readMetroptRows } from "../../local/sim/trainSource";
import { replayFleet } from "../../local/start/fleetReplay";
import { runCli } from "../helpers/runCli";
import { requireShared } from "../helpers/sharedData";

describe("fleet replay (the local stack's train path without the network)", function () {
  this.timeout(120_000);

  it("meets the local stack's target with --seed 1: every injected fault detected, few false alarms", async function () {
    const file = requireShared(this, "metropt3", "MetroPT3_head_abdullahsherazi.csv");
    const rows = readMetroptRows(file);
    const r = await replayFleet({ seed: 1, trains: 5, liveReadings: 1200, historyReadings: 8640, rows, startMs: Date.UTC(2026, 0, 1) });
    expect(r.readingsScored).to.equal(6000);
    const byTrain = [...r.faults].sort((a, b) => a.trainId.localeCompare(b.trainId));
    expect(byTrain.map((f) => [f.trainId, f.kind, f.episodeId !== null])).to.deep.equal([
      ["train-0001", "oil-overheat", true],
      ["train-0002", "air-leak", true],
      ["train-0003", "oil-overheat", true],
      ["train-0004", "air-leak", true],
      ["train-0005", "oil-overheat", true],
    ]);
    expect(r.anomaliesDetected).to.equal(5);
    expect(r.falseAlarms).to.be.at.most(8);
  });

  it("runs on the APU simulator where ../shared is absent, and is deterministic", async () => {
    const progress: [number, number][] = [];
    const run = () =>
      replayFleet({ seed: 4, trains: 2, liveReadings: 400, historyReadings: 1500, startMs: Date.UTC(2026, 0, 1), onProgress: (d, t) => progress.push([d, t]) });
    const [a, b] = [await run(), await run()];
    expect(a).to.deep.equal(b);
    // every batch of 100 records: 30 of history, 8 live, the last at the total
    expect([progress.length, progress[0], progress[37]]).to.deep.equal([76, [100, 3800], [3800, 3800]]);
    expect([a.readingsScored, a.anomaliesInjected]).to.deep.equal([800, 2]);
    expect(a.anomaliesDetected).to.equal(2);
  });

  const failures: [string, string[], string][] = [
    ["a bad seed list", ["--seeds", "1,x"], 'error: --seeds 1,x: "x" is not an integer seed in [0, 4294967295]\n'],
    ["too many trains", ["--trains", "51"], 'error: --trains must be an integer in [1, 50], got "51"\n'],
    ["an unknown flag", ["--seed", "1"], "error: unknown flag --seed; known: --seeds, --trains, --duration, --history, --json\n"],
  ];
  for (const [what, args, stderrStart] of failures) {
    it(`eval:fleet exits 2 on ${what}, naming it`, () => {
      const r = runCli("evalFleet", args);
      expect([r.status, r.stdout]).to.deep.equal([2, ""]);
      expect(r.stderr.startsWith(stderrStart), r.stderr).to.equal(true);
    });
  }
});
