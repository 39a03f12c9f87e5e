import { ShadowError, isConflict } from "./errors";
import { AnomalyEntries, AnomalyPatch, ShadowEntry, planAnomalyPatch } from "./shadowDocument";

/** What the Lambda reads of a train's anomaly shadow. */
export interface AnomalyShadow {
  readonly version: number;
  readonly anomalies: AnomalyEntries;
}

/** The anomaly shadows of all trains (AWS IoT in the Lambda; a map in tests and the bench). */
export interface ShadowStore {
  /** Undefined when the train has no anomaly shadow yet. */
  read(thingName: string): Promise<AnomalyShadow | undefined>;
  /**
   * Merges `patch` into `desired.anomalies`. With `version`, only if the shadow is still at that version
   * (else ConflictError); without, the shadow must not exist yet or the update is merged regardless.
   */
  write(thingName: string, patch: AnomalyPatch, version: number | undefined): Promise<void>;
}

export interface PublishOptions {
  readonly maxEntries: number;
  /** Attempts on version conflicts (another writer updated the shadow in between). Default 5. */
  readonly attempts?: number;
  /** Waits between attempts; default a random 10..50 ms so two writers do not collide again. */
  readonly backoff?: (attempt: number) => Promise<void>;
}

/** An entry the write left out to keep the shadow within its bounds (entries, bytes). */
export interface EvictedEntry {
  readonly id: string;
  readonly entry: ShadowEntry;
  /** False for an entry of this batch that never reached the shadow: the train cannot have been told of it. */
  readonly wasInShadow: boolean;
}

export interface PublishResult {
  readonly written: boolean;
  /** Version conflicts met on the way. */
  readonly conflicts: number;
  /** Entries deleted from the shadow, or new ones not written, to keep it within `maxEntries` and its bytes. */
  readonly evicted: readonly EvictedEntry[];
}

/** What a patch planned from `current` and `updates` left out: deleted entries, and updates it dropped (never older or equal ones). */
export function evictedBy(current: AnomalyEntries, updates: AnomalyEntries, patch: AnomalyPatch): EvictedEntry[] {
  const deleted = Object.keys(patch)
    .filter((id) => patch[id] === null && current[id])
    .map((id) => ({ id, entry: updates[id] ?? current[id], wasInShadow: true }));
  const dropped = Object.keys(updates)
    .filter((id) => !(id in patch) && !current[id])
    .map((id) => ({ id, entry: updates[id], wasInShadow: false }));
  return [...deleted, ...dropped];
}

const defaultBackoff = (attempt: number) => new Promise<void>((resolve) => setTimeout(resolve, (10 + Math.random() * 40) * attempt));

/** Read, plan, write with the version read; on a conflict read again. Throws ShadowError when out of attempts. */
export async function publishAnomalies(store: ShadowStore, thingName: string, updates: AnomalyEntries, options: PublishOptions): Promise<PublishResult> {
  const attempts = options.attempts ?? 5;
  const backoff = options.backoff ?? defaultBackoff;
  let conflicts = 0;
  for (let attempt = 1; ; attempt++) {
    const shadow = await store.read(thingName);
    const current = shadow?.anomalies ?? {};
    const patch = planAnomalyPatch(current, updates, options.maxEntries);
    // nothing to write can still mean new entries dropped at once (a shadow full of newer ongoing ones)
    if (!patch) return { written: false, conflicts, evicted: evictedBy(current, updates, {}) };
    try {
      await store.write(thingName, patch, shadow?.version);
      return { written: true, conflicts, evicted: evictedBy(current, updates, patch) };
    } catch (e) {
      if (!isConflict(e)) throw e;
      conflicts++;
      if (attempt >= attempts) {
        throw new ShadowError(`shadow of ${thingName}: still conflicting after ${attempts} attempts (${e.message})`);
      }
      await backoff(attempt);
    }
  }
}
