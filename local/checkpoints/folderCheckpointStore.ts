/**
 * The train anomaly core's CheckpointStore (functions/trainAnomaly/checkpoint.ts) in a folder, so a restarted
 * local stack resumes its models: one JSON file per `<trainId>/<group>.json`, the model bytes base64. It keeps
 * DynamoDB's conditional write of the Lambda's store: version n is written only over n - 1 (or nothing for 1),
 * else ConflictError. Conditions hold within one process (writes are serialised here); two processes sharing
 * the folder are not guarded. Files are replaced atomically (write, then rename).
 */
import { randomUUID } from "crypto";
import { promises as fs } from "fs";
import { dirname, join } from "path";
import { Checkpoint, CheckpointStore } from "../../functions/trainAnomaly/checkpoint";
import { CheckpointError, ConflictError } from "../../functions/trainAnomaly/errors";

const SAFE = /^[A-Za-z0-9_.-]{1,128}$/;

export class FolderCheckpointStore implements CheckpointStore {
  private queue: Promise<unknown> = Promise.resolve();
  loads = 0;
  saves = 0;

  constructor(readonly dir: string) {}

  private fileOf(trainId: string, group: string): string {
    for (const [field, v] of [
      ["trainId", trainId],
      ["group", group],
    ] as const) {
      if (!SAFE.test(v) || v === "." || v === "..")
        throw new CheckpointError(`checkpoint ${field} ${JSON.stringify(v)} cannot name a file (A-Z, a-z, 0-9, _ . - only)`);
    }
    return join(this.dir, trainId, `${group}.json`);
  }

  async load(trainId: string, group: string): Promise<Checkpoint | undefined> {
    this.loads++;
    return this.read(this.fileOf(trainId, group));
  }

  async version(trainId: string, group: string): Promise<number | undefined> {
    return (await this.read(this.fileOf(trainId, group)))?.version;
  }

  save(c: Checkpoint): Promise<void> {
    const run = this.queue.then(() => this.write(c));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(file: string): Promise<Checkpoint | undefined> {
    let text: string;
    try {
      text = await fs.readFile(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new CheckpointError(`cannot read checkpoint ${file}: ${(e as Error).message}`);
    }
    try {
      const stored = JSON.parse(text) as Omit<Checkpoint, "model"> & { model: string };
      return { ...stored, model: Uint8Array.from(Buffer.from(stored.model, "base64")) };
    } catch (e) {
      throw new CheckpointError(`checkpoint ${file} is not JSON: ${(e as Error).message}`);
    }
  }

  private async write(c: Checkpoint): Promise<void> {
    const file = this.fileOf(c.trainId, c.group);
    const stored = (await this.read(file))?.version ?? 0;
    if (stored !== c.version - 1) throw new ConflictError(`checkpoint of ${c.trainId}/${c.group}: another writer got past version ${c.version - 1}`);
    await fs.mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await fs.writeFile(tmp, JSON.stringify({ ...c, model: Buffer.from(c.model).toString("base64") }));
    await fs.rename(tmp, file);
    this.saves++;
  }
}
