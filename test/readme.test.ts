import { expect } from "chai";
import { readFileSync } from "fs";
import { join } from "path";
import { embed, END, mermaidBlock, ROOT, START } from "../cli/embedDiagram";

describe("README", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");

  it("embeds the generated architecture diagram as it is now (run `npm run --silent diagram` after changing infra)", () => {
    const block = mermaidBlock(readFileSync(join(ROOT, "docs", "architecture.md"), "utf8"));
    expect(embed(readme, block)).to.equal(readme);
  });

  it("documents every npm script", () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as object);
    const missing = scripts.filter((s) => !readme.includes(s === "start" || s === "test" ? `npm ${s}` : `npm run --silent ${s}`) && !readme.includes(`npm run ${s}`));
    expect(missing).to.deep.equal([]);
  });

  it("keeps the markers the diagram is embedded between", () => {
    expect(readme.indexOf(START)).to.be.lessThan(readme.indexOf(END));
  });
});
