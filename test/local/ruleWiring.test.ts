import { expect } from "chai";
import { readFileSync, rmSync } from "fs";
import mqtt from "mqtt";
import { startBroker } from "../../local/iot/broker";
import { RunFolders } from "../../local/start/folders";
import { wireRules } from "../../local/start/ruleWiring";
import { LocalServices } from "../../local/start/services";
import { tempDir } from "../helpers/tempDir";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

describe("local rule wiring: a meter's readings reach the lake", function () {
  this.timeout(20_000);

  it("writes each reading as an object of its own under {ClientID}/{YYYYMMDD}/{timestamp}-{uuid}.json, and fails what is not JSON", async () => {
    const root = tempDir("gridrail-rules-");
    const broker = await startBroker();
    // no train publishes here, so the Kinesis stand-in is never called
    const services = { kinesis: {}, stream: { name: "unused" } } as unknown as Pick<LocalServices, "kinesis" | "stream">;
    const folders = new RunFolders(root);
    const wiring = wireRules(broker, services, folders, () => undefined);
    const meter = await mqtt.connectAsync(broker.url, { clientId: "NMI6100000001", reconnectPeriod: 0 });
    try {
      const readings = [
        { timestamp: "2026-11-21T10:00:00Z", kwh: 0.42 },
        { timestamp: "2026-11-21T10:30:00Z", kwh: 0.38, intervalMinutes: 30 },
      ];
      for (const r of readings) await meter.publishAsync("meters/NMI6100000001/readings", JSON.stringify(r), { qos: 1 });
      await meter.publishAsync("meters/NMI6100000001/readings", "not json", { qos: 1 });
      // a client id outside the meters' (the cloud's policy would refuse the publish; the rule's role refuses the write)
      await meter.publishAsync("meters/processed/readings", JSON.stringify(readings[0]), { qos: 1 });
      await meter.endAsync();
      await wiring.close();

      const keys = folders.list("meter-lake");
      expect(keys).to.have.length(2);
      for (const key of keys) expect(key).to.match(new RegExp(`^NMI6100000001/\\d{8}/\\d{13}-${UUID}\\.json$`));
      const objects = keys.map((key) => ({ key, body: JSON.parse(readFileSync(folders.path("meter-lake", key), "utf8")) as Record<string, unknown> }));
      objects.sort((x, y) => String(x.body.timestamp).localeCompare(String(y.body.timestamp)));
      expect(objects.map(({ body: { receivedAt: _receivedAt, day: _day, ...rest } }) => rest)).to.deep.equal(
        readings.map((r) => ({ ...r, clientId: "NMI6100000001" })),
      );
      // the local engine evaluates the key with the receipt time it stamps in the reading (AWS's may differ by a moment):
      // the partition and the key's time are the UTC day and epoch ms of receipt
      for (const { key, body } of objects) {
        const day = new Date(body.receivedAt as number).toISOString().slice(0, 10).replace(/-/g, "");
        expect([key.split("/")[1], key.split("/")[2].slice(0, 13), body.day]).to.deep.equal([day, String(body.receivedAt), day]);
      }
      // the meter rule and the sharing rule both matched the message that is not JSON; the meter rule refused processed/
      expect(wiring.failures()).to.equal(3);
    } finally {
      await wiring.close();
      await broker.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
