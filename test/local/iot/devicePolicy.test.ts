import { expect } from "chai";
import mqtt from "mqtt";
import { LoopbackBroker, publishFromBroker, startBroker } from "../../../local/iot/broker";
import { LOCAL_SCOPE, mayPublish, mayReceive, maySubscribe, trainPolicyChecks } from "../../../local/iot/devicePolicy";
import { ShadowService } from "../../../local/iot/shadowService";
import { attachToBroker } from "../../../local/iot/shadowTopics";
import { trainDevicePolicy } from "../../../infra/shared/iotPolicies";
import { until } from "../../helpers/mqttBroker";

const SHADOWS = { alerts: "anomaly", acknowledgements: "anomaly-ack" };

describe("local broker: the train device policy", () => {
  const policy = trainDevicePolicy(LOCAL_SCOPE, SHADOWS);
  // a publish and a delivery are judged on the topic, a subscription on its filter as written
  const checks = { publish: mayPublish, subscribe: maySubscribe, receive: mayReceive };
  const cases: [action: keyof typeof checks, what: string, topic: string, allowed: boolean][] = [
    ["publish", "its own telemetry", "trains/train-1/telemetry", true],
    ["publish", "another train's telemetry", "trains/train-2/telemetry", false],
    ["publish", "a get of its anomaly shadow", "$aws/things/train-1/shadow/name/anomaly/get", true],
    ["publish", "an update of its anomaly shadow (the cloud's alerts)", "$aws/things/train-1/shadow/name/anomaly/update", false],
    ["publish", "a delete of its anomaly shadow", "$aws/things/train-1/shadow/name/anomaly/delete", false],
    ["publish", "an update of its ack shadow", "$aws/things/train-1/shadow/name/anomaly-ack/update", true],
    ["publish", "an update of another train's ack shadow", "$aws/things/train-2/shadow/name/anomaly-ack/update", false],
    ["publish", "an update of its classic shadow", "$aws/things/train-1/shadow/update", false],
    ["subscribe", "its anomaly shadow's answers", "$aws/things/train-1/shadow/name/anomaly/get/accepted", true],
    ["subscribe", "its anomaly shadow's deltas", "$aws/things/train-1/shadow/name/anomaly/update/delta", true],
    ["subscribe", "its ack shadow's answers", "$aws/things/train-1/shadow/name/anomaly-ack/get/rejected", true],
    ["subscribe", "another train's anomaly shadow", "$aws/things/train-2/shadow/name/anomaly/update/delta", false],
    ["subscribe", "every train's shadows through a wildcard", "$aws/things/+/shadow/name/anomaly/#", false],
    ["subscribe", "everything", "#", false],
    ["subscribe", "the telemetry of every train", "trains/+/telemetry", false],
    ["subscribe", "its classic shadow", "$aws/things/train-1/shadow/update/delta", false],
    ["receive", "its anomaly shadow's delta", "$aws/things/train-1/shadow/name/anomaly/update/delta", true],
    ["receive", "its ack shadow's answer", "$aws/things/train-1/shadow/name/anomaly-ack/update/accepted", true],
    ["receive", "another train's anomaly shadow's delta", "$aws/things/train-2/shadow/name/anomaly/update/delta", false],
    ["receive", "another train's telemetry", "trains/train-2/telemetry", false],
    ["receive", "its classic shadow's delta", "$aws/things/train-1/shadow/update/delta", false],
  ];
  for (const [action, what, topic, allowed] of cases) {
    it(`${allowed ? "allows" : "refuses"} a ${action}: ${what}`, () => expect(checks[action](policy, LOCAL_SCOPE, "train-1", topic)).to.equal(allowed));
  }

  it("lets a Deny win over an Allow", () => {
    const denying = {
      ...policy,
      Statement: [...policy.Statement, { Effect: "Deny" as const, Action: "iot:Publish", Resource: "arn:aws:iot:local:000000000000:topic/trains/*" }],
    };
    expect(mayPublish(denying, LOCAL_SCOPE, "train-1", "trains/train-1/telemetry")).to.equal(false);
  });

  describe("on the loopback broker", function () {
    this.timeout(10_000);
    let broker: LoopbackBroker | undefined;
    afterEach(async () => {
      await broker?.close();
      broker = undefined;
    });

    it("fails a train's subscription to another train's shadow in the SUBACK and grants its own", async () => {
      broker = await startBroker(0, trainPolicyChecks(SHADOWS));
      const client = await mqtt.connectAsync(broker.url, { clientId: "train-1", reconnectPeriod: 0 });
      // mqtt.js fails the whole call when any filter is refused; the SUBACK says which (128: failure)
      const failed = await client
        .subscribeAsync(
          ["$aws/things/train-1/shadow/name/anomaly/update/delta", "$aws/things/train-2/shadow/name/anomaly/update/delta", "trains/+/telemetry"],
          { qos: 1 },
        )
        .then(
          () => undefined,
          (e: { packet?: { granted?: number[] } }) => e,
        );
      expect(failed?.packet?.granted).to.deep.equal([1, 128, 128]);
      expect(broker.refusedSubscriptions).to.deep.equal([
        { clientId: "train-1", filter: "$aws/things/train-2/shadow/name/anomaly/update/delta" },
        { clientId: "train-1", filter: "trains/+/telemetry" },
      ]);
      // nothing published to a refused filter reaches it
      const received: string[] = [];
      client.on("message", (topic) => received.push(topic));
      const other = await mqtt.connectAsync(broker.url, { clientId: "train-2", reconnectPeriod: 0 });
      await other.publishAsync("trains/train-2/telemetry", "{}", { qos: 1 });
      await client.publishAsync("trains/train-1/telemetry", "{}", { qos: 1 });
      // the granted filter still delivers: its message arrives after the telemetry, which never does
      await publishFromBroker(broker.broker, "$aws/things/train-1/shadow/name/anomaly/update/delta", "{}");
      await until("the delta to arrive", () => received.length > 0);
      expect(received).to.deep.equal(["$aws/things/train-1/shadow/name/anomaly/update/delta"]);
      await other.endAsync(true);
      await client.endAsync(true);
    });

    it("withholds what a train subscribed to but may not receive: without ReceiveOwnShadows its alerts never arrive", async () => {
      const withoutReceive = { ...policy, Statement: policy.Statement.filter((st) => st.Sid !== "ReceiveOwnShadows") };
      expect(policy.Statement.length - withoutReceive.Statement.length).to.equal(1);
      const delta = "$aws/things/train-1/shadow/name/anomaly/update/delta";
      // the train's subscription passes (iot:Subscribe stays); an unchecked observer shows the message went out
      broker = await startBroker(0, {
        maySubscribe: (id, filter) => id !== "train-1" || maySubscribe(withoutReceive, LOCAL_SCOPE, id, filter),
        mayReceive: (id, topic) => id !== "train-1" || mayReceive(withoutReceive, LOCAL_SCOPE, id, topic),
      });
      const train = await mqtt.connectAsync(broker.url, { clientId: "train-1", reconnectPeriod: 0 });
      const observer = await mqtt.connectAsync(broker.url, { clientId: "observer", reconnectPeriod: 0 });
      expect((await train.subscribeAsync(delta, { qos: 1 })).map((g) => g.qos)).to.deep.equal([1]);
      await observer.subscribeAsync(delta, { qos: 1 });
      const received: string[] = [];
      const observed: string[] = [];
      train.on("message", (topic) => received.push(topic));
      observer.on("message", (topic) => observed.push(topic));
      await publishFromBroker(broker.broker, delta, "{}");
      await until("the observer to get the delta", () => observed.length > 0);
      expect([received, broker.withheld]).to.deep.equal([[], [{ clientId: "train-1", topic: delta }]]);
      await observer.endAsync(true);
      await train.endAsync(true);
    });

    it("delivers a train's own shadow messages under the program's policy and withholds none", async () => {
      broker = await startBroker(0, trainPolicyChecks(SHADOWS));
      const client = await mqtt.connectAsync(broker.url, { clientId: "train-1", reconnectPeriod: 0 });
      await client.subscribeAsync("$aws/things/train-1/shadow/name/anomaly/update/delta", { qos: 1 });
      const received: string[] = [];
      client.on("message", (topic) => received.push(topic));
      await publishFromBroker(broker.broker, "$aws/things/train-1/shadow/name/anomaly/update/delta", "{}");
      await until("the delta to arrive", () => received.length > 0);
      expect([received, broker.withheld]).to.deep.equal([["$aws/things/train-1/shadow/name/anomaly/update/delta"], []]);
      await client.endAsync(true);
    });

    it("drops a train's update of its anomaly shadow and disconnects it; the alerts stay", async () => {
      broker = await startBroker(0, { mayPublish: trainPolicyChecks(SHADOWS).mayPublish });
      const shadows = new ShadowService();
      attachToBroker(shadows, broker.broker);
      shadows.update("train-1", "anomaly", { state: { desired: { anomalies: { a: { status: "ongoing" } } } } });
      const client = await mqtt.connectAsync(broker.url, { clientId: "train-1", reconnectPeriod: 0 });
      let closed = false;
      client.on("close", () => (closed = true));
      await client.publishAsync("trains/train-1/telemetry", "{}", { qos: 1 });
      client.publish("$aws/things/train-1/shadow/name/anomaly/update", JSON.stringify({ state: { desired: { anomalies: null } } }), { qos: 1 });
      await until("the train to be disconnected", () => closed);
      expect(broker.published.map((p) => p.topic)).to.deep.equal(["trains/train-1/telemetry"]);
      expect(broker.refused.map((p) => [p.clientId, p.topic])).to.deep.equal([["train-1", "$aws/things/train-1/shadow/name/anomaly/update"]]);
      expect(shadows.get("train-1", "anomaly")!.state.desired).to.deep.equal({ anomalies: { a: { status: "ongoing" } } });
      await client.endAsync(true);
    });
  });
});
