import { expect } from "chai";
import { Readable } from "stream";
import { ObjectStore, ObjectWriter } from "../../../functions/supplierParser/objectStore";
import { KEPT, processObject } from "../../../functions/supplierParser/processObject";

interface Recorder extends ObjectStore {
  puts: [string, string, string][];
  gets: string[];
  writes: Record<string, string[]>;
  aborted: string[];
}

/** An in-memory bucket that records every call; `streamed` adds a writer (as S3's multipart), `size` what the store reports. */
function memoryStore(objects: Record<string, string>, opts: { streamed?: boolean; size?: boolean; failPut?: string } = {}): Recorder {
  const rec: Recorder = {
    puts: [],
    gets: [],
    writes: {},
    aborted: [],
    get: async (key) => {
      rec.gets.push(key);
      return { body: Readable.from([objects[key]]), ...(opts.size === false ? {} : { size: Buffer.byteLength(objects[key]) }) };
    },
    put: async (key, body, type) => {
      if (key === opts.failPut) throw new Error("SlowDown");
      rec.puts.push([key, body, type]);
    },
  };
  if (opts.streamed) {
    rec.writer = (key, type): ObjectWriter => {
      rec.writes[key] = [];
      return {
        write: async (text) => void rec.writes[key].push(text),
        end: () => rec.put(key, rec.writes[key].join(""), type),
        abort: async () => void rec.aborted.push(key),
      };
    };
  }
  return rec;
}

const vals = Array(48).fill("0.1").join(",");
const csv = ["200,M1,E1,E1,E1,,X,KWH,30,", `300,20240101,${vals},A,,,20240102030312,`, `300,20240102,${vals},A,,,20240103030312,`].join("\n");
const KEYS = ["processed/20240101/acme.jsonl", "processed/20240101/generation/acme.jsonl", "quarantine/20240101/acme.json"];

