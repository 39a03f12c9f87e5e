import { pipeline } from "stream";
import { DEFAULT_MAX_OBJECT_BYTES, byteLimit, tooLarge } from "./byteLimit";
import { IngestResult, ingestStream, streamLines } from "./ingest";
import { ObjectStore, ObjectWriter, newestSpelling, sameTag, writerFor } from "./objectStore";
import { CHANNELS, Channel, Reading, readingJson } from "./readingSchema";
import { parseS3Key, processedKey, quarantineKey } from "./s3Key";

export { ObjectStore, StoredObject } from "./objectStore";

export interface ProcessOptions {
  /** The object's size from its S3 event; a file over maxBytes is refused without being read. */
  readonly size?: number;
  /** Largest object parsed, bytes; default DEFAULT_MAX_OBJECT_BYTES. */
  readonly maxBytes?: number;
  /** Bound on every value, kW (see bounds.ts); default DEFAULT_MAX_KW. */
  readonly maxKw?: number;
  /** Rejected rows listed in the report; default DEFAULT_MAX_ERRORS. */
  readonly maxErrors?: number;
  /** The upload's entity tag from its S3 event: when the upload has another by the end of the parse, nothing is written. */
  readonly eTag?: string;
}

export interface ProcessedObject {
  readonly processedKeys: Record<Channel, string>;
  readonly quarantineKey: string;
  readonly result: IngestResult;
  /** Why the file was not read at all (too large); the report says the same. */
  readonly refused?: string;
  /**
   * True when the file gave no reading (refused, or every row rejected): the readings of an earlier upload of the
   * key stay as they were, so a broken re-upload does not erase a good one. The report says the same.
   */
  readonly keptEarlier: boolean;
  /**
   * True when a newer upload replaced this one while it was parsed: nothing was written, as the newer upload's
   * own event writes its output (an older parse finishing last must not overwrite it).
   */
  readonly superseded?: boolean;
  /**
   * With superseded, the key of the newer upload: this key (uploaded again) or another spelling of it (`.CSV`
   * for `.csv`), which shares its output.
   */
  readonly supersededBy?: string;
}

/** Output is flushed to the writers once this much is pending, so it never piles up in memory. */
const FLUSH_BYTES = 256 * 1024;

const UNREAD: IngestResult = { layout: "empty", rows: 0, accepted: 0, rejected: 0, readingCount: 0, readings: [], errors: [], reasons: [] };

/** One channel's output: JSON lines gathered and handed to its writer in chunks. */
class ChannelOut {
  private pending: string[] = [];
  private bytes = 0;
  count = 0;
  constructor(readonly writer: ObjectWriter) {}
  add(r: Reading): void {
    const line = `${readingJson(r)}\n`;
    this.pending.push(line);
    this.bytes += line.length;
    this.count++;
  }
  get full(): boolean {
    return this.bytes >= FLUSH_BYTES;
  }
  async flush(): Promise<void> {
    const text = this.pending.join("");
    this.pending = [];
    this.bytes = 0;
    if (text) await this.writer.write(text);
  }
}

/**
 * The quarantine report. "rejected" stays a top-level field on its own line (`  "rejected": N`): the usage
 * summary sums it from the report's lines.
 */
function report(key: string, result: IngestResult, readings: Record<Channel, number>, refused?: string): string {
  const { layout, rows, accepted, rejected, errors, reasons } = result;
  const head = refused ? { file: key, layout: "unread", refused } : { file: key, layout };
  const kept = readings.consumption + readings.generation === 0 ? { earlierReadings: KEPT } : {};
  const unreported = result.unreported ? { unreported: { ...result.unreported, why: UNREPORTED } } : {};
  const notes = result.notes ? { notes: result.notes } : {};
  return `${JSON.stringify({ ...head, rows, accepted, rejected, readings, ...kept, ...unreported, ...notes, errors, reasons }, null, 2)}\n`;
}

/** Why a report counts readings no daily report reads. */
export const UNREPORTED =
  "readings of days other than the file's and its neighbours: the daily reports read a file only for the UTC days it is named for and either side; upload each day under its own {YYYYMMDD}";

