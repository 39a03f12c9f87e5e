import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { SQSClient } from "@aws-sdk/client-sqs";
import { expect } from "chai";
import { AnomalyNotice } from "../../devices/trainAgent/anomalyInbox";
import { ApuSimulator } from "../../devices/trainAgent/apuSimulator";
import { TrainAgent } from "../../devices/trainAgent/trainAgent";
import { DynamoCheckpointStore } from "../../functions/trainAnomaly/dynamoCheckpointStore";
import { IotShadowStore } from "../../functions/trainAnomaly/iotShadowStore";
import { decodeKinesisEvent } from "../../functions/trainAnomaly/kinesisEvent";
import { processBatch } from "../../functions/trainAnomaly/processBatch";
import { SqsDeadLetterSink } from "../../functions/trainAnomaly/sqsDeadLetterSink";
import { AwsStandIn, startAwsStandIn } from "../helpers/awsStandIn";
import { FAKE_AWS } from "../helpers/fakeAws";
import { kinesisEvent, ruleOutput } from "../helpers/kinesisEvents";
import { LoopbackBroker, startBroker, until } from "../helpers/mqttBroker";
import { ShadowService, attachToBroker } from "../helpers/shadowService";
import { OIL_FAULT, memoryDeps } from "../helpers/trainFleet";

describe("the train write-up's core path, on loopback", function () {
  this.timeout(30_000);
  let broker: LoopbackBroker;
  let stand: AwsStandIn;
  let agent: TrainAgent;
  before(async () => {
    const shadows = new ShadowService();
    broker = await startBroker();
    attachToBroker(shadows, broker.broker);
    stand = await startAwsStandIn(shadows);
  });
  after(async () => {
    await agent?.stop();
    await broker.close();
    await stand.close();
  });

  it("sensor readings → MQTT → (IoT rule) → Kinesis → anomaly core → shadow → the train is told and acknowledges", async () => {
    const notices: AnomalyNotice[] = [];
    agent = new TrainAgent({ brokerUrl: broker.url, thingName: "train-0001" });
    agent.on("anomaly", (n: AnomalyNotice) => notices.push(n));
    agent.start();
    new ApuSimulator({ seed: 1, faults: [OIL_FAULT] }).take(80).forEach((r) => agent.send(r));
    await until("80 acknowledged readings", () => agent.status.acknowledged === 80);

    const telemetry = broker.published.filter((p) => p.topic.startsWith("trains/"));
    const records = telemetry.map((p) => ({ partitionKey: p.topic.split("/")[1], data: ruleOutput(JSON.parse(p.payload), p.topic.split("/")[1], Date.now()) }));
    const client = { ...FAKE_AWS, endpoint: stand.endpoint };
    const deps = memoryDeps(undefined, {
      checkpoints: new DynamoCheckpointStore(new DynamoDBClient(client), "trains-checkpoints"),
      shadows: new IotShadowStore(new IoTDataPlaneClient(client), "anomaly"),
      deadLetters: new SqsDeadLetterSink(new SQSClient(client), `${stand.endpoint}/123456789012/trains-anomaly-dlq`),
    });
    for (const [from, to] of [
      [0, 40],
      [40, 80],
    ]) {
      const { batchItemFailures } = await processBatch(decodeKinesisEvent(kinesisEvent(records.slice(from, to), from)), deps);
      expect(batchItemFailures).to.deep.equal([]);
    }

    await until("the train to hear of the cleared anomaly", () => notices.some((n) => n.entry.status === "cleared"));
    expect(notices[notices.length - 1]).to.deep.include({ id: "apu-1580515800000" });
    expect(notices[notices.length - 1].entry.message).to.match(/^Unusual apu readings from 2020-02-01 00:10:00 UTC to .* are over \(Oil_temperature was high/);
    await until(
      "the train's acknowledgement",
      () =>
        JSON.stringify(stand.shadows.get("train-0001", "anomaly-ack")?.state.reported) ===
        JSON.stringify(stand.shadows.get("train-0001", "anomaly")?.state.desired),
    );
    expect(stand.tables.get("trains-checkpoints")!.get("train-0001/apu")!.version).to.deep.equal({ N: "2" });
  });

  it("a train whose pressure sensor breaks is told of the sensor, and of its oil fault all the same", async () => {
    const notices: AnomalyNotice[] = [];
    await agent?.stop();
    agent = new TrainAgent({ brokerUrl: broker.url, thingName: "train-0002" });
    agent.on("anomaly", (n: AnomalyNotice) => notices.push(n));
    agent.start();
    // TP2 reads about 100 bar (bounds -1..20) from reading 20 to 69, through the oil fault at 60..69
    const broken = { sensor: "TP2", start: 20, length: 50, offset: 100 };
    new ApuSimulator({ seed: 1, faults: [OIL_FAULT, broken] }).take(130).forEach((r) => agent.send(r));
    await until("130 acknowledged readings", () => agent.status.acknowledged === 130);

    const telemetry = broker.published.filter((p) => p.topic === "trains/train-0002/telemetry");
    const records = telemetry.map((p) => ({ partitionKey: "train-0002", data: ruleOutput(JSON.parse(p.payload), "train-0002", Date.now()) }));
    const client = { ...FAKE_AWS, endpoint: stand.endpoint };
    const deps = memoryDeps(undefined, {
      checkpoints: new DynamoCheckpointStore(new DynamoDBClient(client), "trains-checkpoints"),
      shadows: new IotShadowStore(new IoTDataPlaneClient(client), "anomaly"),
      deadLetters: new SqsDeadLetterSink(new SQSClient(client), `${stand.endpoint}/123456789012/trains-anomaly-dlq`),
    });
    const { batchItemFailures, report } = await processBatch(decodeKinesisEvent(kinesisEvent(records, 0)), deps);
    expect([batchItemFailures, report.scored, report.partial]).to.deep.equal([[], 130, 50]);

    const fault = `apu-TP2-${Date.UTC(2020, 1, 1, 0, 3, 20)}`;
    await until(
      "the train to hear of the sensor and of the oil",
      () => notices.some((n) => n.id === fault) && notices.some((n) => n.id === "apu-1580515800000"),
    );
    const told = notices.find((n) => n.id === fault)!.entry;
    expect(told.status).to.equal("cleared");
    // cleared once readings 70 to 119 (settleAfter 50) were within the bounds again
    expect(told.message).to.equal(
      "TP2 read outside its bounds -1..20 bar from 2020-02-01 00:03:20 UTC to 2020-02-01 00:11:30 UTC (50 readings, the first 99.99 bar); it has read within them since.",
    );
    const oil = notices.find((n) => n.id === "apu-1580515800000")!.entry;
    expect((oil.sensors as { name: string }[]).map((x) => x.name)).to.deep.equal(["Oil_temperature"]);
  });
});
