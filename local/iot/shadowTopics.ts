/**
 * The Device Shadow service's reserved MQTT topics on the loopback broker, for classic
 * (`$aws/things/{thing}/shadow/...`) and named (`$aws/things/{thing}/shadow/name/{name}/...`) shadows:
 * requests on get, update and delete; answers on `/accepted` and `/rejected`; `/update/delta` and
 * `/update/documents` after accepted updates. Accepted updates and deletes made through the HTTP data plane are
 * published here too, as AWS does, so a device hears of a Lambda's change.
 * Deliberately not reproduced: the per-thing policy checks, persistent sessions for offline devices.
 */
import type { Aedes, AedesPublishPacket } from "aedes";
import { publishFromBroker } from "./broker";
import { CLASSIC_SHADOW, ShadowResult, ShadowService, shadowTopicPrefix } from "./shadowService";

const REQUEST = /^\$aws\/things\/([^/]+)\/shadow(?:\/name\/([^/]+))?\/(get|update|delete)$/;

/** Serves `service` on `broker`'s shadow topics until the returned function is called. */
export function attachToBroker(service: ShadowService, broker: Aedes): () => void {
  const send = (topic: string, body: unknown) => {
    publishFromBroker(broker, topic, JSON.stringify(body)).catch((e: Error) => {
      if (!broker.closed) console.error(`shadow topics: cannot publish ${topic}: ${e.message}`);
    });
  };
  const unsubscribe = service.onEvent((e) => send(`${shadowTopicPrefix(e.thingName, e.shadowName)}/${e.topic}`, e.body));
  const listener = (packet: AedesPublishPacket) => {
    const m = REQUEST.exec(packet.topic);
    if (!m) return;
    const [, thing, shadow = CLASSIC_SHADOW, op] = m;
    const base = `${shadowTopicPrefix(thing, shadow)}/${op}`;
    let request: unknown = {};
    try {
      if (packet.payload.length > 0) request = JSON.parse(packet.payload.toString());
    } catch {
      return send(`${base}/rejected`, { code: 400, message: "Payload contains invalid json", timestamp: service.seconds() });
    }
    const token = typeof request === "object" && request !== null ? (request as { clientToken?: unknown }).clientToken : undefined;
    let result: ShadowResult;
    if (op === "get") {
      result = service.read(thing, shadow, token);
      if ("accepted" in result) return send(`${base}/accepted`, result.accepted);
    } else result = op === "update" ? service.update(thing, shadow, request) : service.delete(thing, shadow, request);
    // accepted updates and deletes were published by the service's event listener above
    if ("rejected" in result) send(`${base}/rejected`, { ...result.rejected, timestamp: service.seconds() });
  };
  broker.on("publish", listener);
  return () => {
    unsubscribe();
    broker.removeListener("publish", listener);
  };
}
