import { expect } from "chai";
import { Readable } from "stream";
import { ObjectStore, processObject } from "../../../functions/supplierParser/processObject";

/** An in-memory bucket that records every put. */
function memoryStore(objects: Record<string, string>): ObjectStore & { puts: [string, string, string][] } {
  const puts: [string, string, string][] = [];
  return {
    puts,
    get: async (key) => Readable.from([objects[key]]),
    put: async (key, body, type) => {
      puts.push([key, body, type]);
    },
  };
}

const vals = Array(48).fill("0.1").join(",");
const csv = ["200,M1,E1,E1,E1,,X,KWH,30,", `300,20240101,${vals},A,,,20240102030312,`, `300,20240102,${vals},A,,,20240103030312,`].join("\n");

describe("supplierParser processObject", () => {
  it("writes accepted readings as JSON lines and rejected rows to a quarantine report, under keys from the input key", async () => {
    const store = memoryStore({ "20240101/acme.csv": csv });
    const out = await processObject(store, "20240101/acme.csv");
    expect([out.processedKey, out.quarantineKey, out.result.accepted, out.result.rejected]).to.deep.equal(["processed/20240101/acme.jsonl", "quarantine/20240101/acme.json", 1, 1]);
    expect(store.puts.map((p) => [p[0], p[2]])).to.deep.equal([["processed/20240101/acme.jsonl", "application/x-ndjson"], ["quarantine/20240101/acme.json", "application/json"]]);
    const lines = store.puts[0][1].trimEnd().split("\n");
    expect([lines.length, JSON.parse(lines[0])]).to.deep.equal([48, { clientId: "acme", intervalStart: "2023-12-31T14:00:00.000Z", intervalMinutes: 30, kwh: 0.1, quality: "A", channel: "consumption" }]);
    expect(JSON.parse(store.puts[1][1])).to.deep.equal({
      file: "20240101/acme.csv", layout: "nem12", rows: 2, accepted: 1, rejected: 1,
      errors: [{ line: 3, reason: "day 2024-01-02 is after the file date 2024-01-01 in the key" }],
    });
  });

  it("writes identical objects to the same keys when the same file is processed again", async () => {
    const store = memoryStore({ "20240102/acme.csv": csv });
    await processObject(store, "20240102/acme.csv");
    await processObject(store, "20240102/acme.csv");
    expect(store.puts.slice(2)).to.deep.equal(store.puts.slice(0, 2));
  });

  it("refuses a key that is not {YYYYMMDD}/{ClientID}.csv before reading it", async () => {
    const store = memoryStore({});
    let err: Error | undefined;
    await processObject(store, "incoming/acme.csv").catch((e: Error) => (err = e));
    expect([err?.name, err?.message, store.puts.length]).to.deep.equal(["KeyError", 'date "incoming" is not a valid YYYYMMDD day', 0]);
  });
});
