import { expect } from "chai";
import { readdirSync, rmSync } from "fs";
import { join } from "path";
import { Checkpoint } from "../../../functions/trainAnomaly/checkpoint";
import { FolderCheckpointStore } from "../../../local/checkpoints/folderCheckpointStore";
import { tempDir } from "../../helpers/tempDir";

const checkpoint = (version: number): Checkpoint => ({
  trainId: "train-0001",
  group: "apu",
  version,
  fingerprint: "abc",
  model: Uint8Array.from([0, 255, version]),
  sidecar: '{"guard":{}}',
  watermark: version === 1 ? null : 1580515200000,
  updatedAt: "2020-02-01T00:00:05.000Z",
});

async function error(p: Promise<unknown>): Promise<[string, string]> {
  return p.then(
    () => ["resolved", ""],
    (e: Error) => [e.name, e.message],
  );
}

describe("folder checkpoint store", () => {
  let dir: string;
  beforeEach(() => (dir = tempDir("gridrail-checkpoints-")));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("round-trips a checkpoint, model bytes included, and a new store on the folder resumes it", async () => {
    await new FolderCheckpointStore(dir).save(checkpoint(1));
    await new FolderCheckpointStore(dir).save(checkpoint(2));

    const loaded = await new FolderCheckpointStore(dir).load("train-0001", "apu");

    expect(loaded).to.deep.equal(checkpoint(2));
    expect(loaded!.model).to.be.instanceOf(Uint8Array);
    expect(readdirSync(join(dir, "train-0001"))).to.deep.equal(["apu.json"]);
  });

  it("answers undefined for a model never saved", async () => {
    expect(await new FolderCheckpointStore(dir).load("train-0009", "apu")).to.equal(undefined);
  });

  it("writes version n only over n - 1, as the DynamoDB store's condition does", async () => {
    const store = new FolderCheckpointStore(dir);
    await store.save(checkpoint(1));

    const results = await Promise.all([
      store.save(checkpoint(2)),
      store.save(checkpoint(2)).catch((e: Error) => e),
      store.save(checkpoint(4)).catch((e: Error) => e),
    ]);

    expect(results.map((r) => (r instanceof Error ? `${r.name}: ${r.message}` : "saved"))).to.deep.equal([
      "saved",
      "ConflictError: checkpoint of train-0001/apu: another writer got past version 1",
      "ConflictError: checkpoint of train-0001/apu: another writer got past version 3",
    ]);
    expect((await store.load("train-0001", "apu"))!.version).to.equal(2);
  });

  it("refuses ids that cannot name a file", async () => {
    expect(await error(new FolderCheckpointStore(dir).load("../etc", "apu"))).to.deep.equal([
      "CheckpointError",
      'checkpoint trainId "../etc" cannot name a file (A-Z, a-z, 0-9, _ . - only)',
    ]);
  });
});
