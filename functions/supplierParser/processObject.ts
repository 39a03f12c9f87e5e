import { Readable } from "stream";
import { IngestResult, ingestStream, streamLines } from "./ingest";
import { Reading } from "./readingSchema";
import { parseS3Key, processedKey, quarantineKey } from "./s3Key";

/** The two S3 calls the Lambda needs, injected so the core runs without AWS. */
export interface ObjectStore {
  get(key: string): Promise<Readable>;
  put(key: string, body: string, contentType: string): Promise<void>;
}

export interface ProcessedObject {
  readonly processedKey: string;
  readonly quarantineKey: string;
  readonly result: IngestResult;
}

/**
 * Parses one supplier object and writes its readings (JSON lines) and quarantine report. Both output keys
 * derive from the input key and the bodies from its content, so reprocessing a redelivered S3 event
 * overwrites with identical objects. The input is streamed; the output is held because one client-day file
 * is small (48 readings a day) and a single PutObject needs a known length.
 */
export async function processObject(store: ObjectStore, key: string): Promise<ProcessedObject> {
  const k = parseS3Key(key);
  const lines: string[] = [];
  const body = await store.get(key);
  const result = await ingestStream(streamLines(body), { key, onReading: (r: Reading) => lines.push(JSON.stringify(r)) });
  const out = { processedKey: processedKey(k), quarantineKey: quarantineKey(k), result };
  await store.put(out.processedKey, lines.map((l) => `${l}\n`).join(""), "application/x-ndjson");
  const report = { file: key, layout: result.layout, rows: result.rows, accepted: result.accepted, rejected: result.rejected, errors: result.errors };
  await store.put(out.quarantineKey, `${JSON.stringify(report, null, 2)}\n`, "application/json");
  return out;
}
