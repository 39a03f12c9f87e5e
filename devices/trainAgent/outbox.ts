/**
 * The agent's outgoing telemetry, in reading order. A message leaves the outbox only when the broker
 * acknowledged it (MQTT PUBACK), so nothing is lost while the train is offline; a message that was in flight
 * when the connection dropped is sent again after reconnecting (the cloud drops the copy if the first one
 * did arrive: its idempotency key is train + reading time). An acknowledged message is never sent again.
 */
export interface OutboxMessage {
  /** The agent's counter, also in the payload (`seq`). */
  readonly seq: number;
  readonly payload: string;
}

export class Outbox {
  private readonly queue: OutboxMessage[] = [];
  /** Messages handed to the current connection and not yet acknowledged. */
  private readonly inflight = new Set<number>();
  private nextSeq: number;
  dropped = 0;
  acknowledged = 0;

  constructor(
    /** Most messages kept; past it the oldest are dropped (and counted): ~11 days of 10 s readings by default. */
    readonly capacity = 100_000,
    firstSeq = 0,
  ) {
    this.nextSeq = firstSeq;
  }

  /** Queues a message built around its sequence number. */
  add(build: (seq: number) => string): OutboxMessage {
    const message = { seq: this.nextSeq++, payload: build(this.nextSeq - 1) };
    this.queue.push(message);
    while (this.queue.length > this.capacity) {
      const old = this.queue.shift()!;
      this.inflight.delete(old.seq);
      this.dropped++;
    }
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
    }
  }

  /** The connection is gone: whatever was in flight goes out again, in order, on the next one. */
  requeueInflight(): void {
    this.inflight.clear();
  }
}
