import { expect } from "chai";
import { readFileSync } from "fs";
import { join } from "path";
import { createDetector } from "../../anomaly";

const PAGE = readFileSync(join(__dirname, "..", "..", "docs", "anomaly.md"), "utf8");

/** The text of docs/anomaly.md from a `## ` heading to the next one. */
function section(heading: string): string {
  const start = PAGE.indexOf(`\n${heading}\n`);
  expect(start, `docs/anomaly.md has no "${heading}"`).to.be.greaterThan(-1);
  const end = PAGE.indexOf("\n## ", start + 1);
  return PAGE.slice(start, end < 0 ? undefined : end);
}

/** Every option name a detector's option parser reads: the `known:` list of its unknown-option error. */
function acceptedOptions(detector: string): string[] {
  try {
    createDetector(detector, 1, { notAnOption: 1 });
  } catch (e) {
    const known = /; known: (.*)$/.exec((e as Error).message);
    if (known) return known[1].split(", ");
    throw e;
  }
  throw new Error(`detector ${detector} accepted an unknown option`);
}

describe("docs/anomaly.md documents every detector option", () => {
  const sections: [string, string][] = [
    ["rcf", "## `rcf` options, side by side with Kinesis Data Analytics"],
    ["zscore", "## `zscore` and `ewma` options"],
    ["ewma", "## `zscore` and `ewma` options"],
    ["ensemble", "## `ensemble` options"],
  ];
  for (const [detector, heading] of sections) {
    it(`${detector}: every option its parser accepts is named in "${heading}"`, () => {
      const text = section(heading);
      const options = acceptedOptions(detector);
      expect(options.length).to.be.greaterThan(3);
      expect(options.filter((o) => !text.includes(`\`${o}\``))).to.deep.equal([]);
    });
  }
});
