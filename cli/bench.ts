import { createDetector, encodeState } from "../anomaly";
import { Random } from "../anomaly/random";
import { ForestConfig, RandomCutForest } from "../anomaly/rcf/forest";
import { Command, ParsedArgs, integerFlag, runCommand, UsageError } from "./args";
import { currentForest, forestOfCheckout, pairedRun } from "./benchPaired";

const USAGE = `usage: gridrail bench [--json] [--points N] [--only NAME] [--baseline DIR]
Measures random cut forest update+score throughput (one thread, after warm-up, per CPU second: the
median of ten timed chunks, with the best and worst) and model/state bytes.
  --baseline DIR  instead, run another checkout's forest (e.g. a git worktree of an older commit) side by
                  side with this one on the same points, alternating, and report the speedup and whether
                  every score was the same`;

interface Config {
  readonly name: string;
  readonly trees: number;
  readonly inputs: number;
  readonly shingle: number;
}

/** The four reference configurations, each with sample size 256 (the Java RCF was measured on the same). */
const CONFIGS: Config[] = [
  { name: "50 trees, 1-d, shingle 1", trees: 50, inputs: 1, shingle: 1 },
  { name: "100 trees, 1-d, shingle 1", trees: 100, inputs: 1, shingle: 1 },
  { name: "100 trees, 1-d, shingle 8", trees: 100, inputs: 1, shingle: 8 },
  { name: "100 trees, 5-d, shingle 4", trees: 100, inputs: 5, shingle: 4 },
];

const SAMPLE_SIZE = 256;
const WARM_UP = 10_000;
const CHUNKS = 10;

/** Seeded sine + noise, one vector per step. */
function stream(n: number, inputs: number, seed: number): Float64Array[] {
  const r = new Random(seed);
  return Array.from({ length: n }, (_, i) => Float64Array.from({ length: inputs }, (_, d) => 10 * Math.sin((2 * Math.PI * i) / (50 + 7 * d)) + r.nextDouble()));
}

/** The forest of a configuration (the Java RCF's defaults: time decay 1 / (10 x sample size)). */
function forestConfigOf(c: Config): ForestConfig {
  return { dimensions: c.inputs * c.shingle, numberOfTrees: c.trees, sampleSize: SAMPLE_SIZE, lambda: 1 / (10 * SAMPLE_SIZE), seed: 1 };
}

function measure(c: Config, points: number): Record<string, unknown> {
  const data = stream(points + WARM_UP, c.inputs, 7);
  // the forest alone (what the Java RCF numbers measure): shingle, score, then update
  const dims = c.inputs * c.shingle;
  const forest = new RandomCutForest(forestConfigOf(c));
  const shingle = new Float32Array(dims);
  let checksum = 0;
  // the measured points run in CHUNKS timed chunks: a shared machine's speed wanders, so the
  // median chunk is reported, with the best and worst beside it
  const chunk = Math.ceil(points / CHUNKS);
  const rates: number[] = [];
  let clock = startClock();
  let wall = 0;
  let cpu = 0;
  for (let i = 0; i < data.length; i++) {
    if (i >= WARM_UP && (i - WARM_UP) % chunk === 0) clock = startClock();
    shingle.copyWithin(0, c.inputs);
    shingle.set(data[i], dims - c.inputs);
    checksum += forest.score(shingle);
    forest.update(shingle);
    if (i >= WARM_UP && ((i - WARM_UP + 1) % chunk === 0 || i === data.length - 1)) {
      const t = clock();
      rates.push((((i - WARM_UP) % chunk) + 1) / t.cpu);
      wall += t.wall;
      cpu += t.cpu;
    }
  }
  rates.sort((a, b) => a - b);
  // the whole detector as the Lambda runs it (input checks, normalisation, thresholder, no calendar)
  const detector = createDetector("rcf", c.inputs, { numberOfTrees: c.trees, shingleSize: c.shingle, calendar: "none", seed: 1 });
  const detN = Math.min(points, 30_000);
  clock = startClock();
  for (let i = 0; i < WARM_UP + detN; i++) {
    if (i === WARM_UP) clock = startClock();
    detector.process({ timestamp: i * 1000, values: data[i] });
  }
  const detectorTime = clock();
  const state = detector.toState();
  return {
    name: c.name,
    trees: c.trees,
    inputs: c.inputs,
    shingleSize: c.shingle,
    sampleSize: SAMPLE_SIZE,
    points,
    pointsPerSecond: Math.round(rates[rates.length >> 1]),
    bestPointsPerSecond: Math.round(rates[rates.length - 1]),
    worstPointsPerSecond: Math.round(rates[0]),
    wallPointsPerSecond: Math.round(points / wall),
    cpuSeconds: Math.round(cpu * 100) / 100,
    detectorPointsPerSecond: Math.round(detN / detectorTime.cpu),
    livePoints: forest.store.liveCount,
    modelBytes: modelBytes(forest),
    stateJsonBytes: JSON.stringify(state).length,
    stateEncodedBytes: encodeState(state).length,
    checksum: Math.round(checksum),
  };
}

