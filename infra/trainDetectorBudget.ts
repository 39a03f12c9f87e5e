/**
 * Whether `gridrail:trainDetector` fits where the train Lambda keeps its models: each model's checkpoint in one
 * DynamoDB item, and `maxModels` models in the function's memory. The library checks each option alone; a
 * forest of 1000 trees passes that and then fails every checkpoint, stalling the stream.
 */
import { forestBytes } from "../anomaly/rcf/forestMemory";
import { calendarDimensions } from "../anomaly/rcf/preprocessor";
import { expectedDistinctPoints, readRcfOptions } from "../anomaly/rcf/rcfOptions";
import { createDetector } from "../anomaly/registry";
import { MAX_CHECKPOINT_BYTES } from "../functions/trainAnomaly/checkpoint";
import { modelOptions, TrainDetectorSettings } from "../functions/trainAnomaly/settings";
import { encodeModelState } from "../functions/trainAnomaly/stateBlobs";

/**
 * Resident memory of one `rcf` model once its trees are full: a fixed part and the JavaScript side's part per
 * tree and sample (both measured on the train groups), and the forest's WebAssembly memory the model touches,
 * which grows with the dimensions (inputs and calendar times the shingle): every tree's arrays, and the store's
 * slots for the distinct points the trees hold (fewer than trees x samples: trees share points).
 */
const MODEL_FIXED_BYTES = 256 * 1024;
const JS_BYTES_PER_TREE_SAMPLE = 60;

function groupModel(settings: TrainDetectorSettings, group: string): { group: string; dimensions: number; bytes: number } {
  const o = readRcfOptions(settings.groups[group].length, modelOptions(settings, group));
  const dimensions = (o.dimensions + calendarDimensions(o.calendar)) * o.shingleSize;
  const stored = Math.ceil(expectedDistinctPoints(o.numberOfTrees, o.subSampleSize, o.timeDecay));
  const forest = forestBytes(dimensions, o.subSampleSize, o.numberOfTrees, stored);
  return { group, dimensions, bytes: MODEL_FIXED_BYTES + JS_BYTES_PER_TREE_SAMPLE * o.numberOfTrees * o.subSampleSize + forest };
}
/** The share of the function's memory the model cache may take (the runtime, a batch and the SDK need the rest). */
const MODEL_MEMORY_SHARE = 0.6;
/** Checkpoint headroom: the sidecar (episodes, sequence numbers) shares the item with the model. */
const CHECKPOINT_SHARE = 0.9;

/** A checkpoint of `group`'s model once its trees are full, from seeded points (random data compresses least). */
function fullModelBytes(settings: TrainDetectorSettings, group: string): number {
  const sensors = settings.groups[group].length;
  const options = modelOptions(settings, group);
  const detector = createDetector(settings.detector, sensors, options);
  const samples = typeof options.subSampleSize === "number" ? options.subSampleSize : 256;
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 10;
  for (let i = 0, t = Date.UTC(2026, 0, 1); i < 2 * samples + 64; i++, t += 10_000) {
    detector.process({ timestamp: t, values: Array.from({ length: sensors }, random) });
  }
  return encodeModelState(detector.toState()).length;
}

export function detectorBudgetProblems(settings: TrainDetectorSettings, memoryMb: number, key: string): string[] {
  if (settings.detector !== "rcf") return [];
  const problems: string[] = [];
  const trees = Number(settings.options.numberOfTrees ?? 100);
  const samples = Number(settings.options.subSampleSize ?? 256);
  const groups = Object.keys(settings.groups);
  // the cache may hold any group's models: counted as the largest
  const largest = groups.map((group) => groupModel(settings, group)).reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const budget = MODEL_MEMORY_SHARE * memoryMb * 1024 * 1024;
  if (settings.maxModels * largest.bytes > budget) {
    const of = groups.length > 1 ? ` (group ${largest.group}'s, the largest)` : "";
    problems.push(
      `${key}: maxModels ${settings.maxModels} models of ${trees} trees x ${samples} samples in ${largest.dimensions} dimensions${of} need about ` +
        `${Math.ceil((settings.maxModels * largest.bytes) / 2 ** 20)} MB, more than ${Math.floor(budget / 2 ** 20)} MB of the function's ${memoryMb} MB: ` +
        `use fewer models, trees or samples, or a shorter shingle`,
    );
  }
  for (const group of groups) {
    const bytes = fullModelBytes(settings, group);
    if (bytes > CHECKPOINT_SHARE * MAX_CHECKPOINT_BYTES) {
      problems.push(
        `${key} (group ${group}): a full model's checkpoint is about ${Math.ceil(bytes / 1024)} KB, more than the ${Math.floor((CHECKPOINT_SHARE * MAX_CHECKPOINT_BYTES) / 1024)} KB a DynamoDB item leaves it: use fewer trees or samples`,
      );
    }
  }
  return problems;
}
