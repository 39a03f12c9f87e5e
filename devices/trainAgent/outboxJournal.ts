import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "fs";
import { join } from "path";
import type { OutboxMessage } from "./outbox";

/**
 * The outbox on disk, so a reboot loses nothing that fit. One folder per train:
 *   seg-<first seq, 12 digits>.jsonl   the messages, one `{"seq":N,"payload":"..."}` line each, append-only
 *   settled.jsonl                      `{"next":N,"dropped":K}` then one `{"ack":N}` or `{"drop":N}` line per
 *                                      message that left the outbox (acknowledged by the broker, or dropped)
 * A message is settled (its line appended) before the segment holding it can be deleted, and every start writes
 * to a fresh segment, so a torn last line (a crash mid-write) is never appended to: it is skipped and counted.
 * fsync: every `fsyncMs` at most (0: after each line); a process crash loses nothing written, a power cut at most
 * the lines of the last `fsyncMs`. A reading acknowledged just before a crash whose `ack` line was not written yet
 * is sent again after the restart: the cloud drops it (idempotency key: train + reading time).
 */
export interface JournalState {
  /** Unsettled messages, in seq order. */
  readonly messages: OutboxMessage[];
  readonly nextSeq: number;
  /** Messages dropped because the outbox was full, over the outbox's whole life. */
  readonly dropped: number;
  /** Lines that could not be read (a torn last line after a crash), skipped. */
  readonly torn: number;
  /** Seqs settled and still listed in the settled log. */
  readonly settled: ReadonlyMap<number, "ack" | "drop">;
  /** Drops counted in the header rather than listed. */
  readonly droppedUnlisted: number;
}

const SEGMENT = /^seg-(\d{12})\.jsonl$/;
export const segmentName = (firstSeq: number): string => `seg-${String(firstSeq).padStart(12, "0")}.jsonl`;

/** Each non-empty line of `text` as a JSON object, or null where it is not one (a torn line). */
function* records(text: string): Generator<Record<string, unknown> | null> {
  for (const line of text.split("\n")) {
    if (line.length === 0) continue;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      o = null;
    }
    yield typeof o === "object" && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>) : null;
  }
}

/** Pure: what the folder's files say is still to send. `segments` are [file name, text], any order. */
export function replayJournal(segments: readonly (readonly [string, string])[], settledText: string): JournalState {
  let torn = 0;
  let next = 0;
  let droppedUnlisted = 0;
  const settled = new Map<number, "ack" | "drop">();
  for (const o of records(settledText)) {
    if (o === null) torn++;
    else if (Number.isInteger(o.ack)) settled.set(o.ack as number, "ack");
    else if (Number.isInteger(o.drop)) settled.set(o.drop as number, "drop");
    else if (Number.isInteger(o.next) && Number.isInteger(o.dropped)) {
      next = Math.max(next, o.next as number);
      droppedUnlisted = o.dropped as number;
    } else torn++;
  }
  const bySeq = new Map<number, string>();
  for (const [name, text] of [...segments].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (!SEGMENT.test(name)) continue;
    for (const o of records(text)) {
      if (o === null || !Number.isInteger(o.seq) || typeof o.payload !== "string") torn++;
      else bySeq.set(o.seq as number, o.payload);
    }
  }
  for (const seq of [...bySeq.keys(), ...settled.keys()]) next = Math.max(next, seq + 1);
  const messages = [...bySeq]
    .filter(([seq]) => !settled.has(seq))
    .sort((a, b) => a[0] - b[0])
    .map(([seq, payload]) => ({ seq, payload }));
  const dropped = droppedUnlisted + [...settled.values()].filter((v) => v === "drop").length;
  return { messages, nextSeq: next, dropped, torn, settled, droppedUnlisted };
}

export interface JournalOptions {
  /** Lines per segment file before a new one is started. Default 1000. */
  readonly segmentLines?: number;
  /** Longest time a written line stays unsynced, ms; 0 syncs after every line. Default 1000. */
  readonly fsyncMs?: number;
}

interface Segment {
  readonly first: number;
  readonly name: string;
  last: number;
  live: number;
}

/**
 * A line-appending file, reopened after `close`. A line is fsynced at once when the last fsync is `fsyncMs` old,
 * else by a timer when it is: no line stays unsynced longer than `fsyncMs`, even when no other line follows.
 */
