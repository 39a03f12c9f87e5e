import { expect } from "chai";
import { placeholderWarnings } from "../../infra/placeholders";
import { stackWarnings } from "../../infra/synth/synthStack";

const CIDRS = "gridrail:corporateCidrs holds documentation ranges";
const EMAIL = "is an example address that never receives mail";

describe("placeholder config values", () => {
  const cases: [string, string[], string | undefined, string[]][] = [
    ["real ranges and address", ["10.20.0.0/16", "81.2.69.0/24"], "oncall@grid.example.org.uk", []],
    ["each documentation block", ["192.0.2.0/24", "198.51.100.0/25", "203.0.113.7/32"], undefined, [CIDRS]],
    ["a wider block holding one is not one", ["203.0.0.0/16"], undefined, []],
    ["a neighbour of a block", ["203.0.114.0/24", "198.51.101.0/24"], undefined, []],
    ["an example.com address", ["10.0.0.0/8"], "iot-oncall@example.com", [EMAIL]],
    ["a subdomain of example.net, any case", ["10.0.0.0/8"], "ops@alerts.EXAMPLE.net", [EMAIL]],
    ["an address merely containing example", ["10.0.0.0/8"], "ops@example.company.com", []],
    ["both", ["203.0.113.0/24"], "a@example.org", [CIDRS, EMAIL]],
  ];
  for (const [title, corporateCidrs, alarmEmail, expected] of cases) {
    it(title, () => {
      const warnings = placeholderWarnings({ corporateCidrs, alarmEmail });
      expect(warnings.length).to.equal(expected.length);
      expected.forEach((part, i) => expect(warnings[i]).to.include(part));
    });
  }

  it("warns of Cognito's own sender in prod only", () => {
    const sender = { identityArn: "arn:aws:ses:eu-west-1:123456789012:identity/grid.example.org.uk" };
    const warned = (environment: "dev" | "prod", customerEmailSender?: typeof sender) =>
      placeholderWarnings({ corporateCidrs: [], alarmEmail: undefined, environment, customerEmailSender }).length;
    expect([warned("prod"), warned("prod", sender), warned("dev")]).to.deep.equal([1, 0, 0]);
  });

  it("names the ranges and the address it warns of", () => {
    expect(placeholderWarnings({ corporateCidrs: ["10.0.0.0/8", "198.51.100.0/24"], alarmEmail: "x@example.com" })).to.deep.equal([
      "gridrail:corporateCidrs holds documentation ranges (198.51.100.0/24) that no caller is ever in: set the corporate network's ranges, or no person can read the raw shared data outside Athena",
      "gridrail:alarmEmail x@example.com is an example address that never receives mail: set the on-call address, or the alarms reach no one",
    ]);
  });

  it("warns of the example values the stack files ship with", () => {
    expect(stackWarnings("prod").map((w) => w.split(" ")[0])).to.deep.equal(["gridrail:corporateCidrs", "gridrail:alarmEmail", "gridrail:customerEmailSender"]);
    expect(stackWarnings("dev").map((w) => w.split(" ")[0])).to.deep.equal(["gridrail:corporateCidrs"]);
  });
});
