/**
 * IoT Core's message broker on loopback: aedes speaking MQTT 3.1.1/5 over TCP on 127.0.0.1 (an ephemeral port
 * unless one is given, e.g. to restart a broker where devices expect it). Records every publish a client makes.
 * A publish the optional `mayPublish` check refuses is dropped and its client disconnected, as IoT Core does on
 * a policy violation; a subscription the optional `maySubscribe` check refuses gets a failure in the SUBACK
 * (return code 128) and receives nothing; a message the optional `mayReceive` check refuses is not delivered to
 * that client, though its subscription matched (the local stack checks trains against their device policy).
 * Deliberately not reproduced: TLS and X.509 device certificates, persistent
 * sessions across restarts, the 128 KB payload limit, WebSockets.
 * `close()` disconnects every client and resolves when the broker and the listening socket are closed.
 */
import { Aedes } from "aedes";
import { AddressInfo, Server, Socket, createServer } from "net";

export interface Publish {
  readonly topic: string;
  readonly payload: string;
  readonly clientId: string;
}

export interface LoopbackBroker {
  readonly broker: Aedes;
  readonly port: number;
  /** `mqtt://127.0.0.1:<port>` */
  readonly url: string;
  /** Every publish by a connected client, in arrival order (not the broker's own or the data plane's). */
  readonly published: Publish[];
  /** Publishes `mayPublish` refused, in arrival order. */
  readonly refused: Publish[];
  /** Subscriptions `maySubscribe` refused, in arrival order. */
  readonly refusedSubscriptions: { readonly clientId: string; readonly filter: string }[];
  /** Deliveries `mayReceive` withheld, in order. */
  readonly withheld: { readonly clientId: string; readonly topic: string }[];
  close(): Promise<void>;
}

export interface BrokerOptions {
  /** Whether client `clientId` may publish on `topic`; every publish is allowed when absent. */
  readonly mayPublish?: (clientId: string, topic: string) => boolean;
  /** Whether client `clientId` may subscribe to `filter`; every subscription is allowed when absent. */
  readonly maySubscribe?: (clientId: string, filter: string) => boolean;
  /** Whether client `clientId` may receive a message on `topic` it subscribed to; every delivery is allowed when absent. */
  readonly mayReceive?: (clientId: string, topic: string) => boolean;
}

export async function startBroker(port = 0, options: BrokerOptions = {}): Promise<LoopbackBroker> {
  const refused: Publish[] = [];
  const refusedSubscriptions: { clientId: string; filter: string }[] = [];
  const withheld: { clientId: string; topic: string }[] = [];
  const { mayPublish, maySubscribe, mayReceive } = options;
  const broker = await Aedes.createBroker({
    ...(mayPublish
      ? {
          authorizePublish: (client, packet, callback) => {
            if (!client || mayPublish(client.id, packet.topic)) return callback(null);
            refused.push({ topic: packet.topic, payload: packet.payload.toString(), clientId: client.id });
            callback(new Error(`client ${client.id} may not publish to ${packet.topic}`));
          },
        }
      : {}),
    ...(maySubscribe
      ? {
          authorizeSubscribe: (client, subscription, callback) => {
            if (!client || maySubscribe(client.id, subscription.topic)) return callback(null, subscription);
            refusedSubscriptions.push({ clientId: client.id, filter: subscription.topic });
            callback(null, null);
          },
        }
      : {}),
    ...(mayReceive
      ? {
          authorizeForward: (client, packet) => {
            if (!client || mayReceive(client.id, packet.topic)) return packet;
            withheld.push({ clientId: client.id, topic: packet.topic });
            return null;
          },
        }
      : {}),
  });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    broker.handle(socket);
  });
  const published: Publish[] = [];
  broker.on("publish", (packet, client) => {
    if (client) published.push({ topic: packet.topic, payload: packet.payload.toString(), clientId: client.id });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
  } catch (e) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw e;
  }
  const actual = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    broker,
    port: actual,
    url: `mqtt://127.0.0.1:${actual}`,
    published,
    refused,
    refusedSubscriptions,
    withheld,
    close: () =>
      (closing ??= (async () => {
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })()),
  };
}

/** Publishes as the broker itself (no client), the way IoT Core delivers a data-plane Publish or a shadow reply. */
export function publishFromBroker(broker: Aedes, topic: string, payload: Buffer | string, qos: 0 | 1 = 1, retain = false): Promise<void> {
  return new Promise((resolve, reject) => {
    broker.publish(
      {
        cmd: "publish",
        topic,
        payload: typeof payload === "string" ? Buffer.from(payload) : payload,
        qos,
        retain,
        dup: false,
      },
      (err) => (err ? reject(err) : resolve()),
    );
  });
}

/**
 * MQTT topic filter matching: `+` one level, `#` the rest (including the parent level). A filter starting with a
 * wildcard never matches a `$` topic (MQTT 3.1.1 §4.7.2), which is also how IoT rules treat `$aws/...`.
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) return false;
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
