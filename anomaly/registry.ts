import { EnsembleDetector, EnsembleFactory } from "./detectors/ensembleDetector";
import { EwmaDetector } from "./detectors/ewmaDetector";
import { ZScoreDetector } from "./detectors/zscoreDetector";
import { OptionError, StateError } from "./errors";
import { RcfDetector } from "./rcf/rcfDetector";
import { Detector, DetectorOptions, DetectorState } from "./types";

/** How the registry makes and restores one kind of detector. */
export interface DetectorKind {
  readonly description: string;
  create(dimensions: number, options: DetectorOptions): Detector;
  fromState(state: DetectorState): Detector;
}

// a plain object, not a Map: Pulumi's function serialization (the inline train Lambda) rebuilds
// module-level Maps as plain objects, which breaks Map methods at run time
const kinds: Record<string, DetectorKind> = Object.create(null);

/** Adds a detector kind (plugins call this); names are unique. */
export function registerDetector(name: string, kind: DetectorKind): void {
  if (kinds[name]) throw new OptionError(`detector ${name} is already registered`);
  kinds[name] = kind;
}

export function detectorNames(): string[] {
  return Object.keys(kinds).sort();
}

export function describeDetectors(): { name: string; description: string }[] {
  return detectorNames().map((name) => ({ name, description: kinds[name].description }));
}

/** Inputs a detector may have. */
export const MAX_DIMENSIONS = 100_000;

/** Creates a detector by name for `dimensions` inputs; options are validated with exact errors. */
export function createDetector(name: string, dimensions: number, options: DetectorOptions = {}): Detector {
  const kind = kinds[name];
  if (!kind) throw new OptionError(`unknown detector ${JSON.stringify(name)}; known: ${detectorNames().join(", ")}`);
  // the most a saved state may hold (stateSchema.ts): a model made here can always be restored
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_DIMENSIONS) {
    throw new OptionError(`dimensions must be an integer in [1, ${MAX_DIMENSIONS}], got ${dimensions}`);
  }
  return kind.create(dimensions, options);
}

/** Restores any registered detector from its `toState()`. */
export function restoreDetector(state: DetectorState): Detector {
  const kind = state && typeof state === "object" ? kinds[state.detector] : undefined;
  if (!kind) throw new StateError(`cannot restore: unknown detector ${JSON.stringify(state?.detector)}`);
  return kind.fromState(state);
}

const factory: EnsembleFactory = { create: createDetector, restore: restoreDetector };

registerDetector("rcf", {
  description: "random cut forest (shingling, time decay, attribution); KDA RANDOM_CUT_FOREST option names",
  create: (dims, o) => RcfDetector.create(dims, o),
  fromState: (s) => RcfDetector.fromState(s),
});
registerDetector("zscore", {
  description: "robust rolling z-score (median / MAD over a window)",
  create: (dims, o) => ZScoreDetector.create(dims, o),
  fromState: (s) => ZScoreDetector.fromState(s),
});
registerDetector("ewma", {
  description: "exponentially weighted level with optional additive season",
  create: (dims, o) => EwmaDetector.create(dims, o),
  fromState: (s) => EwmaDetector.fromState(s),
});
registerDetector("ensemble", {
  description: "combines other detectors (max, mean or vote)",
  create: (dims, o) => EnsembleDetector.create(dims, o, factory),
  fromState: (s) => EnsembleDetector.fromState(s, factory),
});
