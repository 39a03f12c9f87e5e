import { expect } from "chai";
import { requireVariables } from "../../../functions/shared/environment";

class CustomError extends Error {}

describe("required environment variables", () => {
  const cases: [string, Record<string, string | undefined>, string][] = [
    ["one missing", { B: "b" }, "environment variable A must be set"],
    ["one empty", { A: "", B: "b" }, "environment variable A must be set"],
    ["all missing, in the order asked", {}, "environment variables A, B must be set"],
  ];
  for (const [title, env, message] of cases) {
    it(`names every missing one at once: ${title}`, () => {
      expect(() => requireVariables(env, ["A", "B"])).to.throw(Error, message);
    });
  }

  it("gives the values by name when all are set", () => {
    expect(requireVariables({ A: "a", B: "b", C: "c" }, ["A", "B"])).to.deep.equal({ A: "a", B: "b" });
  });

  it("fails with the caller's own error class", () => {
    expect(() => requireVariables({}, ["A"], (m) => new CustomError(m))).to.throw(CustomError, "environment variable A must be set");
  });
});
