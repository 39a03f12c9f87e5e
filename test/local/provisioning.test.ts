import { expect } from "chai";
import { createPrivateKey, createPublicKey } from "crypto";
import { MqttClient, connectAsync } from "mqtt";
import { MemoryAllowList } from "../../functions/provisioningHook/decide";
import { RegistrationUnansweredError, createTopic, provisionByClaim, provisionTopic } from "../../devices/provisioning/claimFlow";
import { LoopbackBroker, startBroker } from "../../local/iot/broker";
import { trainPolicyChecks } from "../../local/iot/devicePolicy";
import { ProvisioningStandIn, attachProvisioning, isProvisioningAnswer } from "../../local/iot/provisioning";
import { localTemplates, provisionFleet } from "../../local/iot/provisionFleet";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Connects as `clientId` and collects every message on `filters`. */
async function listener(url: string, clientId: string, filters: string[]): Promise<{ client: MqttClient; got: { topic: string; payload: string }[] }> {
  const client = await connectAsync(url, { clientId, reconnectPeriod: 0 });
  const got: { topic: string; payload: string }[] = [];
  client.on("message", (topic, payload) => got.push({ topic, payload: payload.toString() }));
  await client.subscribeAsync(filters, { qos: 1 });
  return { client, got };
}

/** Publishes one message as `clientId` and waits for the broker to accept or drop it. */
async function publishAs(url: string, clientId: string, topic: string, payload: string): Promise<void> {
  const client = await connectAsync(url, { clientId, reconnectPeriod: 0 });
  await client.publishAsync(topic, payload, { qos: 0 });
  await sleep(100);
  await client.endAsync(true);
}