describe("supplierParser processObject", () => {
  it("writes accepted readings as JSON lines and rejected rows to a quarantine report, under keys from the input key", async () => {
    const store = memoryStore({ "20240101/acme.csv": csv });
    const out = await processObject(store, "20240101/acme.csv");
    expect([out.processedKeys.consumption, out.processedKeys.generation, out.quarantineKey, out.result.accepted, out.result.rejected]).to.deep.equal([
      ...KEYS,
      1,
      1,
    ]);
    expect(store.puts.map((p) => [p[0], p[2]])).to.deep.equal([
      [KEYS[0], "application/x-ndjson"],
      [KEYS[1], "application/x-ndjson"],
      [KEYS[2], "application/json"],
    ]);
    const lines = store.puts[0][1].trimEnd().split("\n");
    expect([lines.length, JSON.parse(lines[0])]).to.deep.equal([
      48,
      { clientId: "acme", intervalStart: "2023-12-31T14:00:00.000Z", intervalMinutes: 30, kwh: 0.1, quality: "A", channel: "consumption" },
    ]);
    expect(store.puts[1][1]).to.equal("");
    expect(JSON.parse(store.puts[2][1])).to.deep.equal({
      file: "20240101/acme.csv",
      layout: "nem12",
      rows: 2,
      accepted: 1,
      rejected: 1,
      readings: { consumption: 48, generation: 0 },
      errors: [{ line: 3, reason: "day 2024-01-02 is after the upload's date 2024-01-01" }],
      reasons: [{ reason: "day <day> is after the upload's date <day>", count: 1 }],
    });
    // the usage summary sums this exact line
    expect(store.puts[2][1]).to.match(/^ {2}"rejected": 1,$/m);
  });

  it("writes generation (NEM12 suffix B) to its own object, out of the consumption the analysis reads", async () => {
    const store = memoryStore({ "20240101/acme.csv": ["200,M1,E1B1,1,B1,,X,KWH,30,", `300,20240101,${vals},A,,,20240102030312,`].join("\n") });
    await processObject(store, "20240101/acme.csv");
    expect([store.puts[0][1], store.puts[1][1].trimEnd().split("\n").length, JSON.parse(store.puts[1][1].split("\n")[0]).channel]).to.deep.equal([
      "",
      48,
      "generation",
    ]);
  });

  it("writes identical objects to the same keys when the same file is processed again", async () => {
    const store = memoryStore({ "20240102/acme.csv": csv });
    await processObject(store, "20240102/acme.csv");
    await processObject(store, "20240102/acme.csv");
    expect(store.puts.slice(3)).to.deep.equal(store.puts.slice(0, 3));
  });

  it("refuses a key that is not {YYYYMMDD}/{ClientID}.csv before reading it", async () => {
    const store = memoryStore({});
    let err: Error | undefined;
    await processObject(store, "incoming/acme.csv").catch((e: Error) => (err = e));
    expect([err?.name, err?.message, store.puts.length, store.gets.length]).to.deep.equal(["KeyError", 'date "incoming" is not a valid YYYYMMDD day', 0, 0]);
  });

  describe("a file that gives no reading leaves an earlier upload's readings", () => {
    const cases: [string, string, boolean][] = [
      ["semicolons (a spreadsheet's save)", "timestamp;kwh\n2024-01-01T00:00:00Z;0.5\n", true],
      ["an empty transfer", "", true],
      ["a header and no rows", "timestamp,kwh\n", true],
      ["every value out of bounds", "timestamp,kwh\n2024-01-01T00:00:00Z,-4\n", true],
      ["one good row (a replacement)", "timestamp,kwh\n2024-01-01T00:00:00Z,0.5\n", false],
    ];
    for (const [title, body, kept] of cases) {
      it(`${title}: ${kept ? "kept, and the report says so" : "replaced"}`, async () => {
        const store = memoryStore({ "20240101/acme.csv": body }, { streamed: true });
        const out = await processObject(store, "20240101/acme.csv");
        const written = store.puts.map((p) => p[0]);
        const report = JSON.parse(store.puts[store.puts.length - 1][1]);
        expect([out.keptEarlier, written, report.earlierReadings]).to.deep.equal(kept ? [true, [KEYS[2]], KEPT] : [false, KEYS, undefined]);
        expect(store.aborted).to.deep.equal(kept ? KEYS.slice(0, 2) : []);
      });
    }
  });

  it("reads a key ending in .CSV like one in .csv", async () => {
    const store = memoryStore({ "20240102/acme.CSV": csv });
    const out = await processObject(store, "20240102/acme.CSV");
    expect([out.processedKeys.consumption, out.result.accepted]).to.deep.equal(["processed/20240102/acme.jsonl", 2]);
  });

  it("puts a row's note in the quarantine report (a wide row of the day the clocks go back), between the counts and the errors", async () => {
    const header = "NMI,METER SERIAL NUMBER,CON/GEN,DATE,ESTIMATED?," + Array.from({ length: 48 }, (_, i) => `c${i}`).join(",");
    const store = memoryStore({ "20190407/acme.csv": `${header}\n6,7,Consumption,7/4/19,No,${Array(48).fill("0.1").join(",")}\n` });
    await processObject(store, "20190407/acme.csv");
    const report = JSON.parse(store.puts.find(([key]) => key === "quarantine/20190407/acme.json")![1]) as Record<string, unknown>;
    expect([Object.keys(report), (report.notes as { line: number; note: string }[]).map((n) => [n.line, n.note.slice(0, 40)])]).to.deep.equal([
      ["file", "layout", "rows", "accepted", "rejected", "readings", "notes", "errors", "reasons"],
      [[2, "2019-04-07: 02:00-03:00 happened twice i"]],
    ]);
  });

  describe("size limit", () => {
    const refusedReport = (reason: string): Record<string, unknown> => ({
      file: "20240101/acme.csv",
      layout: "unread",
      refused: reason,
      rows: 0,
      accepted: 0,
      rejected: 0,
      readings: { consumption: 0, generation: 0 },
      earlierReadings: KEPT,
      errors: [],
      reasons: [],
    });

    it("refuses a file whose event size is over the limit without reading it, with a quarantine report, and leaves earlier readings", async () => {
      const store = memoryStore({ "20240101/acme.csv": csv });
      const out = await processObject(store, "20240101/acme.csv", { size: 209_715_200 });
      const reason = "object is 209715200 bytes, over the limit of 104857600 bytes";
      expect([out.refused, out.keptEarlier, store.gets.length, store.puts.map((p) => p[0])]).to.deep.equal([reason, true, 0, [KEYS[2]]]);
      expect(JSON.parse(store.puts[0][1])).to.deep.equal(refusedReport(reason));
    });

    it("refuses a file whose stored size is over the limit", async () => {
      const store = memoryStore({ "20240101/acme.csv": csv });
      const out = await processObject(store, "20240101/acme.csv", { maxBytes: 300 });
      expect([out.refused, store.puts.length]).to.deep.equal([`object is ${csv.length} bytes, over the limit of 300 bytes`, 1]);
    });

    it("stops reading a file of unknown size once it passes the limit, and drops what was written", async () => {
      const store = memoryStore({ "20240101/acme.csv": csv }, { size: false, streamed: true });
      const out = await processObject(store, "20240101/acme.csv", { maxBytes: 300 });
      expect(out.refused).to.equal(`object is at least ${csv.length} bytes, over the limit of 300 bytes`);
      expect(store.aborted).to.deep.equal(KEYS.slice(0, 2));
      expect(JSON.parse(store.puts[0][1]).refused).to.equal(out.refused);
    });
  });

  it("streams readings out in chunks instead of holding the file's output", async () => {
    const rows = ["timestamp,kwh", ...Array.from({ length: 6000 }, (_, i) => `${new Date(Date.UTC(2020, 0, 1, 0, 30 * i)).toISOString()},0.5`)];
    const store = memoryStore({ "20240101/acme.csv": rows.join("\n") }, { streamed: true });
    const out = await processObject(store, "20240101/acme.csv");
    const chunks = store.writes[KEYS[0]];
    expect([out.result.accepted, chunks.length, chunks.join("").split("\n").length - 1]).to.deep.equal([6000, 4, 6000]);
    expect(Math.max(...chunks.slice(0, -1).map((c) => c.length))).to.be.within(256 * 1024, 256 * 1024 + 200);
  });

  it("aborts its writers and fails (so the message is retried) when the lake cannot be written", async () => {
    const store = memoryStore({ "20240101/acme.csv": csv }, { streamed: true, failPut: KEYS[0] });
    let err: Error | undefined;
    await processObject(store, "20240101/acme.csv").catch((e: Error) => (err = e));
    expect([err?.message, store.aborted]).to.deep.equal(["SlowDown", KEYS.slice(0, 2)]);
  });
});
