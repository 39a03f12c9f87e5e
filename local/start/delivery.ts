import { transformHandler } from "../../functions/firehoseTransform/handler";
import { silentObservability } from "../../functions/shared/observability";
import { RunFolders } from "./folders";

/**
 * The Firehose stand-in: records gather per partition and are written as one object per flush, like a delivery
 * stream's buffer (5 minutes / 64 MB on AWS, `flushMs` here). The shared stream runs the real transform
 * Lambda handler on each flush and writes what it returns: rows to `telemetry/`, refused records (original
 * data and the reason) under `errors/processing-failed/`.
 */
export class BufferedDelivery {
  private readonly buffers = new Map<string, string[]>();
  private timer?: NodeJS.Timeout;
  private seq = 0;
  records = 0;

  constructor(
    private readonly write: (partition: string, lines: string[], seq: number) => Promise<void>,
    flushMs: number,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
  }

  add(partition: string, line: string): void {
    const list = this.buffers.get(partition) ?? [];
    list.push(line);
    this.buffers.set(partition, list);
    this.records++;
  }

  async flush(): Promise<void> {
    const batches = [...this.buffers.entries()];
    this.buffers.clear();
    for (const [partition, lines] of batches) await this.write(partition, lines, this.seq++);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

const stamp = () => new Date().toISOString().replace(/[-:.]/g, "");

export interface SharedDeliveryStats {
  rows: number;
  failed: number;
}

export function sharedDelivery(folders: RunFolders, flushMs: number, stats: SharedDeliveryStats): BufferedDelivery {
  // the handler logs and counts per batch for CloudWatch; the terminal view summarises instead
  const firehoseTransform = transformHandler(silentObservability("firehoseTransform"));
  return new BufferedDelivery(async (_partition, lines, seq) => {
    const now = Date.now();
    const records = lines.map((line, i) => ({ recordId: `${seq}-${i}`, approximateArrivalTimestamp: now, data: Buffer.from(line).toString("base64") }));
    const response = await firehoseTransform({
      invocationId: `local-${seq}`,
      deliveryStreamArn: "arn:aws:firehose:local:000000000000:deliverystream/shared",
      region: "local",
      records,
    });
    const day = new Date(now).toISOString().slice(0, 10).replace(/-/g, "/");
    const ok = response.records
      .filter((r) => r.result === "Ok")
      .map((r) => Buffer.from(r.data ?? "", "base64").toString("utf8"))
      .join("");
    const failed = response.records.filter((r) => r.result === "ProcessingFailed");
    if (ok) folders.write("telemetry", `${day}/gridrail-shared-${stamp()}-${seq}.json`, ok);
    stats.rows += ok.split("\n").filter(Boolean).length;
    if (failed.length) {
      stats.failed += failed.length;
      folders.write(
        "errors",
        `processing-failed/${day}/gridrail-shared-${stamp()}-${seq}.json`,
        failed.map((r) => JSON.stringify({ recordId: r.recordId, rawData: r.data })).join("\n") + "\n",
      );
    }
  }, flushMs);
}
