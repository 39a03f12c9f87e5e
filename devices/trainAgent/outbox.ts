/**
 * The agent's outgoing telemetry, in reading order. A message leaves the outbox only when the broker
 * acknowledged it (MQTT PUBACK), so nothing is lost while the train is offline; a message that was in flight
 * when the connection dropped is sent again after reconnecting (the cloud drops the copy if the first one
 * did arrive: its idempotency key is train + reading time). An acknowledged message is never sent again.
 * With a journal (outboxJournal.ts) the outbox lives on disk too, and a new outbox on the same folder starts
 * from what the old one had not settled, in order, with the seq counter and the drop count carried over.
 */
export interface OutboxMessage {
  /** The agent's counter, also in the payload (`seq`). */
  readonly seq: number;
  readonly payload: string;
}

/** Where the outbox mirrors itself (the disk journal); the memory-only outbox has none. */
export interface OutboxStore {
  load(): { readonly messages: readonly OutboxMessage[]; readonly nextSeq: number; readonly dropped: number; readonly torn: number };
  append(message: OutboxMessage): void;
  settle(seq: number, how: "ack" | "drop"): void;
  close(): void;
}

export class Outbox {
  private readonly queue: OutboxMessage[] = [];
  /** Messages handed to the current connection and not yet acknowledged. */
  private readonly inflight = new Set<number>();
  private nextSeq: number;
  dropped = 0;
  acknowledged = 0;
  /** Messages found in the store at start (sent before anything new). */
  readonly restored: number = 0;
  /** Unreadable lines the store skipped at start. */
  readonly torn: number = 0;

  constructor(
    /** Most messages kept; past it the oldest are dropped (and counted): ~7 days of 10 s readings by default, as long as the cloud accepts a reading. */
    readonly capacity = 60_000,
    firstSeq = 0,
    private readonly store?: OutboxStore,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`outbox capacity must be an integer >= 1, got ${capacity}`);
    this.nextSeq = firstSeq;
    if (!store) return;
    const state = store.load();
    this.queue.push(...state.messages);
    this.nextSeq = Math.max(firstSeq, state.nextSeq);
    this.dropped = state.dropped;
    this.torn = state.torn;
    this.trim();
    this.restored = this.queue.length;
  }

  private trim(): void {
    while (this.queue.length > this.capacity) {
      const old = this.queue.shift()!;
      this.inflight.delete(old.seq);
      this.dropped++;
      this.store?.settle(old.seq, "drop");
    }
  }

  /** Syncs and closes the store's files (they reopen on the next add or acknowledgement). */
  close(): void {
    this.store?.close();
  }

  /** Queues a message built around its sequence number. */
  add(build: (seq: number) => string): OutboxMessage {
    const message = { seq: this.nextSeq++, payload: build(this.nextSeq - 1) };
    this.queue.push(message);
    this.store?.append(message);
    this.trim();
    return message;
  }

  get size(): number {
    return this.queue.length;
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  /** The oldest messages not in flight, up to `room`; they are now in flight. */
  take(room: number): OutboxMessage[] {
    const out: OutboxMessage[] = [];
    for (const m of this.queue) {
      if (out.length >= room) break;
      if (this.inflight.has(m.seq)) continue;
      this.inflight.add(m.seq);
      out.push(m);
    }
    return out;
  }

  acknowledge(seq: number): void {
    if (!this.inflight.delete(seq)) return;
    const i = this.queue.findIndex((m) => m.seq === seq);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.acknowledged++;
      this.store?.settle(seq, "ack");
    }
  }

  /** The connection is gone: whatever was in flight goes out again, in order, on the next one. */
  requeueInflight(): void {
    this.inflight.clear();
  }
}
