/**
 * Kinesis Data Streams on loopback: kinesalite in this process (in-memory store, streams ACTIVE at once),
 * listening on 127.0.0.1, and an @aws-sdk/client-kinesis client pointed at it. The SDK v3 Kinesis client
 * speaks AWS JSON 1.1 (application/x-amz-json-1.1), which kinesalite serves alongside CBOR, so nothing is
 * configured for the wire format; NodeHttpHandler keeps the client on plain HTTP/1.1 to 127.0.0.1.
 * Not reproduced: throughput limits per shard, resharding, enhanced fan-out, KMS encryption, retention.
 * `close()` destroys the client's sockets and resolves when the server has closed.
 */
import { CreateStreamCommand, DescribeStreamCommand, KinesisClient, PutRecordsCommand, PutRecordsRequestEntry } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Server } from "http";
import { AddressInfo, Socket } from "net";

// kinesalite ships no types; it returns an http(s) server
const kinesalite = require("kinesalite") as (options: Record<string, unknown>) => Server;

export const LOCAL_REGION = "us-east-1";
/** Account id kinesalite puts in ARNs. */
export const LOCAL_ACCOUNT = "000000000000";

export interface LocalStream {
  readonly name: string;
  readonly arn: string;
  readonly shardIds: string[];
}

export interface RecordInput {
  /** A Buffer as is, a string as UTF-8, anything else as JSON. */
  readonly data: unknown;
  readonly partitionKey: string;
}

export interface LocalKinesis {
  readonly endpoint: string;
  readonly client: KinesisClient;
  createStream(name: string, shardCount?: number): Promise<LocalStream>;
  /** PutRecords in chunks of 500, retrying records Kinesis refused; resolves with each record's shard and sequence number. */
  put(streamName: string, records: readonly RecordInput[]): Promise<{ shardId: string; sequenceNumber: string }[]>;
  close(): Promise<void>;
}

/** Client options for another SDK Kinesis client aimed at `endpoint` (fake credentials, loopback only). */
export function localKinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local" },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 3,
  });
}

export function dataBytes(data: unknown): Uint8Array {
  if (Buffer.isBuffer(data) || data instanceof Uint8Array) return data;
  return Buffer.from(typeof data === "string" ? data : JSON.stringify(data), "utf8");
}

export async function startKinesis(port = 0): Promise<LocalKinesis> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = localKinesisClient(endpoint);
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    client,
    async createStream(name, shardCount = 1) {
      await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
      const { StreamDescription: d } = await client.send(new DescribeStreamCommand({ StreamName: name }));
      return { name, arn: d!.StreamARN!, shardIds: d!.Shards!.map((s) => s.ShardId!) };
    },
    async put(streamName, records) {
      const out: { shardId: string; sequenceNumber: string }[] = [];
      for (let start = 0; start < records.length; start += 500) {
        let pending: { index: number; entry: PutRecordsRequestEntry }[] = records
          .slice(start, start + 500)
          .map((r, i) => ({ index: start + i, entry: { Data: dataBytes(r.data), PartitionKey: r.partitionKey } }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt === 5) throw new Error(`Kinesis refused ${pending.length} records of ${streamName} five times`);
          const { Records } = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: pending.map((p) => p.entry) }));
          const retry: typeof pending = [];
          Records!.forEach((r, i) => {
            if (r.ErrorCode) retry.push(pending[i]);
            else out[pending[i].index] = { shardId: r.ShardId!, sequenceNumber: r.SequenceNumber! };
          });
          pending = retry;
        }
      }
      return out;
    },
    // kinesalite's close() closes its store first and only then the HTTP server, so a keep-alive socket would
    // hold it open: the sockets are destroyed here, and the promise waits for the server's own "close" event
    close: () =>
      (closing ??= (async () => {
        client.destroy();
        const gone = [...sockets].map((s) => new Promise((resolve) => s.once("close", resolve)));
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve, reject) => {
          server.once("close", () => resolve());
          server.close((err?: Error) => {
            if (err) reject(new Error(`kinesalite did not close its store: ${err.message}`));
          });
        });
        await Promise.all(gone);
      })()),
  };
}