/**
 * Starts a stopwatch; calling the result gives elapsed wall and CPU seconds. Throughput is reported per
 * CPU second of this (single-threaded) process, so other work on the machine does not skew it; wall
 * time is reported beside it.
 */
function startClock(): () => { wall: number; cpu: number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wall: (performance.now() - wall) / 1000, cpu: (used.user + used.system) / 1e6 };
  };
}

/** Bytes of the typed arrays behind the forest (trees, samplers, point store). */
function modelBytes(f: RandomCutForest): number {
  let bytes = f.store.values.byteLength + f.store.refCount.byteLength * 2;
  for (const t of f.trees) {
    bytes += t.left.byteLength + t.right.byteLength + t.cutDim.byteLength + t.cutValue.byteLength + t.mass.byteLength;
    bytes += t.box.byteLength + t.leafPoint.byteLength + t.leafMass.byteLength + t.path.byteLength;
  }
  for (const s of f.samplers) bytes += s.pointIndex.byteLength + s.sequence.byteLength + s.weight.byteLength;
  return bytes;
}

async function main(args: ParsedArgs): Promise<void> {
  const points = integerFlag(args, "points", 100_000, 1000, 100_000_000);
  if (args.only === "") throw new UsageError(`--only needs a name; known: ${CONFIGS.map((c) => c.name).join("; ")}`);
  const configs = args.only ? CONFIGS.filter((c) => c.name.includes(args.only as string)) : CONFIGS;
  if (configs.length === 0)
    throw new UsageError(`--only ${JSON.stringify(args.only)} matches no configuration; known: ${CONFIGS.map((c) => c.name).join("; ")}`);
  if (args.baseline) {
    const baseline = forestOfCheckout(args.baseline as string);
    for (const c of configs) {
      if (!args.json) process.stderr.write(`measuring ${c.name} over ${points} points, against ${args.baseline}...\n`);
      const data = stream(points + WARM_UP, c.inputs, 7);
      const r = { name: c.name, baseline: args.baseline, points, ...pairedRun(baseline, currentForest, forestConfigOf(c), data, WARM_UP) };
      if (args.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else
        process.stdout.write(
          `${c.name.padEnd(28)} baseline ${String(r.baselinePointsPerSecond).padStart(7)}  this ${String(r.currentPointsPerSecond).padStart(7)} points/s  speedup ${r.speedup.toFixed(3)}  ${r.sameScores ? "same scores" : "SCORES DIFFER"}\n`,
        );
    }
    return;
  }
  for (const c of configs) {
    if (!args.json) process.stderr.write(`measuring ${c.name} over ${points} points...\n`);
    const r = measure(c, points);
    if (args.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else {
      process.stdout.write(
        `${c.name.padEnd(28)} ${String(r.pointsPerSecond).padStart(8)} points/s (forest, median; best ${r.bestPointsPerSecond})  ${String(r.detectorPointsPerSecond).padStart(8)} points/s (detector)  ` +
          `model ${((r.modelBytes as number) / 1e6).toFixed(1)} MB  state ${((r.stateEncodedBytes as number) / 1e3).toFixed(0)} KB encoded\n`,
      );
    }
  }
}

export const command: Command = {
  name: "bench",
  usage: USAGE,
  flags: { json: "boolean", points: "string", only: "names", baseline: "string" },
  run: main,
};

if (require.main === module) runCommand(command);
