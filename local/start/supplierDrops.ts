import { existsSync, readdirSync, readFileSync } from "fs";
import { join } from "path";
import { processBatch } from "../../functions/supplierParser/sqsBatch";
import { RunFolders } from "./folders";

/**
 * Supplier uploads: the real-layout CSVs of ../shared/data/meters dropped as `{YYYYMMDD}/{ClientID}.csv`, plus
 * a few broken ones (garbage, empty, a key that is no supplier key, impossible values). Each drop sends an S3 event notification
 * to an in-process queue (visibility timeout, three receives, then the dead-letter folder) that feeds the
 * supplier parser's SQS handler core, as the Lambda's queue does.
 */
export interface SupplierFile {
  readonly key: string;
  readonly body: Buffer;
  /** Why it is in the run: "real meter01.csv (nem12)", "malformed: garbage". */
  readonly note: string;
}

/**
 * The day's supplier uploads, each under a client of its own: a meter's id where one is free (the preferred
 * one first), else an id beside the meters' (`<first id>-<n>`), so no upload overwrites another however few
 * meters the run has.
 */
export function supplierFiles(sharedMeters: string | undefined, day: string, clientIds: readonly string[]): SupplierFile[] {
  const files: SupplierFile[] = [];
  const used = new Set<string>();
  const clientFor = (preferred: number): string => {
    const from = Math.min(preferred, clientIds.length - 1);
    const free = [...clientIds.slice(from), ...clientIds.slice(0, from)].find((id) => !used.has(id));
    const id = free ?? `${clientIds[0]}-${used.size}`;
    used.add(id);
    return id;
  };
  if (sharedMeters && existsSync(sharedMeters)) {
    readdirSync(sharedMeters)
      .filter((f) => f.endsWith(".csv"))
      .sort()
      .forEach((f, i) => {
        files.push({ key: `${day}/${clientFor(i)}.csv`, body: readFileSync(join(sharedMeters, f)), note: `real ${f}` });
      });
  } else {
    const rows = [
      "timestamp,kwh",
      ...Array.from({ length: 48 }, (_, i) => `${new Date(Date.UTC(2026, 0, 1, 0, 30 * i)).toISOString()},${(0.2 + (i % 7) / 20).toFixed(3)}`),
    ];
    files.push({ key: `${day}/${clientFor(0)}.csv`, body: Buffer.from(rows.join("\n") + "\n"), note: "built-in plain timestamp,kwh" });
  }
  files.push({ key: `${day}/${clientFor(5)}.csv`, body: Buffer.from("meter says hello\n\u0000\u0001\u0002,???\n"), note: "malformed: garbage" });
  files.push({ key: `${day}/${clientFor(clientIds.length - 1)}.csv`, body: Buffer.alloc(0), note: "malformed: empty" });
  files.push({ key: "uploads/final-FINAL.xlsx", body: Buffer.from("PK\u0003\u0004"), note: "malformed: not a supplier key" });
  // upper-case suffix, as Windows tools save it: parsed; the impossible value and offset are rejected rows
  const odd = ["timestamp,kwh", "2026-01-01T00:00:00Z,0.42", "2026-01-01T00:30:00Z,1e999", "2026-01-01T01:00:00+99:99,0.3"];
  files.push({
    key: `${day}/${clientFor(4)}.CSV`,
    body: Buffer.from(`${odd.join("\n")}\n`),
    note: "malformed: impossible value and offset, .CSV",
  });
  return files;
}

export interface SupplierStats {
  dropped: number;
  /** Files parsed (possibly with rejected rows). */
  accepted: number;
  /** Files refused as a whole: bad key, unreadable, or no accepted row. */
  rejected: number;
  rowsAccepted: number;
  /** Readings of days no daily report reads their file for (a multi-day export under one day's key). */
  readingsUnreported: number;
  rowsRejected: number;
  deadLettered: number;
}

interface Message {
  readonly messageId: string;
  readonly body: string;
  receives: number;
}

export class SupplierIngestion {
  readonly stats: SupplierStats = { dropped: 0, accepted: 0, rejected: 0, rowsAccepted: 0, rowsRejected: 0, readingsUnreported: 0, deadLettered: 0 };
  private readonly queue: Message[] = [];
  private timer?: NodeJS.Timeout;
  private busy?: Promise<void>;
  private seq = 0;

  constructor(
    private readonly folders: RunFolders,
    private readonly onFile?: (key: string, accepted: boolean) => void,
  ) {}

  drop(file: SupplierFile): void {
    this.folders.write("supplier", file.key, file.body);
    this.stats.dropped++;
    const key = encodeURIComponent(file.key).replace(/%2F/g, "/");
    const event = {
      Records: [{ eventSource: "aws:s3", eventName: "ObjectCreated:Put", s3: { bucket: { name: "local-uploads" }, object: { key, size: file.body.length } } }],
    };
    this.queue.push({ messageId: `msg-${++this.seq}`, body: JSON.stringify(event), receives: 0 });
  }

  start(everyMs = 200): void {
    this.timer = setInterval(() => {
      if (!this.busy && this.queue.length) this.busy = this.poll().finally(() => (this.busy = undefined));
    }, everyMs);
  }

  private async poll(): Promise<void> {
    const batch = this.queue.splice(0, 10);
    batch.forEach((m) => m.receives++);
    const outcome = await processBatch(
      batch.map((m) => ({ messageId: m.messageId, body: m.body })),
      () => this.folders.supplierStore(),
    );
    for (const p of outcome.processed) {
      const ok = p.accepted > 0;
      if (ok) this.stats.accepted++;
      else this.stats.rejected++;
      this.stats.rowsAccepted += p.accepted;
      this.stats.readingsUnreported += p.unreported;
      this.stats.rowsRejected += p.rejected;
      this.onFile?.(p.key, ok);
    }
    for (const k of outcome.invalidKeys) {
      this.stats.rejected++;
      this.onFile?.(k.key, false);
    }
    const failed = new Set(outcome.batchItemFailures.map((f) => f.itemIdentifier));
    for (const m of batch.filter((b) => failed.has(b.messageId))) {
      if (m.receives >= 3) {
        this.stats.deadLettered++;
        this.folders.write("dead-letters", `supplier-${m.messageId}.json`, JSON.stringify({ body: JSON.parse(m.body), receives: m.receives }, null, 2));
      } else this.queue.push(m);
    }
  }

  get idle(): boolean {
    return this.queue.length === 0 && !this.busy;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
    while (this.queue.length) await this.poll();
  }
}
