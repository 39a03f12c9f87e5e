/** Train telemetry fixtures for the anomaly Lambda's tests: simulated APU readings as Kinesis record inputs. */
import { restoreDetector } from "../../anomaly";
import { ApuFault, ApuSimulator } from "../../devices/trainAgent/apuSimulator";
import { decodeModelState } from "../../functions/trainAnomaly/stateBlobs";
import { CoreDeps } from "../../functions/trainAnomaly/processBatch";
import { MemoryCheckpointStore, MemoryDeadLetterSink, MemoryShadowStore } from "../../functions/trainAnomaly/memoryPorts";
import { ModelCache } from "../../functions/trainAnomaly/modelCache";
import { TrainDetectorSettings, parseDetectorSettings } from "../../functions/trainAnomaly/settings";
import { KinesisRecordInput } from "./kinesisEvents";

/** A small forest (5 trees x 32 samples): scores after ~20 readings and runs fast enough for property tests. */
export const SMALL_SETTINGS: TrainDetectorSettings = parseDetectorSettings(
  { options: { numberOfTrees: 5, subSampleSize: 32, timeDecay: 320 }, clearAfter: 3, settleAfter: 50 },
  "test",
);

/** An oil temperature fault a small forest flags: +20 °C for readings 60..69. */
export const OIL_FAULT: ApuFault = { sensor: "Oil_temperature", start: 60, length: 10, offset: 20 };

/** `count` telemetry messages of `trainId` (thing name) from a seeded simulator, as the IoT rule forwards them. */
export function trainRecords(trainId: string, count: number, seed = 1, faults: readonly ApuFault[] = [OIL_FAULT]): KinesisRecordInput[] {
  return new ApuSimulator({ seed, faults }).take(count).map((r, i) => ({
    partitionKey: trainId,
    data: { trainId, timestamp: r.timestamp, seq: i, sensors: r.sensors },
  }));
}

/** Round-robin merge, the way one shard interleaves several trains' records. */
export function interleave<T>(...lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  for (let i = 0; out.length < lists.reduce((n, l) => n + l.length, 0); i++) for (const l of lists) if (i < l.length) out.push(l[i]);
  return out;
}

export interface MemoryDeps extends CoreDeps {
  readonly checkpoints: MemoryCheckpointStore;
  readonly shadows: MemoryShadowStore;
  readonly deadLetters: MemoryDeadLetterSink;
}

/** Core collaborators in memory, no waiting between shadow attempts, a fixed wall clock. */
export function memoryDeps(settings: TrainDetectorSettings = SMALL_SETTINGS, overrides: Partial<CoreDeps> = {}): MemoryDeps {
  return {
    settings,
    checkpoints: new MemoryCheckpointStore(),
    shadows: new MemoryShadowStore(),
    deadLetters: new MemoryDeadLetterSink(),
    cache: new ModelCache(settings.maxModels),
    now: () => Date.UTC(2020, 1, 2),
    shadowBackoff: async () => undefined,
    ...overrides,
  } as MemoryDeps;
}

/**
 * A model's behaviour, to compare two checkpoints: the results of a fixed probe stream after restoring it.
 * (Checkpoint bytes are not canonical: a restored forest continues bit-for-bit but packs its points anew.)
 */
export function probe(model: Uint8Array, sensors: readonly string[] = SMALL_SETTINGS.groups.apu): string {
  const detector = restoreDetector(decodeModelState(model));
  const start = Date.UTC(2020, 2, 1);
  return JSON.stringify(
    new ApuSimulator({ seed: 99, start }).take(40).map((r) => {
      const result = detector.process({ timestamp: r.timestamp, values: sensors.map((s) => r.sensors[s]) });
      return [result.rawScore, result.score, result.anomaly];
    }),
  );
}
