import { expect } from "chai";
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { parseNabLabels } from "../../anomaly/evaluation/nabLabels";
import { parseOptionPairs } from "../../anomaly/options";
import { runCli } from "../helpers/runCli";
import { tempDir } from "../helpers/tempDir";

describe("NAB labels", () => {
  it("reads windows as epoch milliseconds per data file", () => {
    const labels = parseNabLabels("w.json", JSON.stringify({ "cat/a.csv": [["2014-02-19 10:50:00.000000", "2014-02-20 03:30:00.000000"]], "cat/b.csv": [] }));
    expect({ ...labels }).to.deep.equal({ "cat/a.csv": [[Date.UTC(2014, 1, 19, 10, 50), Date.UTC(2014, 1, 20, 3, 30)]], "cat/b.csv": [] });
  });

  const bad: [string, string, string][] = [
    ["not JSON", "{", "w.json: not JSON: "],
    ["a list", "[]", "w.json: expected an object of data file -> windows"],
    ["windows that are not a list", '{"a.csv": "2014-01-01"}', 'w.json: key "a.csv": expected a list of [start, end] windows, got "2014-01-01"'],
    ["a window of one time", '{"a.csv": [["2014-01-01"]]}', 'w.json: key "a.csv": window 0 must be [start, end] time strings, got ["2014-01-01"]'],
    ["a window of numbers", '{"a.csv": [[1, 2]]}', 'w.json: key "a.csv": window 0 must be [start, end] time strings, got [1,2]'],
    // JSON cannot write it back (the stack runs out), nor would a message hold it
    [
      "a window nested 100,000 deep",
      `{"a.csv": [${"[".repeat(100_000)}${"]".repeat(100_000)}]}`,
      'w.json: key "a.csv": window 0 must be [start, end] time strings, got an array nested too deep to show',
    ],
    [
      "a long window",
      `{"a.csv": [[${'"2014-01-01",'.repeat(20)}"x"]]}`,
      `w.json: key "a.csv": window 0 must be [start, end] time strings, got [${'"2014-01-01",'.repeat(4)}"201...`,
    ],
    [
      "an impossible time",
      '{"a.csv": [["2014-02-30 00:00:00", "2014-03-01 00:00:00"]]}',
      'w.json: key "a.csv": window 0 has a time that is not ISO-8601: ["2014-02-30 00:00:00","2014-03-01 00:00:00"]',
    ],
    [
      "a window ending before it starts",
      '{"a.csv": [["2014-03-01", "2014-02-01"]]}',
      'w.json: key "a.csv": window 0 ends before it starts: ["2014-03-01","2014-02-01"]',
    ],
  ];
  for (const [what, text, message] of bad) {
    it(`names the file and key for ${what}`, () => {
      expect(() => parseNabLabels("w.json", text)).to.throw(message);
    });
  }

  it("eval --nab fails in one line on malformed labels", () => {
    const nab = tempDir("gridrail-nablabels-");
    mkdirSync(join(nab, "labels"));
    mkdirSync(join(nab, "data", "cat"), { recursive: true });
    writeFileSync(join(nab, "data", "cat", "a.csv"), "timestamp,value\n2014-01-01 00:00:00,1\n");
    const file = join(nab, "labels", "combined_windows.json");
    writeFileSync(file, JSON.stringify({ "cat/a.csv": [["2014-01-01 00:00:00"]] }));
    const r = runCli("eval", ["--nab", nab]);
    expect([r.status, r.stdout, r.stderr]).to.deep.equal([
      1,
      "",
      `error: ${file}: key "cat/a.csv": window 0 must be [start, end] time strings, got ["2014-01-01 00:00:00"]\n`,
    ]);
  });
});

describe("--option pairs", () => {
  it("keeps keys as own properties of an object without a prototype", () => {
    const options = parseOptionPairs(["numberOfTrees=30", "alarm = state"]);
    expect(Object.getPrototypeOf(options)).to.equal(null);
    expect({ ...options }).to.deep.equal({ numberOfTrees: "30", alarm: "state" });
  });

  const KEY_RULE = "--option key must be an option name (letters and digits) or member.name or member#tag.name for an ensemble member, got";
  const bad: [string[], string][] = [
    [["__proto__=1"], `${KEY_RULE} "__proto__"`],
    [["rcf.__proto__=1"], `${KEY_RULE} "rcf.__proto__"`],
    [["rcf.=4"], `${KEY_RULE} "rcf."`],
    [[".shingleSize=4"], `${KEY_RULE} ".shingleSize"`],
    [["rcf#.shingleSize=4"], `${KEY_RULE} "rcf#.shingleSize"`],
    [["ensemble.rcf.shingleSize=4"], `${KEY_RULE} "ensemble.rcf.shingleSize"`],
    [["shingleSize"], '--option expects key=value, got "shingleSize"'],
    [["=1"], '--option expects key=value, got "=1"'],
    [["seed=1", "seed=2"], "--option seed given twice"],
    [["rcf.seed=1", "rcf.seed=2"], "--option rcf.seed given twice"],
  ];
  for (const [pairs, message] of bad) {
    it(`refuses ${JSON.stringify(pairs)}`, () => {
      expect(() => parseOptionPairs(pairs)).to.throw(message);
    });
  }

  // an ensemble hands `member.key` and `member#tag.key` to that member
  const good: [string, string, string][] = [
    ["rcf.shingleSize=4", "rcf.shingleSize", "4"],
    ["rcf#long.shingleSize = 8", "rcf#long.shingleSize", "8"],
    ["zscore#2.window=60", "zscore#2.window", "60"],
    ["constructor.prototype=1", "constructor.prototype", "1"],
  ];
  for (const [pair, key, value] of good) {
    it(`reads ${JSON.stringify(pair)} as option ${key} = ${JSON.stringify(value)}, an own key of an object without a prototype`, () => {
      const options = parseOptionPairs([pair]);
      expect([Object.getPrototypeOf(options), { ...options }]).to.deep.equal([null, { [key]: value }]);
    });
  }
});
