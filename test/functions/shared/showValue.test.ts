import { expect } from "chai";
import { showValue } from "../../../functions/shared/showValue";

/** An array nested `depth` deep around 1. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const cycle: Record<string, unknown> = { a: 1 };
cycle.self = cycle;

describe("showValue", () => {
  const cases: [string, unknown, string][] = [
    ["a number", 1.5, "1.5"],
    ["a string, quoted", "C1", '"C1"'],
    ["undefined", undefined, "undefined"],
    ["Infinity, which JSON would write as null", Infinity, "Infinity"],
    ["NaN", NaN, "NaN"],
    ["a long value, cut to 60", "x".repeat(100), `"${"x".repeat(56)}...`],
    ["an array nested deeper than JSON.stringify's stack", nested(200_000), "<array that cannot be shown: nested too deep or not JSON>"],
    ["an object with a cycle", cycle, "<object that cannot be shown: nested too deep or not JSON>"],
    ["a BigInt", 10n, "<bigint that cannot be shown: nested too deep or not JSON>"],
    ["an object with no prototype", Object.assign(Object.create(null), { a: 1 }), '{"a":1}'],
  ];
  for (const [what, value, shown] of cases) {
    it(`shows ${what} as ${shown.slice(0, 40)}`, () => expect(showValue(value)).to.equal(shown));
  }

  it("names what is absent in the caller's words", () => expect(showValue(undefined, "unset")).to.equal("unset"));
});
