import { expect } from "chai";
import { readFileSync } from "fs";
import { join } from "path";
import { StackGraph } from "../../policy/graph";
import { RULES } from "../../policy/ruleSet";
import { RuleCase } from "./fixtures";
import { ALL_CASES as CASES } from "./cases/all";

function messages(c: RuleCase, which: "pass" | "fail"): string[] {
  const rule = RULES.find((r) => r.id === c.rule);
  if (!rule) expect.fail(`no rule ${c.rule}`);
  return rule.evaluate(new StackGraph({ environment: c.environment ?? "prod", resources: c[which] })).map((f) => f.message);
}

describe("policy rules", () => {
  for (const c of CASES) {
    describe(`${c.rule}: ${c.title}`, () => {
      it("accepts the compliant graph", () => {
        expect(messages(c, "pass")).to.deep.equal([]);
      });
      it("rejects the failing graph with the exact message", () => {
        expect(messages(c, "fail")).to.deep.equal(c.messages);
      });
    });
  }

  it("has a passing and a failing case for every rule", () => {
    const covered = new Set(CASES.map((c) => c.rule));
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).to.deep.equal([]);
  });

  it("gives every rule a unique id and a description", () => {
    expect(new Set(RULES.map((r) => r.id)).size).to.equal(RULES.length);
    for (const r of RULES) expect(r.description, r.id).to.match(/\.$/);
  });

  it("runs single-resource rules the same way alone and over a graph", () => {
    for (const c of CASES) {
      const rule = RULES.find((r) => r.id === c.rule)!;
      if (!rule.resource) continue;
      const alone = c.fail.filter((r) => rule.resource!.types.includes(r.type)).flatMap((r) => rule.resource!.check(r));
      expect(alone, c.rule).to.deep.equal(c.messages);
    }
  });
});

describe("the policy pack's README", () => {
  it("lists every rule with its level", () => {
    const table = readFileSync(join(__dirname, "..", "..", "policy", "README.md"), "utf8");
    const missing = RULES.filter((r) => !new RegExp(`^\\| \`${r.id}\` \\| ${r.level}`, "m").test(table)).map((r) => r.id);
    expect(missing).to.deep.equal([]);
  });
});
