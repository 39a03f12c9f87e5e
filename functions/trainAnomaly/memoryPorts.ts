import { Checkpoint, CheckpointStore } from "./checkpoint";
import { DeadLetter, DeadLetterSink } from "./deadLetters";
import { ConflictError } from "./errors";
import { AnomalyPatch, applyAnomalyPatch } from "./shadowDocument";
import { AnomalyShadow, ShadowStore } from "./shadowPublisher";

/**
 * In-memory stand-ins of the core's ports with the same conditional semantics as DynamoDB and the shadow
 * service: for property tests, the bench and the local stack. They copy on the way in and out, so a caller
 * can never share state with the store by accident.
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly items = new Map<string, Checkpoint>();
  loads = 0;
  versionReads = 0;
  saves = 0;

  async load(trainId: string, group: string): Promise<Checkpoint | undefined> {
    this.loads++;
    const c = this.items.get(`${trainId}/${group}`);
    return c && { ...c, model: Uint8Array.from(c.model) };
  }

  async version(trainId: string, group: string): Promise<number | undefined> {
    this.versionReads++;
    return this.items.get(`${trainId}/${group}`)?.version;
  }

  async save(c: Checkpoint): Promise<void> {
    const key = `${c.trainId}/${c.group}`;
    const stored = this.items.get(key)?.version ?? 0;
    if (stored !== c.version - 1) throw new ConflictError(`checkpoint of ${key}: another writer got past version ${c.version - 1}`);
    this.saves++;
    this.items.set(key, { ...c, model: Uint8Array.from(c.model) });
  }
}

export class MemoryShadowStore implements ShadowStore {
  readonly shadows = new Map<string, AnomalyShadow>();
  writes = 0;

  async read(thingName: string): Promise<AnomalyShadow | undefined> {
    const s = this.shadows.get(thingName);
    return s && JSON.parse(JSON.stringify(s));
  }

  async write(thingName: string, patch: AnomalyPatch, version: number | undefined): Promise<void> {
    const current = this.shadows.get(thingName);
    if (version !== undefined && current?.version !== version) {
      throw new ConflictError(`shadow of ${thingName} moved past version ${version}`);
    }
    this.writes++;
    const anomalies = applyAnomalyPatch(current?.anomalies ?? {}, JSON.parse(JSON.stringify(patch)));
    this.shadows.set(thingName, { version: (current?.version ?? 0) + 1, anomalies });
  }
}

export class MemoryDeadLetterSink implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];

  async send(letters: readonly DeadLetter[]): Promise<{ unsent: string[]; errors: string[] }> {
    this.letters.push(...letters);
    return { unsent: [], errors: [] };
  }
}
