import { expect } from "chai";
import { EventEmitter } from "events";
import type { MqttClient } from "mqtt";
import { AnomalyNotice } from "../../devices/trainAgent/anomalyInbox";
import { TrainAgent } from "../../devices/trainAgent/trainAgent";

const THING = "train-0042";
const shadowTopic = (shadow: string, suffix: string) => `$aws/things/${THING}/shadow/name/${shadow}/${suffix}`;
const ENTRY = {
  group: "apu",
  status: "ongoing",
  startedAt: "2020-02-01T01:48:20.000Z",
  updatedAt: "2020-02-01T01:48:20.000Z",
  message: "Unusual apu readings since 2020-02-01 01:48:20 UTC: Oil_temperature is high.",
};

/** An MQTT connection the test drives by hand: it records what the agent publishes and answers nothing by itself. */
class ScriptedConnection extends EventEmitter {
  readonly published: string[] = [];

  subscribe(_topics: string[], _options: object, done: (err: Error | null) => void): void {
    done(null);
  }

  publish(topic: string, _payload: string, _options: object, done?: (err?: Error) => void): void {
    this.published.push(topic);
    done?.();
  }

  end(_force: boolean, options?: object | (() => void), done?: () => void): void {
    (typeof options === "function" ? options : done)?.();
  }

  answer(topic: string, body: object): void {
    this.emit("message", topic, Buffer.from(JSON.stringify(body)));
  }
}

describe("train agent restarted while a shadow read was unanswered", () => {
  const connections: ScriptedConnection[] = [];
  const ANOMALY = { state: { desired: { anomalies: { "apu-1580521700000": ENTRY } } } };
  const NO_ACKS = { code: 404, message: "No shadow exists" };
  /** An agent whose connections the test drives, and the notices it emitted. */
  const agent = () => {
    const notices: string[] = [];
    const a = new TrainAgent({
      brokerUrl: "mqtt://127.0.0.1:1",
      thingName: THING,
      connect: () => {
        connections.push(new ScriptedConnection());
        return connections[connections.length - 1] as unknown as MqttClient;
      },
    });
    a.on("anomaly", (n: AnomalyNotice) => notices.push(`${n.id} ${n.kind} ${n.entry.status}`));
    return { a, notices };
  };
  /** Connection `i` opens and its ack shadow answers that nothing is acknowledged: the agent then asks for its anomalies. */
  const connectWithoutAcks = (i: number) => {
    connections[i].emit("connect");
    connections[i].answer(shadowTopic("anomaly-ack", "get/rejected"), NO_ACKS);
  };
  beforeEach(() => connections.splice(0));

  it("asks for its anomaly shadow again on the next connection and hears of the anomaly written meanwhile", async () => {
    // Prepare: the anomaly shadow asked for, then the agent stopped before the answer
    const { a, notices } = agent();
    a.start();
    connectWithoutAcks(0);
    expect(connections[0].published).to.deep.equal([shadowTopic("anomaly-ack", "get"), shadowTopic("anomaly", "get")]);
    await a.stop();

    // Act: back online
    a.start();
    connectWithoutAcks(1);

    // Assess: a fresh get on the new connection, whose answer tells the train
    expect(connections[1].published).to.deep.equal([shadowTopic("anomaly-ack", "get"), shadowTopic("anomaly", "get")]);
    connections[1].answer(shadowTopic("anomaly", "get/accepted"), ANOMALY);
    expect(notices).to.deep.equal(["apu-1580521700000 new ongoing"]);
    await a.stop();
  });

  it("asks again, warning, when a get is refused for another reason than 404, and assumes nothing meanwhile", async () => {
    const { a, notices } = agent();
    const warnings: string[] = [];
    a.on("warning", (e: Error) => warnings.push(e.message));
    a.start();
    connections[0].emit("connect");
    // the ack shadow throttled: not "nothing acknowledged" (which would tell every entry again)
    connections[0].answer(shadowTopic("anomaly-ack", "get/rejected"), { code: 429, message: "Too Many Requests" });
    expect(connections[0].published).to.deep.equal([shadowTopic("anomaly-ack", "get")]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(connections[0].published).to.deep.equal([shadowTopic("anomaly-ack", "get"), shadowTopic("anomaly-ack", "get")]);
    connections[0].answer(shadowTopic("anomaly-ack", "get/rejected"), NO_ACKS);
    // the anomaly shadow failing inside: not "no anomaly yet"
    connections[0].answer(shadowTopic("anomaly", "get/rejected"), { code: 500, message: "Internal Failure" });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    connections[0].answer(shadowTopic("anomaly", "get/accepted"), ANOMALY);

    expect(connections[0].published.filter((t) => t.endsWith("anomaly/get"))).to.have.length(2);
    expect(notices).to.deep.equal(["apu-1580521700000 new ongoing"]);
    expect(warnings).to.deep.equal([
      `${shadowTopic("anomaly-ack", "get/rejected")}: 429 Too Many Requests; asking again in 1000 ms`,
      `${shadowTopic("anomaly", "get/rejected")}: 500 Internal Failure; asking again in 1000 ms`,
    ]);
    await a.stop();
  });

  it("ignores an answer that arrives on the connection it stopped", async () => {
    const { a, notices } = agent();
    a.start();
    connectWithoutAcks(0);
    await a.stop();

    connections[0].answer(shadowTopic("anomaly", "get/accepted"), ANOMALY);

    expect(notices).to.deep.equal([]);
  });
});
