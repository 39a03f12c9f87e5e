import { expect } from "chai";
import * as fc from "fast-check";
import { Checkpoint, CheckpointStore } from "../../../functions/trainAnomaly/checkpoint";
import { DeadLetterSink } from "../../../functions/trainAnomaly/deadLetters";
import { CheckpointError, ConflictError, ShadowError } from "../../../functions/trainAnomaly/errors";
import { IncomingRecord, decodeKinesisEvent } from "../../../functions/trainAnomaly/kinesisEvent";
import { ModelCache } from "../../../functions/trainAnomaly/modelCache";
import { processBatch } from "../../../functions/trainAnomaly/processBatch";
import { ShadowStore } from "../../../functions/trainAnomaly/shadowPublisher";
import { KinesisRecordInput, kinesisEvent } from "../../helpers/kinesisEvents";
import { MemoryDeps, interleave, memoryDeps, probe, trainRecords } from "../../helpers/trainFleet";

const TRAINS = ["train-1", "train-2"];
const STREAM: KinesisRecordInput[] = interleave(trainRecords("train-1", 90, 1), trainRecords("train-2", 90, 3));

/** What a run leaves behind that must not depend on batching, restarts or retries. */
interface Outcome {
  /** Per model: its behaviour on a probe stream, and the sidecar (duplicate guard, episode). */
  readonly models: Record<string, [string, string]>;
  readonly shadows: Record<string, unknown>;
  readonly anomalies: string[];
  readonly letters: string[];
}

function outcome(deps: MemoryDeps, anomalies: string[]): Outcome {
  const models: Record<string, [string, string]> = {};
  for (const [key, c] of deps.checkpoints.items) models[key] = [probe(c.model), c.sidecar];
  const shadows: Record<string, unknown> = {};
  for (const t of TRAINS) shadows[t] = deps.shadows.shadows.get(t)?.anomalies;
  return { models, shadows, anomalies: [...anomalies].sort(), letters: deps.deadLetters.letters.map((l) => `${l.record.sequenceNumber} ${l.reason}`) };
}

async function uninterrupted(records: readonly IncomingRecord[]): Promise<Outcome> {
  const deps = memoryDeps();
  const { report } = await processBatch(records, deps);
  return outcome(
    deps,
    report.anomalies.map((a) => `${a.trainId} ${a.timestamp} ${a.score}`),
  );
}

/** Fails the calls whose index (0, 1, 2, ...) is in `plan`. */
function flaky(plan: readonly number[]): () => boolean {
  let call = 0;
  return () => plan.includes(call++);
}

