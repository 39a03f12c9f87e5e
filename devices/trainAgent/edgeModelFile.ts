import { readFileSync } from "fs";
import { DetectorState, StateError, decodeState, restoreDetector } from "../../anomaly";
import { Checkpoint, fingerprintOf } from "../../functions/trainAnomaly/checkpoint";
import { TrainDetectorSettings } from "../../functions/trainAnomaly/settings";
import { decodeModelState } from "../../functions/trainAnomaly/stateBlobs";
import { ModelSidecar, TrainModel } from "../../functions/trainAnomaly/trainModel";

/**
 * The model a train's edge detector starts from (`--edge-model FILE`). Accepted, in this order of preference:
 * - the cloud's checkpoint item as `aws dynamodb get-item ... --output json` prints it (`{"Item": {"model": {"B": ...}}}`);
 * - the same checkpoint as plain JSON (`Checkpoint` with `model` in base64; what `checkpointFileOf` writes);
 * - a bare model state: the checkpoint's `GRS1` bytes (stateBlobs) or the library's `encodeState` envelope.
 * A checkpoint carries its group and settings fingerprint, which must match the agent's settings; its sidecar
 * (open episodes, watermark) is resumed. Every failure is a StateError naming the file.
 */
export interface EdgeModelFile {
  readonly group: string;
  readonly state: DetectorState;
  readonly fingerprint?: string;
  readonly sidecar?: ModelSidecar;
  /** The train the checkpoint is of, when it says. */
  readonly trainId?: string;
}

function fail(file: string, why: string): never {
  throw new StateError(`--edge-model ${file}: ${why}`);
}

type Attr = { S?: string; B?: string; N?: string };

function checkpointJson(file: string, json: Record<string, unknown>): EdgeModelFile {
  const item = json.Item as Record<string, Attr> | undefined;
  const field = (name: string): unknown => (item ? (item[name]?.S ?? item[name]?.B ?? item[name]?.N) : json[name]);
  const group = item ? field("detector") : field("group");
  const model = field("model");
  if (typeof group !== "string" || typeof model !== "string") fail(file, `not a checkpoint: fields "group" (or "detector") and "model" are required`);
  let sidecar: ModelSidecar | undefined;
  const rawSidecar = field("sidecar");
  if (rawSidecar !== undefined) {
    try {
      sidecar = JSON.parse(String(rawSidecar)) as ModelSidecar;
    } catch {
      fail(file, `field "sidecar" is not JSON`);
    }
  }
  const fingerprint = field("fingerprint");
  const trainId = field("trainId");
  return {
    group,
    state: modelBytes(file, Buffer.from(model, "base64")),
    fingerprint: typeof fingerprint === "string" ? fingerprint : undefined,
    sidecar,
    ...(typeof trainId === "string" ? { trainId } : {}),
  };
}

function modelBytes(file: string, bytes: Buffer): DetectorState {
  try {
    return bytes.toString("latin1", 0, 4) === "GRS1" ? decodeModelState(bytes) : decodeState(bytes);
  } catch (e) {
    return fail(file, (e as Error).message);
  }
}

/** Reads and checks an edge model file against the agent's settings (pure but for the read). */
export function readEdgeModelFile(file: string, settings: TrainDetectorSettings): EdgeModelFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return fail(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let model: EdgeModelFile;
  if (bytes.length > 0 && bytes[0] === 0x7b) {
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString("utf8"));
    } catch (e) {
      return fail(file, `not JSON: ${(e as Error).message}`);
    }
    if (!json || typeof json !== "object" || Array.isArray(json)) return fail(file, "not a checkpoint object");
    model = checkpointJson(file, json as Record<string, unknown>);
  } else {
    const groups = Object.keys(settings.groups);
    if (groups.length !== 1) fail(file, `a bare model state names no group; the settings have ${groups.length} (${groups.join(", ")}): give a checkpoint`);
    model = { group: groups[0], state: modelBytes(file, bytes) };
  }
  if (settings.groups[model.group] === undefined)
    fail(file, `group ${JSON.stringify(model.group)} is not one of the settings' (${Object.keys(settings.groups).join(", ")})`);
  const expected = fingerprintOf(settings, model.group);
  if (model.fingerprint !== undefined && model.fingerprint !== expected)
    fail(file, `made under other detector settings (fingerprint ${model.fingerprint}, the agent's is ${expected})`);
  if (model.state.detector !== settings.detector)
    fail(file, `holds a ${JSON.stringify(model.state.detector)} model, the settings use ${JSON.stringify(settings.detector)}`);
  return model;
}

/**
 * Another train's checkpoint starts this train from its learned detector alone: its open episodes and reading
 * watermark are that train's. Returns the file to use and, for another train's, the operator's note.
 */
export function forTrain(trainId: string, file: string, m: EdgeModelFile): { model: EdgeModelFile; note?: string } {
  if (m.trainId === undefined || m.trainId === trainId) return { model: m };
  return {
    model: { group: m.group, state: m.state, fingerprint: m.fingerprint, trainId },
    note: `--edge-model ${file} is ${m.trainId}'s model, not ${trainId}'s: ${trainId} starts from its detector, without its episodes and reading watermark`,
  };
}

/**
 * The train model an edge file restores. The duplicate guard keeps its watermark (older readings are late) but
 * not the Kinesis sequence number: the agent numbers its own readings.
 */
export function edgeModelOf(trainId: string, file: string, m: EdgeModelFile, settings: TrainDetectorSettings): TrainModel {
  const sensors = settings.groups[m.group];
  let model: TrainModel;
  try {
    const detector = restoreDetector(m.state);
    const sidecar: ModelSidecar | undefined = m.sidecar && { ...m.sidecar, guard: { ...m.sidecar.guard, lastSequenceNumber: null } };
    model = new TrainModel(trainId, m.group, sensors, detector, fingerprintOf(settings, m.group), settings, sidecar);
  } catch (e) {
    return fail(file, `cannot restore: ${(e as Error).message}`);
  }
  const dims = model.detector.dimensions;
  if (dims !== sensors.length) fail(file, `model reads ${dims} inputs, group ${m.group} has ${sensors.length} sensors`);
  return model;
}

/** A checkpoint as the plain JSON file `--edge-model` reads (model bytes in base64). */
export function checkpointFileOf(c: Checkpoint): string {
  return JSON.stringify({ ...c, model: Buffer.from(c.model).toString("base64") });
}
