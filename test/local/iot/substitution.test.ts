import { expect } from "chai";
import { METER_LAKE_KEY } from "../../../infra/shared/ruleSql";
import { IotSqlError } from "../../../local/iot/iotSql";
import { compileTemplate } from "../../../local/iot/substitution";

const RECEIVED = Date.UTC(2026, 10, 21, 23, 59, 58, 765);
const message = (topic: string, payload: Record<string, unknown> = {}) => ({ topic, payload, receivedAt: RECEIVED });
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

describe("IoT substitution templates", () => {
  it("writes a meter reading under {ClientID}/{YYYYMMDD}/{timestamp}-{uuid}.json, the UTC day of receipt", () => {
    const key = compileTemplate(METER_LAKE_KEY)(message("meters/NMI6100000001/readings", { kwh: 0.4 }));
    expect(key).to.match(new RegExp(`^NMI6100000001/20261121/${RECEIVED}-${UUID}\\.json$`));
  });

  it("gives two readings of one meter in the same millisecond different keys", () => {
    const key = compileTemplate(METER_LAKE_KEY);
    const m = message("meters/NMI6100000001/readings");
    expect(key(m)).to.not.equal(key(m));
  });

  const cases: { template: string; payload?: Record<string, unknown>; expected: string }[] = [
    { template: "static/key", expected: "static/key" },
    { template: "${topic()}", expected: "meters/NMI6100000001/readings" },
    { template: "a/${topic(2)}/b", expected: "a/NMI6100000001/b" },
    { template: "${site.name}-${kwh}", payload: { site: { name: "north" }, kwh: 0.25 }, expected: "north-0.25" },
    { template: "${'}'}/x", expected: "}/x" },
    { template: '${parse_time("yyyy/MM/dd", timestamp(), "UTC")}', expected: "2026/11/21" },
  ];
  for (const c of cases) {
    it(`${c.template} -> ${c.expected}`, () => {
      expect(compileTemplate(c.template)(message("meters/NMI6100000001/readings", c.payload))).to.equal(c.expected);
    });
  }

  const refused: { template: string; error: RegExp }[] = [
    { template: "${topic(2)", error: /"\$\{" at character 1 is never closed/ },
    { template: "x/${md5(topic())}", error: /\$\{md5\(topic\(\)\)\}: unsupported function md5\(\)/ },
    { template: "${kwh * 2}", error: /unsupported operator \*/ },
  ];
  for (const c of refused) {
    it(`refuses ${c.template} when compiled, naming the expression`, () => {
      expect(() => compileTemplate(c.template)).to.throw(IotSqlError, c.error);
    });
  }

  it("fails a message an expression has no text for, naming it, rather than writing a shorter key", () => {
    const key = compileTemplate("${clientId}/${timestamp()}");
    expect(() => key(message("meters/NMI6100000001/readings"))).to.throw(IotSqlError, "${clientId} has no text value for topic meters/NMI6100000001/readings");
    expect(() => compileTemplate("${site}")(message("t", { site: { a: 1 } }))).to.throw(IotSqlError, "${site} has no text value");
  });
});
