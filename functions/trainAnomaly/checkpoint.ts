import { createHash } from "crypto";
import { createDetector, restoreDetector } from "../../anomaly";
import { CheckpointError, messageOf } from "./errors";
import { modelOptions, TrainDetectorSettings } from "./settings";
import { decodeModelState, encodeModelState } from "./stateBlobs";
import { ModelSidecar, TrainModel } from "./trainModel";

/**
 * A model's saved state, one DynamoDB item per (trainId, detector = group). `version` counts the writes: the
 * n-th write stores version n and succeeds only if the item is still at n - 1 (absent for n = 1).
 */
export interface Checkpoint {
  readonly trainId: string;
  readonly group: string;
  readonly version: number;
  /** Hash of detector kind, options and sensors: a checkpoint made under other settings is not resumed. */
  readonly fingerprint: string;
  /** `encodeModelState(detector.toState())`: JSON with the forest's bytes raw (see stateBlobs). */
  readonly model: Uint8Array;
  /** JSON of the ModelSidecar (duplicate guard, open episode). */
  readonly sidecar: string;
  /** Newest reading learned (epoch ms), for people and queries; the sidecar is authoritative. */
  readonly watermark: number | null;
  readonly updatedAt: string;
}

/** DynamoDB items are at most 400 KB; keys and attribute names need a little. */
export const MAX_CHECKPOINT_BYTES = 390 * 1024;

export function checkpointBytes(c: Checkpoint): number {
  return c.model.length + Buffer.byteLength(c.sidecar);
}

export function fingerprintOf(settings: TrainDetectorSettings, group: string): string {
  const basis = JSON.stringify({ detector: settings.detector, options: modelOptions(settings, group), sensors: settings.groups[group] });
  return createHash("sha256").update(basis).digest("hex").slice(0, 16);
}

export function newModel(trainId: string, group: string, settings: TrainDetectorSettings): TrainModel {
  const sensors = settings.groups[group];
  const detector = createDetector(settings.detector, sensors.length, modelOptions(settings, group));
  return new TrainModel(trainId, group, sensors, detector, fingerprintOf(settings, group), settings);
}

/** Restores a model; undefined when the checkpoint was made under other settings (the caller starts afresh). */
export function modelFromCheckpoint(c: Checkpoint, settings: TrainDetectorSettings): TrainModel | undefined {
  const fingerprint = fingerprintOf(settings, c.group);
  if (c.fingerprint !== fingerprint) return undefined;
  try {
    const detector = restoreDetector(decodeModelState(c.model));
    const sidecar = JSON.parse(c.sidecar) as ModelSidecar;
    return new TrainModel(c.trainId, c.group, settings.groups[c.group], detector, fingerprint, settings, sidecar);
  } catch (e) {
    throw new CheckpointError(`checkpoint ${c.version} of ${c.trainId}/${c.group} cannot be restored: ${messageOf(e)}`);
  }
}

export function checkpointOf(model: TrainModel, version: number, now: number): Checkpoint {
  const checkpoint: Checkpoint = {
    trainId: model.trainId,
    group: model.group,
    version,
    fingerprint: model.fingerprint,
    model: encodeModelState(model.detector.toState()),
    sidecar: JSON.stringify(model.sidecar()),
    watermark: model.watermark,
    updatedAt: new Date(now).toISOString(),
  };
  const bytes = checkpointBytes(checkpoint);
  if (bytes > MAX_CHECKPOINT_BYTES) {
    throw new CheckpointError(
      `checkpoint of ${model.trainId}/${model.group} is ${bytes} bytes, more than a DynamoDB item holds (${MAX_CHECKPOINT_BYTES}): use fewer trees or samples`,
    );
  }
  return checkpoint;
}

/** Where checkpoints live (DynamoDB in the Lambda; a map in tests and the bench). */
export interface CheckpointStore {
  load(trainId: string, group: string): Promise<Checkpoint | undefined>;
  /** The stored version alone (undefined when there is none), read as consistently as `load`. */
  version(trainId: string, group: string): Promise<number | undefined>;
  /** Writes `c` if the stored version is `c.version - 1` (absent when 1); else throws ConflictError. */
  save(c: Checkpoint): Promise<void>;
}
