import {
  DeleteThingShadowCommand,
  GetThingShadowCommand,
  IoTDataPlaneClient,
  ListNamedShadowsForThingCommand,
  PublishCommand,
  UpdateThingShadowCommand,
} from "@aws-sdk/client-iot-data-plane";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { expect } from "chai";
import mqtt, { MqttClient } from "mqtt";
import { LoopbackBroker, startBroker } from "../../../local/iot/broker";
import { DataPlaneServer, startDataPlaneServer } from "../../../local/iot/dataPlaneServer";
import { ShadowService } from "../../../local/iot/shadowService";
import { attachToBroker } from "../../../local/iot/shadowTopics";
import { rawRequest } from "../../helpers/rawRequest";

const NOW = Date.UTC(2026, 10, 21, 10, 0, 0);
const S = NOW / 1000;
const json = (bytes: Uint8Array | undefined) => JSON.parse(Buffer.from(bytes ?? []).toString("utf8"));
const text = (o: unknown) => Buffer.from(JSON.stringify(o), "utf8");

async function failure(run: () => Promise<unknown>): Promise<[string, string, number | undefined]> {
  try {
    await run();
  } catch (e) {
    return [(e as Error).name, (e as Error).message, (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode];
  }
  return ["resolved", "", undefined];
}

/** Collects messages on `filter` (JSON parsed, anything else as text). */
async function listen(client: MqttClient, filter: string): Promise<[string, unknown][]> {
  const got: [string, unknown][] = [];
  client.on("message", (topic, payload) => {
    if (!topicFilter(filter, topic)) return;
    try {
      got.push([topic, JSON.parse(payload.toString())]);
    } catch {
      got.push([topic, payload.toString()]);
    }
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return got;
}
const topicFilter = (filter: string, topic: string) => new RegExp(`^${filter.replace(/\$/g, "\\$").replace(/\+/g, "[^/]+").replace(/#$/, ".*")}$`).test(topic);

async function until(what: string, check: () => boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("IoT data plane and shadow topics on loopback, through the real SDK and a real MQTT client", function () {
  this.timeout(20_000);
  let broker: LoopbackBroker;
  let plane: DataPlaneServer;
  let shadows: ShadowService;
  let client: IoTDataPlaneClient;
  let device: MqttClient;
  let detach: () => void;

  beforeEach(async () => {
    broker = await startBroker();
    shadows = new ShadowService({ now: () => NOW });
    detach = attachToBroker(shadows, broker.broker);
    plane = await startDataPlaneServer({ shadows, broker: broker.broker });
    client = new IoTDataPlaneClient({
      endpoint: plane.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local" },
      requestHandler: new NodeHttpHandler(),
    });
    device = await mqtt.connectAsync(broker.url, { clientId: "train-1", reconnectPeriod: 0 });
  });
  afterEach(async () => {
    client.destroy();
    await device.endAsync();
    detach();
    await plane.close();
    await broker.close();
  });

  it("UpdateThingShadow, GetThingShadow and ListNamedShadowsForThing answer as AWS does", async () => {
    const update = await client.send(
      new UpdateThingShadowCommand({ thingName: "train-1", shadowName: "anomaly", payload: text({ state: { desired: { a: 1 } } }) }),
    );
    await client.send(new UpdateThingShadowCommand({ thingName: "train-1", payload: text({ state: { reported: { fw: "1.2" } } }) }));
    const get = await client.send(new GetThingShadowCommand({ thingName: "train-1", shadowName: "anomaly" }));
    const classic = await client.send(new GetThingShadowCommand({ thingName: "train-1" }));
    const list = await client.send(new ListNamedShadowsForThingCommand({ thingName: "train-1" }));

    expect(json(update.payload)).to.deep.equal({ state: { desired: { a: 1 } }, metadata: { desired: { a: { timestamp: S } } }, version: 1, timestamp: S });
    expect(json(get.payload)).to.deep.equal({
      state: { desired: { a: 1 }, delta: { a: 1 } },
      metadata: { desired: { a: { timestamp: S } } },
      version: 1,
      timestamp: S,
    });
    expect(json(classic.payload).state).to.deep.equal({ reported: { fw: "1.2" } });
    expect([list.results, list.nextToken, list.timestamp]).to.deep.equal([["anomaly"], undefined, S]);
    expect(plane.calls).to.deep.equal([
      "UpdateThingShadow train-1~anomaly",
      "UpdateThingShadow train-1",
      "GetThingShadow train-1~anomaly",
      "GetThingShadow train-1",
      "ListNamedShadowsForThing train-1",
    ]);
  });

  it("pages ListNamedShadowsForThing with pageSize and nextToken", async () => {
    for (const name of ["c", "a", "b"]) shadows.update("t", name, { state: { reported: { x: 1 } } });

    const first = await client.send(new ListNamedShadowsForThingCommand({ thingName: "t", pageSize: 2 }));
    const second = await client.send(new ListNamedShadowsForThingCommand({ thingName: "t", pageSize: 2, nextToken: first.nextToken }));

    expect([first.results, first.nextToken, second.results, second.nextToken]).to.deep.equal([["a", "b"], "2", ["c"], undefined]);
  });

  it("maps rejections to the SDK's exception classes", async () => {
    shadows.update("t", "s", { state: { desired: { a: 1 } } });

    const results = [
      await failure(() => client.send(new GetThingShadowCommand({ thingName: "t", shadowName: "none" }))),
      await failure(() =>
        client.send(new UpdateThingShadowCommand({ thingName: "t", shadowName: "s", payload: text({ state: { desired: { a: 2 } }, version: 7 }) })),
      ),
      await failure(() => client.send(new UpdateThingShadowCommand({ thingName: "t", shadowName: "s", payload: Buffer.from("{oops") }))),
      await failure(() => client.send(new DeleteThingShadowCommand({ thingName: "t", shadowName: "none" }))),
    ];

    expect(results).to.deep.equal([
      ["ResourceNotFoundException", "No shadow exists with name: 't~none'", 404],
      ["ConflictException", "Version conflict", 409],
      ["InvalidRequestException", "Payload contains invalid json", 400],
      ["ResourceNotFoundException", "No shadow exists with name: 't~none'", 404],
    ]);
  });

  it("answers a target that is no URL, or a thing or topic that is not valid percent-encoding, with 400 and keeps serving", async () => {
    const replies = [
      await rawRequest(plane.endpoint, "GET //[/ HTTP/1.1"),
      await rawRequest(plane.endpoint, "GET /things/%E0%A4/shadow HTTP/1.1"),
      await rawRequest(plane.endpoint, "GET /api/things/shadow/ListNamedShadowsForThing/% HTTP/1.1"),
      await rawRequest(plane.endpoint, "POST /topics/trains/%ZZ HTTP/1.1"),
    ];
    expect(replies.map((r) => [r.status, JSON.parse(r.body).message])).to.deep.equal([
      [400, "the request target is not a valid URL"],
      [400, '"%E0%A4" is not valid percent-encoding'],
      [400, '"%" is not valid percent-encoding'],
      [400, '"trains/%ZZ" is not valid percent-encoding'],
    ]);
    expect(await failure(() => client.send(new GetThingShadowCommand({ thingName: "train-1" })))).to.deep.equal([
      "ResourceNotFoundException",
      "No shadow exists with name: 'train-1'",
      404,
    ]);
  });

  it("DeleteThingShadow answers the deleted version and tells the device on delete/accepted", async () => {
    const heard = await listen(device, "$aws/things/train-1/shadow/name/anomaly/delete/accepted");
    shadows.update("train-1", "anomaly", { state: { desired: { a: 1 } } });

    const out = await client.send(new DeleteThingShadowCommand({ thingName: "train-1", shadowName: "anomaly" }));

    expect(json(out.payload)).to.deep.equal({ version: 1, timestamp: S });
    await until("delete/accepted", () => heard.length === 1);
    expect(heard).to.deep.equal([["$aws/things/train-1/shadow/name/anomaly/delete/accepted", { version: 1, timestamp: S }]]);
  });

  it("a Lambda's UpdateThingShadow reaches the device on update/delta; the device's report over MQTT clears it", async () => {
    const prefix = "$aws/things/train-1/shadow/name/anomaly";
    const heard = await listen(device, `${prefix}/update/+`);

    await client.send(new UpdateThingShadowCommand({ thingName: "train-1", shadowName: "anomaly", payload: text({ state: { desired: { mode: "safe" } } }) }));
    await until("the delta", () => heard.some(([t]) => t.endsWith("/delta")));
    await device.publishAsync(`${prefix}/update`, JSON.stringify({ state: { reported: { mode: "safe" } }, clientToken: "dev-1" }), { qos: 1 });
    await until("the report's documents", () => heard.filter(([t]) => t.endsWith("/documents")).length === 2);

    expect(heard.map(([t]) => t.slice(prefix.length))).to.deep.equal([
      "/update/accepted",
      "/update/delta",
      "/update/documents",
      "/update/accepted",
      "/update/documents",
    ]);
    expect(heard[1][1]).to.deep.equal({ version: 1, timestamp: S, state: { mode: "safe" }, metadata: { mode: { timestamp: S } } });
    expect(heard[3][1]).to.deep.equal({
      state: { reported: { mode: "safe" } },
      metadata: { reported: { mode: { timestamp: S } } },
      version: 2,
      timestamp: S,
      clientToken: "dev-1",
    });
    const get = await client.send(new GetThingShadowCommand({ thingName: "train-1", shadowName: "anomaly" }));
    expect(json(get.payload).state).to.deep.equal({ desired: { mode: "safe" }, reported: { mode: "safe" } });
  });

  it("answers a device's get and bad requests on get/accepted and the rejected topics (classic and named)", async () => {
    const heard = await listen(device, "$aws/things/train-1/shadow/#");
    shadows.update("train-1", "", { state: { reported: { on: true } } });

    await device.publishAsync("$aws/things/train-1/shadow/get", JSON.stringify({ clientToken: "g1" }), { qos: 1 });
    await device.publishAsync("$aws/things/train-1/shadow/name/none/get", "", { qos: 1 });
    await device.publishAsync("$aws/things/train-1/shadow/update", "{not json", { qos: 1 });
    await device.publishAsync("$aws/things/train-1/shadow/update", JSON.stringify({ state: { reported: { on: false } }, version: 9, clientToken: "u1" }), {
      qos: 1,
    });
    await until("four answers", () => heard.filter(([t]) => /(accepted|rejected)$/.test(t) && !t.endsWith("update/accepted")).length === 4);

    const answers = heard.filter(([t]) => /(get\/accepted|rejected)$/.test(t));
    expect(answers).to.deep.equal([
      [
        "$aws/things/train-1/shadow/get/accepted",
        { state: { reported: { on: true } }, metadata: { reported: { on: { timestamp: S } } }, version: 1, timestamp: S, clientToken: "g1" },
      ],
      ["$aws/things/train-1/shadow/name/none/get/rejected", { code: 404, message: "No shadow exists with name: 'train-1~none'", timestamp: S }],
      ["$aws/things/train-1/shadow/update/rejected", { code: 400, message: "Payload contains invalid json", timestamp: S }],
      ["$aws/things/train-1/shadow/update/rejected", { code: 409, message: "Version conflict", clientToken: "u1", timestamp: S }],
    ]);
  });

  it("Publish delivers the payload on the broker, to MQTT subscribers", async () => {
    const heard = await listen(device, "trains/+/anomalies");

    await client.send(new PublishCommand({ topic: "trains/train-1/anomalies", qos: 1, payload: text({ state: "open", grade: 0.8 }) }));
    await until("the anomaly event", () => heard.length === 1);

    expect(heard).to.deep.equal([["trains/train-1/anomalies", { state: "open", grade: 0.8 }]]);
    expect(plane.calls).to.deep.equal(["Publish trains/train-1/anomalies"]);
  });
});

describe("closing the IoT stand-ins", () => {
  it("leaves no socket open: broker (with a connected device), data plane (after SDK calls)", async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP")).length;
    const broker = await startBroker();
    const shadows = new ShadowService();
    const detach = attachToBroker(shadows, broker.broker);
    const plane = await startDataPlaneServer({ shadows, broker: broker.broker });
    const device = await mqtt.connectAsync(broker.url, { clientId: "d", reconnectPeriod: 0 });
    const client = new IoTDataPlaneClient({
      endpoint: plane.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
      requestHandler: new NodeHttpHandler(),
    });
    await client.send(new PublishCommand({ topic: "x/y", payload: text({}) }));

    client.destroy();
    detach();
    await Promise.all([plane.close(), broker.close()]);
    await new Promise<void>((resolve) => (device.connected ? device.once("close", () => resolve()) : resolve()));
    await new Promise((r) => setImmediate(r));

    expect(process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP")).length).to.equal(before);
  });
});
