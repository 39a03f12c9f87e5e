import { expect } from "chai";
import { privateSubnetCidrs } from "../../infra/dataSharing/subnets";
import { identifier } from "../../infra/shared/naming";

describe("naming and subnet layout", () => {
  const ids: [readonly string[], "-" | "_", string][] = [
    [["gridrail", "dev", "warehouse"], "-", "gridrail-dev-warehouse"],
    [["gridrail", "prod", "share", "meters"], "_", "gridrail_prod_share_meters"],
    [["Gridrail", "My Stack!", "x"], "-", "gridrail-my-stack-x"],
  ];
  for (const [parts, sep, expected] of ids) {
    it(`builds identifier ${expected}`, () => expect(identifier(parts, sep)).to.equal(expected));
  }
  it("rejects identifiers that are too long or start with a digit", () => {
    expect(() => identifier(["a".repeat(70)])).to.throw(`identifier "${"a".repeat(70)}" is longer than 63 characters`);
    expect(() => identifier(["1abc"])).to.throw('identifier "1abc" must start with a letter');
  });

  const layouts: [string, number, string[]][] = [
    ["10.60.0.0/16", 2, ["10.60.0.0/18", "10.60.64.0/18"]],
    ["10.61.0.0/16", 3, ["10.61.0.0/18", "10.61.64.0/18", "10.61.128.0/18"]],
    ["192.168.10.0/24", 2, ["192.168.10.0/26", "192.168.10.64/26"]],
  ];
  for (const [vpc, count, expected] of layouts) {
    it(`splits ${vpc} into ${count} private subnets`, () => expect(privateSubnetCidrs(vpc, count)).to.deep.equal(expected));
  }
  it("refuses a subnet count it cannot honour", () => {
    expect(() => privateSubnetCidrs("10.0.0.0/16", 5)).to.throw("subnet count must be 1..4 (got 5)");
  });
});
