import { metroptSampleFile, readMetroptRows } from "../local/sim/trainSource";
import { FleetReplayResult, replayFleet } from "../local/start/fleetReplay";
import { liveReadingsOf } from "../local/sim/fleetPlan";
import { duration as durationText, inOpenEpisodes, openEpisodesNote } from "../local/start/anomalyLines";
import { FaultOutcome } from "../local/start/runMetrics";
import { Command, ParsedArgs, SHARED_DATA, integerFlag, runCommand, seedsFlag } from "./args";
import { PROGRESS_EVERY_MS } from "./progress";

/**
 * `gridrail eval:fleet`: how well the train models catch the local stack's injected faults, over
 * several seeds, without the network (local/start/fleetReplay.ts). The numbers behind docs/local-stack.md.
 */
const USAGE = "usage: gridrail eval:fleet [--seeds 1,2,3] [--trains 5] [--duration 60] [--history 8640] [--json]";

async function main(args: ParsedArgs): Promise<void> {
  const seeds = seedsFlag(args, [1, 2, 3]);
  const trains = integerFlag(args, "trains", 5, 1, 50);
  const duration = integerFlag(args, "duration", 60, 5, 3600);
  const history = integerFlag(args, "history", 8640, 0, 100_000);
  const liveReadings = liveReadingsOf(duration);
  const file = metroptSampleFile(SHARED_DATA);
  const rows = readMetroptRows(file);
  if (!rows) process.stderr.write(`note: ${file} is absent: trains use the APU simulator\n`);
  const results: FleetReplayResult[] = [];
  for (const seed of seeds) {
    process.stderr.write(`seed ${seed}: replaying ${trains} train(s), ${history} history + ${liveReadings} live readings each...\n`);
    // the local stack's timeline: live readings from midnight UTC (any day: only the time of day is seen)
    let last = Date.now();
    const onProgress = (done: number, total: number): void => {
      if (Date.now() - last < PROGRESS_EVERY_MS) return;
      last = Date.now();
      process.stderr.write(`seed ${seed}: ${done} of ${total} readings replayed\n`);
    };
    results.push(await replayFleet({ seed, trains, liveReadings, historyReadings: history, rows, startMs: Date.UTC(2026, 0, 1), onProgress }));
  }
  const total = {
    anomaliesInjected: results.reduce((a, r) => a + r.anomaliesInjected, 0),
    anomaliesDetected: results.reduce((a, r) => a + r.anomaliesDetected, 0),
    falseAlarms: results.reduce((a, r) => a + r.falseAlarms, 0),
    /** Detections whose alarms joined an episode open before the fault (the train told of a changed episode). */
    inOpenEpisodes: inOpenEpisodes(results.flatMap((r) => r.faults)),
  };
  if (args.json) {
    const perSeed = results.map((r) => ({
      seed: r.seed,
      readingsScored: r.readingsScored,
      anomaliesInjected: r.anomaliesInjected,
      anomaliesDetected: r.anomaliesDetected,
      falseAlarms: r.falseAlarms,
      faults: r.faults.map((f) => ({
        trainId: f.trainId,
        kind: f.kind,
        startedAt: f.startedAt,
        detected: f.episodeId !== null,
        ...(f.openBeforeMs !== null ? { openBeforeMs: f.openBeforeMs } : {}),
      })),
    }));
    process.stdout.write(`${JSON.stringify({ trainData: rows ? "metropt3" : "simulated", seeds: perSeed, total })}\n`);
    return;
  }
  const how = (f: FaultOutcome): string =>
    !f.episodeId ? "MISSED" : f.openBeforeMs === null ? "detected" : `detected in an episode open ${durationText(f.openBeforeMs)} before`;
  for (const r of results) {
    const faults = r.faults.map((f) => `${f.trainId} ${f.kind} ${how(f)}`).join(", ");
    process.stdout.write(`seed ${r.seed}: ${r.anomaliesDetected} of ${r.anomaliesInjected} faults detected, ${r.falseAlarms} false alarm(s) (${faults})\n`);
  }
  process.stdout.write(
    `total: ${total.anomaliesDetected} of ${total.anomaliesInjected} faults detected${openEpisodesNote(total.inOpenEpisodes)}, ${total.falseAlarms} false alarm(s) over ${seeds.length} seed(s)\n`,
  );
}

export const command: Command = {
  name: "eval:fleet",
  usage: USAGE,
  flags: { seeds: "string", trains: "string", duration: "string", history: "string", json: "boolean" },
  run: main,
};

if (require.main === module) runCommand(command);
