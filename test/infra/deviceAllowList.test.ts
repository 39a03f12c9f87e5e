import { expect } from "chai";
import { parseStackConfig } from "../../infra/config";
import { MAX_SEEDED_SERIALS, parseDeviceAllowList } from "../../infra/deviceAllowList";

function parse(raw: string | undefined): { value: unknown; problems: string[] } {
  const problems: string[] = [];
  return { value: parseDeviceAllowList(raw, problems), problems };
}

describe("gridrail:deviceAllowList", () => {
  const cases: [string, string | undefined, unknown, string[]][] = [
    ["absent", undefined, { meter: [], train: [] }, []],
    [
      "both kinds",
      '{"meter": ["NMI6100000001"], "train": ["train-0001", "train-0002"]}',
      { meter: ["NMI6100000001"], train: ["train-0001", "train-0002"] },
      [],
    ],
    ["not JSON", "meters", { meter: [], train: [] }, ["gridrail:deviceAllowList must be an object of device kind (meter, train) to a list of serials"]],
    ["a list", '["train-0001"]', { meter: [], train: [] }, ["gridrail:deviceAllowList must be an object of device kind (meter, train) to a list of serials"]],
    ["an unknown kind", '{"bus": []}', { meter: [], train: [] }, ['gridrail:deviceAllowList: "bus" is not a device kind (one of meter, train)']],
    ["serials not in a list", '{"train": "train-0001"}', { meter: [], train: [] }, ["gridrail:deviceAllowList.train must be a list of serials"]],
    [
      "a malformed serial",
      '{"meter": ["NMI6100000001", "train-0001"]}',
      { meter: [], train: [] },
      ['gridrail:deviceAllowList.meter: serial "train-0001" is not a meter serial: NMI followed by 10 digits, e.g. NMI6100000001'],
    ],
    [
      "a serial twice",
      '{"train": ["train-0001", "train-0001"]}',
      { meter: [], train: ["train-0001"] },
      ['gridrail:deviceAllowList.train: serial "train-0001" is listed more than once'],
    ],
  ];
  for (const [title, raw, value, problems] of cases) {
    it(`${title}: ${problems.length === 0 ? "accepted" : problems.join("; ")}`, () => {
      expect(parse(raw)).to.deep.equal({ value, problems });
    });
  }

  it(`refuses more than ${MAX_SEEDED_SERIALS} serials of a kind`, () => {
    const serials = Array.from({ length: MAX_SEEDED_SERIALS + 1 }, (_, i) => `train-${String(i).padStart(4, "0")}`);
    expect(parse(JSON.stringify({ train: serials })).problems).to.deep.equal([
      `gridrail:deviceAllowList.train has ${MAX_SEEDED_SERIALS + 1} serials; at most ${MAX_SEEDED_SERIALS} are seeded from config`,
    ]);
  });

  it("is read by the stack config", () => {
    const c = parseStackConfig("dev", {
      "aws:region": "eu-west-1",
      "gridrail:environment": "dev",
      "gridrail:corporateCidrs": '["203.0.113.0/24"]',
      "gridrail:deviceAllowList": '{"train": ["train-0001"]}',
    });
    expect(c.deviceAllowList).to.deep.equal({ meter: [], train: ["train-0001"] });
  });
});
