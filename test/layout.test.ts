import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "fs";
import { join, relative } from "path";

const ROOT = join(__dirname, "..");

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

describe("layout", () => {
  it("keeps the tests' helpers out of the product: nothing outside test/ imports from it", () => {
    const product = ["anomaly", "cli", "devices", "functions", "infra", "local", "policy", "report"].flatMap((d) => tsFiles(join(ROOT, d)));
    const leaks = product.filter((f) => /from "(\.\.\/)+test\//.test(readFileSync(f, "utf8"))).map((f) => relative(ROOT, f));
    expect(leaks).to.deep.equal([]);
  });
});