describe("the local fleet provisioning stand-in", function () {
  this.timeout(30_000);
  let broker: LoopbackBroker;
  let standIn: ProvisioningStandIn;
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    broker = await startBroker();
    standIn = attachProvisioning(broker, {
      templates: localTemplates(),
      allowList: new MemoryAllowList({ meter: ["NMI6100000001", "NMI6100000002"], train: ["train-0001"] }),
      now: () => Date.UTC(2026, 0, 1),
    });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.endAsync(true);
    await broker.close();
  });

  it("provisions an allow-listed train: its thing, group, active certificate and device policy", async () => {
    const device = await provisionByClaim({ endpoint: broker.url, templateName: "gridrail-local-trains", serial: "train-0001" });
    expect(device.thingName).to.equal("train-0001");
    expect(standIn.things.get("train-0001")).to.deep.equal({
      thingName: "train-0001",
      kind: "train",
      thingGroupName: "gridrail-local-trains",
      certificateIds: [device.certificateId],
      policyNames: ["gridrail-local-train-device-policy"],
      provisionedAt: Date.UTC(2026, 0, 1),
    });
    const body = standIn.authority.verify(device.certificatePem);
    expect(body).to.deep.include({ certificateId: device.certificateId, subject: "claim-train-0001", issuedAt: "2026-01-01T00:00:00.000Z" });
    // the key the device keeps is the private half of the key in its certificate
    expect(createPublicKey(createPrivateKey(device.privateKey)).export({ type: "spki", format: "pem" })).to.equal(body?.publicKey);
    expect(device.privateKey).to.match(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it("refuses a serial the hook refuses, with the hook's reason, and records nothing", async () => {
    let message = "";
    await provisionByClaim({ endpoint: broker.url, templateName: "gridrail-local-trains", serial: "train-0002" }).catch(
      (e: Error) => (message = `${e.name}: ${e.message}`),
    );
    expect(message).to.equal(
      'ProvisioningRejectedError: RegisterThing with template gridrail-local-trains rejected (403 AccessDenied): the pre-provisioning hook refused: serial "train-0002" is not on the train allow-list',
    );
    expect([...standIn.things.keys()]).to.deep.equal([]);
    expect(standIn.refusals).to.deep.equal([
      { clientId: "claim-train-0002", serial: "train-0002", reason: 'the pre-provisioning hook refused: serial "train-0002" is not on the train allow-list' },
    ]);
  });

  it("refuses a template that does not exist", async () => {
    let message = "";
    await provisionByClaim({ endpoint: broker.url, templateName: "gridrail-prod-meters", serial: "NMI6100000001" }).catch((e: Error) => (message = e.message));
    expect(message).to.equal(
      "RegisterThing with template gridrail-prod-meters rejected (404 ResourceNotFound): template gridrail-prod-meters does not exist (client claim-NMI6100000001)",
    );
  });

  it("refuses a readings publish until the meter is provisioned, then accepts it", async () => {
    const topic = "meters/NMI6100000001/readings";
    await publishAs(broker.url, "NMI6100000001", topic, '{"kwh":1}');
    expect(broker.refused.map((p) => [p.clientId, p.topic])).to.deep.equal([["NMI6100000001", topic]]);
    await provisionByClaim({ endpoint: broker.url, templateName: "gridrail-local-meters", serial: "NMI6100000001" });
    await publishAs(broker.url, "NMI6100000001", topic, '{"kwh":2}');
    expect(broker.published.filter((p) => p.topic === topic).map((p) => p.payload)).to.deep.equal(['{"kwh":2}']);
    expect(broker.refused).to.have.length(1);
  });

  it("answers only the client that asked", async () => {
    const other = await listener(broker.url, "NMI6100000002", [`${createTopic}/+`, `${provisionTopic("gridrail-local-meters")}/+`]);
    clients.push(other.client);
    await provisionByClaim({ endpoint: broker.url, templateName: "gridrail-local-meters", serial: "NMI6100000001" });
    await sleep(100);
    expect(other.got).to.deep.equal([]);
  });

  it("refuses a provisioning request made with a device's own client id, as the claim policy does", async () => {
    await publishAs(broker.url, "train-0001", createTopic, "{}");
    expect(broker.refused.map((p) => [p.clientId, p.topic])).to.deep.equal([["train-0001", createTopic]]);
    expect(standIn.things.size).to.equal(0);
  });

  it("keeps the credentials when RegisterThing's answer is lost: the thing may be registered with them", async () => {
    const aedes = broker.broker;
    const forward = aedes.authorizeForward;
    aedes.authorizeForward = (client, packet) => (packet.topic.endsWith("/provision/json/accepted") ? null : forward.call(aedes, client, packet));
    const e = await provisionByClaim({ endpoint: broker.url, templateName: "gridrail-local-trains", serial: "train-0001", timeoutMs: 500 }).then(
      () => undefined,
      (err: RegistrationUnansweredError) => err,
    );
    expect([e?.name, e?.device.thingName, e?.device.certificateId]).to.deep.equal([
      "RegistrationUnansweredError",
      "train-0001",
      standIn.things.get("train-0001")?.certificateIds[0],
    ]);
    expect(standIn.authority.verify(e!.device.certificatePem)?.certificateId).to.equal(e?.device.certificateId);
  });

  it("refuses another client's certificate ownership token", async () => {
    const owner = await listener(broker.url, "claim-NMI6100000001", [`${createTopic}/accepted`]);
    clients.push(owner.client);
    await owner.client.publishAsync(createTopic, "{}", { qos: 1 });
    await sleep(100);
    const token = (JSON.parse(owner.got[0].payload) as { certificateOwnershipToken: string }).certificateOwnershipToken;
    const thief = await listener(broker.url, "claim-NMI6100000002", [`${provisionTopic("gridrail-local-meters")}/rejected`]);
    clients.push(thief.client);
    await thief.client.publishAsync(
      provisionTopic("gridrail-local-meters"),
      JSON.stringify({ certificateOwnershipToken: token, parameters: { SerialNumber: "NMI6100000002" } }),
      {
        qos: 1,
      },
    );
    await sleep(100);
    expect(thief.got.map((m) => JSON.parse(m.payload))).to.deep.equal([
      {
        statusCode: 400,
        errorCode: "InvalidCertificateOwnershipToken",
        errorMessage: "the certificate ownership token is unknown, used or not this client's (client claim-NMI6100000002)",
      },
    ]);
    expect(standIn.things.size).to.equal(0);
  });
});

describe("provisioning the local fleet", function () {
  this.timeout(30_000);

  it("provisions every device on the list before it publishes, and reports one the allow-list lacks with the reason", async () => {
    const broker = await startBroker();
    try {
      let clock = 1_000;
      const devices = [
        { kind: "meter", serial: "NMI6100000001" },
        { kind: "train", serial: "train-0001" },
        { kind: "meter", serial: "NMI6100000002" },
        { kind: "train", serial: "train-0002" },
      ] as const;
      const report = await provisionFleet(broker, devices, {
        allowList: new MemoryAllowList({ meter: ["NMI6100000001", "NMI6100000002"], train: ["train-0001"] }),
        now: () => clock++,
      });
      expect(report.provisioned.map((p) => [p.kind, p.serial, p.thingName])).to.deep.equal([
        ["meter", "NMI6100000001", "NMI6100000001"],
        ["train", "train-0001", "train-0001"],
        ["meter", "NMI6100000002", "NMI6100000002"],
      ]);
      expect(report.provisioned.every((p) => p.provisionedAt >= 1_000 && p.provisionedAt < clock)).to.equal(true);
      expect(report.refused).to.deep.equal([
        {
          kind: "train",
          serial: "train-0002",
          reason:
            'RegisterThing with template gridrail-local-trains rejected (403 AccessDenied): the pre-provisioning hook refused: serial "train-0002" is not on the train allow-list',
        },
      ]);
      await publishAs(broker.url, "train-0002", "trains/train-0002/telemetry", "{}");
      expect(broker.refused.map((p) => p.clientId)).to.deep.equal(["train-0002"]);
    } finally {
      await broker.close();
    }
  });

  it("allows exactly the given devices when no allow-list is passed", async () => {
    const broker = await startBroker();
    try {
      const report = await provisionFleet(broker, [
        { kind: "train", serial: "train-0042" },
        { kind: "meter", serial: "NMI6100000009" },
      ]);
      expect(report.provisioned.map((p) => p.thingName)).to.deep.equal(["train-0042", "NMI6100000009"]);
      expect(report.refused).to.deep.equal([]);
      let second = "";
      await provisionFleet(broker, []).catch((e: Error) => (second = e.message));
      expect(second).to.equal(`provisionFleet: ${broker.url} already has the provisioning stand-in; provision later devices with provisionByClaim`);
      expect(
        [...report.standIn.things.values()].map((t) => [t.thingName, t.thingGroupName, t.policyNames]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      ).to.deep.equal([
        ["NMI6100000009", "gridrail-local-meters", ["gridrail-local-meter-device-policy"]],
        ["train-0042", "gridrail-local-trains", ["gridrail-local-train-device-policy"]],
      ]);
    } finally {
      await broker.close();
    }
  });

  it("provisions trains on a broker that enforces the train device policy: request and answers go under the claim policy", async () => {
    const broker = await startBroker(0, trainPolicyChecks({ alerts: "anomaly", acknowledgements: "anomaly-ack" }));
    try {
      const report = await provisionFleet(broker, [{ kind: "train", serial: "train-0007" }], { concurrency: 1 });
      expect([report.provisioned.map((p) => p.thingName), report.refused, broker.refused, broker.refusedSubscriptions]).to.deep.equal([
        ["train-0007"],
        [],
        [],
        [],
      ]);
      // the device policy still governs what the provisioned train publishes
      const train = await connectAsync(broker.url, { clientId: "train-0007", reconnectPeriod: 0 });
      try {
        await train.publishAsync("trains/train-0007/telemetry", "{}");
        await new Promise((r) => setTimeout(r, 100));
        expect(broker.refused).to.deep.equal([]);
      } finally {
        await train.endAsync();
      }
    } finally {
      await broker.close();
    }
  });

  const answers: [string, boolean][] = [
    [`${createTopic}/accepted`, true],
    [`${createTopic}/rejected`, true],
    [`${provisionTopic("gridrail-local-trains")}/accepted`, true],
    [`${provisionTopic("gridrail-local-trains")}/rejected`, true],
    [createTopic, false],
    [`${createTopic}/#`, false],
    ["$aws/things/train-0001/shadow/name/anomaly/get/accepted", false],
  ];
  for (const [filter, answer] of answers) {
    it(`${answer ? "lets" : "does not let"} a claim connection subscribe to ${filter} under the claim policy`, () =>
      expect(isProvisioningAnswer(filter)).to.equal(answer));
  }
});