/** What a report says of the readings of an earlier upload of its key when the file gave none. */
export const KEPT = "kept: this file gave no reading, so the readings the lake holds for the key (from the last upload that gave some) stand";

/**
 * Parses one supplier object and writes its readings (JSON lines, consumption and generation to separate
 * objects) and its quarantine report. Every output key derives from the input key and every body from its
 * content, so reprocessing a redelivered S3 event overwrites with identical objects; both reading objects
 * are written (one empty when the file has readings of one channel only) so a replaced upload leaves no stale
 * readings, unless the file gave no reading at all (refused, or every row rejected): then an earlier upload's
 * readings stand, as a broken re-upload (a spreadsheet saved with `;`, a truncated transfer) must not erase them. Input
 * and output are streamed, so memory does not grow with the file; a file over the size limit is refused
 * with a report instead of being retried until it lands in the dead-letter queue.
 */
export async function processObject(store: ObjectStore, key: string, opts: ProcessOptions = {}): Promise<ProcessedObject> {
  const k = parseS3Key(key);
  const keys = { consumption: processedKey(k, "consumption"), generation: processedKey(k, "generation") };
  const qKey = quarantineKey(k);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_OBJECT_BYTES;
  // the newer upload whose own event writes the output this parse would: the key uploaded again, or another spelling
  const newerUpload = async (): Promise<string | undefined> => {
    if (opts.eTag !== undefined && store.currentTag) {
      const now = await store.currentTag(key);
      if (now !== undefined && !sameTag(now, opts.eTag)) return key;
    }
    const owner = store.spellings ? newestSpelling(await store.spellings(key)) : undefined;
    return owner !== undefined && owner !== key ? owner : undefined;
  };
  const refuse = async (reason: string): Promise<ProcessedObject> => {
    const newer = await newerUpload();
    if (newer) return { processedKeys: keys, quarantineKey: qKey, result: UNREAD, refused: reason, keptEarlier: true, superseded: true, supersededBy: newer };
    await store.put(qKey, report(key, UNREAD, { consumption: 0, generation: 0 }, reason), "application/json");
    return { processedKeys: keys, quarantineKey: qKey, result: UNREAD, refused: reason, keptEarlier: true };
  };
  if (opts.size !== undefined && opts.size > maxBytes) return refuse(tooLarge(opts.size, maxBytes).message);

  const object = await store.get(key);
  if (object.size !== undefined && object.size > maxBytes) {
    object.body.destroy();
    return refuse(tooLarge(object.size, maxBytes).message);
  }
  const outs = {
    consumption: new ChannelOut(writerFor(store, keys.consumption, "application/x-ndjson")),
    generation: new ChannelOut(writerFor(store, keys.generation, "application/x-ndjson")),
  };
  const keptEarlier = () => outs.consumption.count + outs.generation.count === 0;
  const input = pipeline(object.body, byteLimit(maxBytes), () => {});
  let result: IngestResult;
  try {
    result = await ingestStream(streamLines(input), {
      key,
      maxKw: opts.maxKw,
      maxErrors: opts.maxErrors,
      onReading: (r) => outs[r.channel].add(r),
      afterLine: () => (outs.consumption.full || outs.generation.full ? Promise.all(CHANNELS.map((c) => outs[c].flush())).then(() => undefined) : undefined),
    });
    for (const c of CHANNELS) await outs[c].flush();
    const newer = await newerUpload();
    if (newer) {
      for (const c of CHANNELS) await outs[c].writer.abort();
      return { processedKeys: keys, quarantineKey: qKey, result, keptEarlier: true, superseded: true, supersededBy: newer };
    }
    if (keptEarlier()) for (const c of CHANNELS) await outs[c].writer.abort();
    else for (const c of CHANNELS) await outs[c].writer.end();
  } catch (e) {
    input.destroy();
    for (const c of CHANNELS) await outs[c].writer.abort();
    if ((e as Error).name === "ObjectTooLargeError") return refuse((e as Error).message);
    throw e;
  }
  await store.put(qKey, report(key, result, { consumption: outs.consumption.count, generation: outs.generation.count }), "application/json");
  return { processedKeys: keys, quarantineKey: qKey, result, keptEarlier: keptEarlier() };
}