class AppendFile {
  private fd?: number;
  private syncedAt = -Infinity;
  private timer?: NodeJS.Timeout;
  constructor(
    readonly path: string,
    private readonly fsyncMs: number,
  ) {}
  append(line: string): void {
    this.fd ??= openSync(this.path, "a");
    writeSync(this.fd, `${line}\n`);
    // a monotonic clock: an NTP step back must not put the next fsync off by the step
    const wait = this.syncedAt + this.fsyncMs - performance.now();
    if (wait <= 0) this.sync();
    else this.timer ??= setTimeout(() => this.sync(), wait).unref();
  }
  private sync(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    this.syncedAt = performance.now();
  }
  close(): void {
    if (this.fd === undefined) return;
    this.sync();
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Writes a file whole: to a temporary name, fsynced, then renamed over the old one. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  writeSync(fd, text);
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

/** The folder behind a durable Outbox: loads it once, then mirrors every add and every settle. */
export class OutboxJournal {
  private readonly segments: Segment[] = [];
  private settledLog!: AppendFile;
  private readonly settled = new Map<number, "ack" | "drop">();
  private droppedUnlisted = 0;
  private obsolete = 0;
  private nextSeq = 0;
  private active?: { segment: Segment; file: AppendFile; lines: number };
  private readonly segmentLines: number;
  private readonly fsyncMs: number;

  constructor(
    readonly dir: string,
    options: JournalOptions = {},
  ) {
    this.segmentLines = options.segmentLines ?? 1000;
    this.fsyncMs = options.fsyncMs ?? 1000;
  }

  /** Reads the folder (created if missing), deletes fully settled segments and compacts the settled log. */
  load(): JournalState {
    mkdirSync(this.dir, { recursive: true });
    const names = readdirSync(this.dir).filter((n) => SEGMENT.test(n));
    const settledPath = join(this.dir, "settled.jsonl");
    const state = replayJournal(
      names.map((n) => [n, readFileSync(join(this.dir, n), "utf8")] as const),
      existsSync(settledPath) ? readFileSync(settledPath, "utf8") : "",
    );
    const live = new Set(state.messages.map((m) => m.seq));
    for (const name of names.sort()) {
      const first = Number(SEGMENT.exec(name)![1]);
      const seqs = [...records(readFileSync(join(this.dir, name), "utf8"))].map((o) => o?.seq).filter((seq): seq is number => Number.isInteger(seq));
      const mine = seqs.filter((s) => live.has(s)).length;
      if (mine === 0) rmSync(join(this.dir, name), { force: true });
      else this.segments.push({ first, name, last: Math.max(first, ...seqs), live: mine });
    }
    this.nextSeq = state.nextSeq;
    this.droppedUnlisted = state.droppedUnlisted;
    for (const [seq, how] of state.settled) this.settled.set(seq, how);
    this.compact();
    this.settledLog = new AppendFile(settledPath, this.fsyncMs);
    return state;
  }

  /** Rewrites the settled log without the lines of deleted segments (their drops move into the header). */
  private compact(): void {
    const oldest = this.segments[0]?.first ?? this.nextSeq;
    for (const [seq, how] of this.settled) {
      if (seq >= oldest) continue;
      if (how === "drop") this.droppedUnlisted++;
      this.settled.delete(seq);
    }
    const body = [
      JSON.stringify({ next: this.nextSeq, dropped: this.droppedUnlisted }),
      ...[...this.settled].map(([seq, how]) => JSON.stringify({ [how]: seq })),
    ];
    this.settledLog?.close();
    writeAtomically(join(this.dir, "settled.jsonl"), `${body.join("\n")}\n`);
    this.obsolete = 0;
  }

  append(m: OutboxMessage): void {
    if (!this.active || this.active.lines >= this.segmentLines) {
      this.closeActive();
      const segment: Segment = { first: m.seq, name: segmentName(m.seq), last: m.seq, live: 0 };
      this.segments.push(segment);
      this.active = { segment, file: new AppendFile(join(this.dir, segment.name), this.fsyncMs), lines: 0 };
    }
    this.active.file.append(JSON.stringify({ seq: m.seq, payload: m.payload }));
    this.active.lines++;
    this.active.segment.last = m.seq;
    this.active.segment.live++;
    this.nextSeq = m.seq + 1;
  }

  /** The message left the outbox: logged first, then its segment is deleted once nothing in it is left. */
  settle(seq: number, how: "ack" | "drop"): void {
    this.settledLog.append(JSON.stringify({ [how]: seq }));
    this.settled.set(seq, how);
    const i = this.segments.findIndex((s) => s.first <= seq && seq <= s.last);
    if (i < 0) return;
    const s = this.segments[i];
    if (--s.live > 0 || s === this.active?.segment) return;
    this.segments.splice(i, 1);
    rmSync(join(this.dir, s.name), { force: true });
    this.obsolete += s.last - s.first + 1;
    if (this.obsolete >= 10 * this.segmentLines) this.compact();
  }

  /** Closes the segment being written, deleting it when everything in it is already settled. */
  private closeActive(): void {
    if (!this.active) return;
    const { segment, file } = this.active;
    file.close();
    this.active = undefined;
    if (segment.live > 0) return;
    this.segments.splice(this.segments.indexOf(segment), 1);
    rmSync(join(this.dir, segment.name), { force: true });
  }

  /** Syncs and closes the open files; a later append or settle reopens them. */
  close(): void {
    this.closeActive();
    this.settledLog.close();
  }
}