describe("train anomaly properties", function () {
  this.timeout(120_000);
  const records = decodeKinesisEvent(kinesisEvent(STREAM));
  let reference: Outcome;
  before(async () => {
    reference = await uninterrupted(records);
    expect(reference.anomalies.length, "the stream must contain anomalies to compare").to.be.greaterThan(0);
  });

  it("any batching with cold starts and evictions resumes from checkpoints exactly: same models, scores and shadows", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: STREAM.length - 1 }), { maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
        fc.integer({ min: 1, max: 3 }),
        async (cuts, colds, capacity) => {
          const bounds = [0, ...[...cuts].sort((a, b) => a - b), STREAM.length];
          const deps = memoryDeps(undefined, { cache: new ModelCache(capacity) });
          const anomalies: string[] = [];
          for (let b = 0; b + 1 < bounds.length; b++) {
            const cache = colds[b] ? new ModelCache(capacity) : deps.cache;
            const { batchItemFailures, report } = await processBatch(records.slice(bounds[b], bounds[b + 1]), { ...deps, cache });
            expect(batchItemFailures).to.deep.equal([]);
            anomalies.push(...report.anomalies.map((a) => `${a.trainId} ${a.timestamp} ${a.score}`));
            if (colds[b]) (deps as { cache: ModelCache }).cache = cache;
          }
          expect(outcome(deps, anomalies)).to.deep.equal(reference);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("retries after any failures (from the lowest failed record, as Lambda does) never double-count a reading or an anomaly", async () => {
    const plan = fc.uniqueArray(fc.nat(40), { maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(plan, plan, fc.integer({ min: 10, max: 80 }), fc.boolean(), async (checkpointFailures, shadowFailures, batchSize, coldOnRetry) => {
        const deps = memoryDeps();
        const failCheckpoint = flaky(checkpointFailures);
        const failShadow = flaky(shadowFailures);
        const checkpoints: CheckpointStore = {
          load: (t, g) => deps.checkpoints.load(t, g),
          version: (t, g) => deps.checkpoints.version(t, g),
          save: async (c: Checkpoint) => {
            if (failCheckpoint()) throw c.version % 2 ? new ConflictError("raced") : new CheckpointError("throttled");
            return deps.checkpoints.save(c);
          },
        };
        const shadows: ShadowStore = {
          read: (t) => deps.shadows.read(t),
          write: async (t, p, v) => {
            if (failShadow()) throw new ShadowError("unavailable");
            return deps.shadows.write(t, p, v);
          },
        };
        const anomalies: string[] = [];
        let cache = deps.cache;
        for (let position = 0, rounds = 0; position < records.length; rounds++) {
          expect(rounds).to.be.below(200);
          const batch = records.slice(position, position + batchSize);
          const { batchItemFailures, report } = await processBatch(batch, { ...deps, checkpoints, shadows, cache });
          anomalies.push(...report.anomalies.map((a) => `${a.trainId} ${a.timestamp} ${a.score}`));
          if (batchItemFailures.length === 0) position += batch.length;
          else {
            position = records.findIndex((r) => r.sequenceNumber === batchItemFailures[0].itemIdentifier);
            if (coldOnRetry) cache = new ModelCache(deps.settings.maxModels);
          }
        }
        expect(outcome(deps, anomalies)).to.deep.equal(reference);
      }),
      { numRuns: 15 },
    );
  });

  it("re-published readings and bad records change nothing but the dead-letter queue", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.nat(STREAM.length - 1), { minLength: 1, maxLength: 10 }),
        fc.uniqueArray(fc.nat(STREAM.length - 1), { maxLength: 3 }),
        async (republished, broken) => {
          const noisy: KinesisRecordInput[] = [];
          STREAM.forEach((r, i) => {
            noisy.push(r);
            if (republished.includes(i)) noisy.push({ ...r });
            if (broken.includes(i)) noisy.push({ partitionKey: r.partitionKey, data: "{not json" });
          });
          const deps = memoryDeps();
          const { batchItemFailures, report } = await processBatch(decodeKinesisEvent(kinesisEvent(noisy)), deps);
          expect([batchItemFailures, report.duplicates, deps.deadLetters.letters.length]).to.deep.equal([[], republished.length, broken.length]);
          const models = (o: Outcome) => Object.fromEntries(Object.entries(o.models).map(([k, [model]]) => [k, model]));
          const got = outcome(
            deps,
            report.anomalies.map((a) => `${a.trainId} ${a.timestamp} ${a.score}`),
          );
          expect([models(got), got.shadows, got.anomalies]).to.deep.equal([models(reference), reference.shadows, reference.anomalies]);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("dead letters reach the queue once each, whatever the retries", async () => {
    const withBad = STREAM.flatMap((r, i) => (i % 40 === 5 ? [r, { partitionKey: r.partitionKey, data: "[]" }] : [r]));
    const events = decodeKinesisEvent(kinesisEvent(withBad));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.nat(30), { maxLength: 6 }), fc.integer({ min: 10, max: 80 }), async (failures, batchSize) => {
        const deps = memoryDeps();
        const fail = flaky(failures);
        const checkpoints: CheckpointStore = {
          load: (t, g) => deps.checkpoints.load(t, g),
          version: (t, g) => deps.checkpoints.version(t, g),
          save: async (c) => (fail() ? Promise.reject(new ConflictError("raced")) : deps.checkpoints.save(c)),
        };
        const letters: DeadLetterSink = deps.deadLetters;
        for (let position = 0; position < events.length;) {
          const batch = events.slice(position, position + batchSize);
          const { batchItemFailures } = await processBatch(batch, { ...deps, checkpoints, deadLetters: letters });
          position =
            batchItemFailures.length === 0 ? position + batch.length : events.findIndex((r) => r.sequenceNumber === batchItemFailures[0].itemIdentifier);
        }
        expect(deps.deadLetters.letters.map((l) => l.record.sequenceNumber)).to.deep.equal(
          events.filter((_, i) => withBad[i].data === "[]").map((r) => r.sequenceNumber),
        );
      }),
      { numRuns: 15 },
    );
  });
});
