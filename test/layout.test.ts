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

  it("gives every infra helper one signature, (name, args, opts: HelperOptions), as awsx components take them", () => {
    const helpers = tsFiles(join(ROOT, "infra")).flatMap((f) =>
      [...readFileSync(f, "utf8").matchAll(/^export function (create\w+|grant|functionRole)(?:<[^>]*>)?\(([^)]*?)\)\s*(?::[^{]*)?\{/gms)].map((m) => ({
        name: `${relative(ROOT, f)} ${m[1]}`,
        params: m[2].split("\n").join(" "),
      })),
    );
    expect(helpers.length).to.be.greaterThan(30);
    const odd = helpers.filter(
      (h) =>
        h.name.endsWith(" createStack") === false &&
        !/^\s*name: string,\s*[^,]+,\s*opts: HelperOptions,?\s*$/.test(h.params.replace(/\{[^}]*\}/g, "{}").replace(/<[^>]*>/g, "")),
    );
    expect(odd.map((h) => h.name)).to.deep.equal([]);
  });
});
