import { expect } from "chai";
import { isLoadError, isStatementError, LoadError, SettingsError, StatementError } from "../../../functions/redshiftLoader/errors";

// Serialized code may hold two copies of a class, so the loader tells its errors apart by name, not instanceof.
describe("loader error guards", () => {
  const statement = new StatementError("statement x (stmt-1) FAILED: boom", "stmt-1", "FAILED", "boom");
  const load = new LoadError("load failed", "manifests/m.json", "stmt-1", "boom");
  const table: [string, unknown, boolean, boolean][] = [
    ["a StatementError", statement, true, false],
    ["a LoadError", load, false, true],
    ["a plain object named like one (another copy of the class)", { name: "LoadError", message: "m" }, false, true],
    ["a SettingsError", new SettingsError("bad"), false, false],
    ["a TypeError", new TypeError("x"), false, false],
    ["undefined", undefined, false, false],
  ];
  for (const [what, value, statementError, loadError] of table) {
    it(`classifies ${what}`, () => {
      expect([isStatementError(value), isLoadError(value)]).to.deep.equal([statementError, loadError]);
    });
  }

  it("keeps the message and the name through Error.call-style construction", () => {
    expect([load.name, load.message, statement.name, statement.redshiftError]).to.deep.equal(["LoadError", "load failed", "StatementError", "boom"]);
  });
});
