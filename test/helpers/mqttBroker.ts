/**
 * A loopback MQTT broker (aedes) on 127.0.0.1, an ephemeral port unless one is given (to restart a broker
 * where clients expect it). Records every client publish. Always `close()` it: clients are disconnected.
 */
import { Aedes } from "aedes";
import { createServer, Server, Socket } from "net";
import { AddressInfo } from "net";

export interface Publish {
  readonly topic: string;
  readonly payload: string;
  readonly clientId: string;
}

export interface LoopbackBroker {
  readonly broker: Aedes;
  readonly port: number;
  readonly url: string;
  readonly published: Publish[];
  close(): Promise<void>;
}

export async function startBroker(port = 0): Promise<LoopbackBroker> {
  const broker = await Aedes.createBroker();
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
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    broker, port: actual, url: `mqtt://127.0.0.1:${actual}`, published,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves when `check` holds, polling every 10 ms; rejects after `ms` naming what it waited for. */
export async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
