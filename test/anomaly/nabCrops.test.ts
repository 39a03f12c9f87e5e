import { expect } from "chai";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { cropPlan, writeNabCrops } from "../../anomaly/evaluation/nabCrops";
import { runCli } from "../helpers/runCli";
import { tempDir } from "../helpers/tempDir";

describe("NAB crops (short series cut from a NAB corpus)", () => {
  // [what, rows, anomaly rows, length, at, the crops' start, end, anomalies and windows]
  const cases: [string, number, number[], number, number, { start: number; end: number; anomalies: number[]; windows: [number, number][] }[]][] = [
    ["a file without anomalies: its first rows", 5000, [], 1000, 0.3, [{ start: 0, end: 1000, anomalies: [], windows: [] }]],
    // 10% of 1000 rows is one window of 100, centred on the anomaly 300 rows in
    ["one anomaly, 30% of the way in", 5000, [2000], 1000, 0.3, [{ start: 1700, end: 2700, anomalies: [300], windows: [[250, 350]] }]],
    ["one anomaly, half-way", 5000, [2000], 1000, 0.5, [{ start: 1500, end: 2500, anomalies: [500], windows: [[450, 550]] }]],
    // too near the start for 300 rows before it: the crop starts at the file's first row
    ["an anomaly near the start", 5000, [200], 1000, 0.3, [{ start: 0, end: 1000, anomalies: [200], windows: [[150, 250]] }]],
    // too near the end: the crop ends at the file's last row
    ["an anomaly near the end", 5000, [4950], 1000, 0.3, [{ start: 4000, end: 5000, anomalies: [950], windows: [[900, 1000 - 1]] }]],
    // the second falls inside the first's crop after its probationary rows: one crop, the window shared by two
    [
      "two anomalies in one crop",
      5000,
      [2000, 2400],
      1000,
      0.3,
      [
        {
          start: 1700,
          end: 2700,
          anomalies: [300, 700],
          windows: [
            [275, 325],
            [675, 725],
          ],
        },
      ],
    ],
    [
      "two anomalies far apart, given in any order",
      9000,
      [6000, 2000],
      1000,
      0.3,
      [
        { start: 1700, end: 2700, anomalies: [300], windows: [[250, 350]] },
        { start: 5700, end: 6700, anomalies: [300], windows: [[250, 350]] },
      ],
    ],
    // an anomaly inside a later crop's probationary rows is not judged there (it has its own crop)
    [
      "an anomaly in another crop's probationary rows",
      5000,
      [2000, 2800],
      1000,
      0.9,
      [
        { start: 1100, end: 2100, anomalies: [900], windows: [[850, 950]] },
        { start: 1900, end: 2900, anomalies: [900], windows: [[850, 950]] },
      ],
    ],
    ["a file shorter than a crop", 600, [300], 1000, 0.3, [{ start: 0, end: 600, anomalies: [300], windows: [[270, 330]] }]],
  ];
  for (const [what, rows, anomalies, length, at, want] of cases) {
    it(what, () => expect(cropPlan(rows, anomalies, length, at)).to.deep.equal(want));
  }

  function corpus(): string {
    const dir = tempDir("gridrail-nab-");
    mkdirSync(join(dir, "data", "cat"), { recursive: true });
    mkdirSync(join(dir, "labels"));
    const stamp = (i: number): string => new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString().replace("T", " ").slice(0, 19);
    const rows = Array.from({ length: 3000 }, (_, i) => `${stamp(i)},${i === 2000 ? 50 : Math.sin(i / 10)}`);
    writeFileSync(join(dir, "data", "cat", "a.csv"), ["timestamp,value", ...rows].join("\n") + "\n");
    writeFileSync(join(dir, "data", "cat", "quiet.csv"), ["timestamp,value", ...rows.slice(0, 1500)].join("\r\n") + "\r\n");
    writeFileSync(join(dir, "labels", "combined_labels.json"), JSON.stringify({ "cat/a.csv": [stamp(2000)], "cat/quiet.csv": [], "cat/absent.csv": [] }));
    return dir;
  }

  it("writes each crop as a NAB-layout file with its windows, and removes them when done", () => {
    const crops = writeNabCrops(corpus(), 1000, 0.3);
    expect([crops.files, crops.windows]).to.deep.equal([2, 1]);
    expect(readdirSync(join(crops.dir, "data", "cat")).sort()).to.deep.equal(["a_crop0.csv", "quiet_crop0.csv"]);
    const lines = readFileSync(join(crops.dir, "data", "cat", "a_crop0.csv"), "utf8")
      .trimEnd()
      .split("\n");
    expect([lines.length, lines[0], lines[301].split(",")[1]]).to.deep.equal([1001, "timestamp,value", "50"]);
    expect(JSON.parse(readFileSync(join(crops.dir, "labels", "combined_windows.json"), "utf8"))).to.deep.equal({
      "cat/a_crop0.csv": [["2024-01-07 18:30:00", "2024-01-08 02:50:00"]],
      "cat/quiet_crop0.csv": [],
    });
    crops.done();
    expect(existsSync(crops.dir)).to.equal(false);
  });

  const refused: [string, (dir: string) => void, number, number, string][] = [
    ["a length under 100 rows", () => {}, 99, 0.3, "crop length must be an integer of at least 100 rows, got 99"],
    ["a position inside the probationary rows", () => {}, 1000, 0.1, "crop position must be in [0.15, 1) (after NAB's probationary 15%), got 0.1"],
    ["a position past the end", () => {}, 1000, 1, "crop position must be in [0.15, 1) (after NAB's probationary 15%), got 1"],
    [
      "an anomaly time no row has",
      (dir) => writeFileSync(join(dir, "labels", "combined_labels.json"), JSON.stringify({ "cat/a.csv": ["2030-01-01 00:00:00"] })),
      1000,
      0.3,
      'key "cat/a.csv": anomaly time "2030-01-01 00:00:00" is no row\'s timestamp in ',
    ],
    [
      "anomaly times that are not strings",
      (dir) => writeFileSync(join(dir, "labels", "combined_labels.json"), JSON.stringify({ "cat/a.csv": [17] })),
      1000,
      0.3,
      'key "cat/a.csv": expected a list of time strings, got [17]',
    ],
    [
      "anomaly labels that are not JSON",
      (dir) => writeFileSync(join(dir, "labels", "combined_labels.json"), "{"),
      1000,
      0.3,
      "combined_labels.json: not JSON: ",
    ],
    [
      "a folder without the anomalies' labels",
      (dir) => rmSync(join(dir, "labels", "combined_labels.json")),
      1000,
      0.3,
      "combined_labels.json: not found (crops are labelled from each anomaly's time, NAB's combined_labels.json)",
    ],
  ];
  for (const [what, spoil, length, at, message] of refused) {
    it(`refuses ${what}, naming it`, () => {
      const dir = corpus();
      spoil(dir);
      expect(() => writeNabCrops(dir, length, at)).to.throw(message);
    });
  }

  it("eval --nab --crop scores the crops, and refuses the flags elsewhere", () => {
    const dir = corpus();
    const r = runCli("eval", ["--nab", dir, "--crop", "1000", "--option", "numberOfTrees=30"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include("NAB v1.1, 2 files, crops of 1000 rows (anomaly at 0.3), 2000 rows, 1 windows, detector rcf\n");
    const json = runCli("eval", ["--nab", dir, "--crop", "1000", "--crop-at", "0.5", "--json", "--option", "numberOfTrees=30"]);
    expect(JSON.parse(json.stdout)).to.deep.include({ files: 2, windows: 1, crop: { rows: 1000, at: 0.5 } });
    const bad: [string[], string][] = [
      [["--skab", dir, "--crop", "1000"], "error: --crop is for --nab only\n"],
      [["--nab", dir, "--crop-at", "0.5"], "error: --crop-at needs --crop ROWS\n"],
      [["--nab", dir, "--crop", "many"], "error: --crop must be a number, got many\n"],
      [["--nab", dir, "--crop", "1000", "--crop-at", "x"], "error: --crop-at must be a number, got x\n"],
    ];
    for (const [args, stderr] of bad) {
      const refusedRun = runCli("eval", args);
      expect([refusedRun.status, refusedRun.stderr]).to.deep.equal([2, stderr]);
    }
  });
});
