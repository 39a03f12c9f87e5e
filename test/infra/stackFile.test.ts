import { expect } from "chai";
import { parseStackFile, StackFileError } from "../../infra/synth/stackFile";

describe("stack file reader", () => {
  it("reads scalars, quoted strings, JSON flow values and block lists", () => {
    const text = [
      "encryptionsalt: v1:abc",
      "config:",
      "  # comment",
      "  aws:region: eu-west-1   # trailing comment",
      "  gridrail:environment: 'dev'",
      '  gridrail:alarmEmail: "ops@example.com"',
      '  aws:defaultTags: {"tags": {"a": "b"}}',
      "  gridrail:corporateCidrs:",
      "    - 203.0.113.0/24",
      "    - 198.51.100.0/24",
      "  gridrail:logRetentionDays: 7",
    ].join("\n");
    expect(parseStackFile(text)).to.deep.equal({
      "aws:region": "eu-west-1",
      "gridrail:environment": "dev",
      "gridrail:alarmEmail": "ops@example.com",
      "aws:defaultTags": '{"tags":{"a":"b"}}',
      "gridrail:corporateCidrs": '["203.0.113.0/24","198.51.100.0/24"]',
      "gridrail:logRetentionDays": "7",
    });
  });

  it("reads nested maps and lists as JSON and plain YAML scalars as strings", () => {
    const text = "config:\n  gridrail:trainDetector:\n    options:\n      zFactor: 4\n  gridrail:flag: true\n  gridrail:day: 2026-01-01";
    expect(parseStackFile(text)).to.deep.equal({
      "gridrail:trainDetector": '{"options":{"zFactor":4}}',
      "gridrail:flag": "true",
      "gridrail:day": "2026-01-01",
    });
  });

  it("keeps a scalar as written, as Pulumi hands it to the program (7.0, True and 0x157A are not numbers or booleans to it)", () => {
    const text =
      'config:\n  gridrail:logRetentionDays: 7.0\n  gridrail:retainOnDelete: True\n  gridrail:redshiftPort: 0x157A\n  gridrail:vpcCidr: "10.60.0.0/16"';
    expect(parseStackFile(text)).to.deep.equal({
      "gridrail:logRetentionDays": "7.0",
      "gridrail:retainOnDelete": "True",
      "gridrail:redshiftPort": "0x157A",
      "gridrail:vpcCidr": "10.60.0.0/16",
    });
  });

  const bad: [string, string, string][] = [
    [
      "secure values",
      "config:\n  gridrail:x:\n    secure: v1:abc",
      "Pulumi.dev.yaml: gridrail:x is a secret: the offline synth cannot decrypt it (use the Pulumi CLI)",
    ],
    ["keys without a namespace", "config:\n  region: eu-west-1", 'Pulumi.dev.yaml: config key "region" is not "namespace:key"'],
    ["keys without a value", "config:\n  gridrail:x:", "Pulumi.dev.yaml: gridrail:x has no value"],
    ["a config that is a list", "config:\n    - a", 'Pulumi.dev.yaml: "config" must be a mapping of "namespace:key: value"'],
    ["broken YAML", "config:\n  aws:region: [eu", "Pulumi.dev.yaml: unexpected end of the stream within a flow collection (line 3, column 1)"],
  ];
  for (const [title, text, message] of bad) {
    it(`refuses ${title} instead of misreading them`, () => {
      expect(() => parseStackFile(text, "Pulumi.dev.yaml")).to.throw(StackFileError, message);
    });
  }
});
