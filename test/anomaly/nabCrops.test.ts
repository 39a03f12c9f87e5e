import { expect } from "chai";
import { spawn } from "child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { cropPlan, writeNabCrops } from "../../anomaly/evaluation/nabCrops";
import { runCli } from "../helpers/runCli";
import { requireShared } from "../helpers/sharedData";
import { parseTimestamp } from "../../anomaly/io/timestamp";
import { tempDir } from "../helpers/tempDir";

describe("NAB crops (short series cut from a NAB corpus)", () => {
  // [what, rows, anomaly rows, length, at, the crops: data rows start..end of the source, windows as rows of the crop]
  const cases: [string, number, number[], number, number, { start: number; end: number; windows: [number, number][] }[]][] = [
    ["a file without anomalies: its first rows", 5000, [], 1000, 0.3, [{ start: 0, end: 1000, windows: [] }]],
    // 10% of 1000 rows is one window of 100, centred on the anomaly 300 rows in
    ["one anomaly, 30% of the way in", 5000, [2000], 1000, 0.3, [{ start: 1700, end: 2700, windows: [[250, 350]] }]],
    ["one anomaly, half-way", 5000, [2000], 1000, 0.5, [{ start: 1500, end: 2500, windows: [[450, 550]] }]],
    // 0.3 x 1005 = 301.5 rows before it, rounded
    ["a share of the rows rounded", 5000, [2000], 1005, 0.3, [{ start: 1698, end: 2703, windows: [[252, 352]] }]],
    // too near the start for 300 rows before it: the crop starts at the file's first row
    ["an anomaly near the start", 5000, [200], 1000, 0.3, [{ start: 0, end: 1000, windows: [[150, 250]] }]],
    // the probationary rows are floor(0.15 x 1005) = 150: a window starting at row 150 counts
    ["a window starting where the probationary rows end", 5000, [200], 1005, 0.3, [{ start: 0, end: 1005, windows: [[150, 250]] }]],
    // an anomaly whose window would start inside them (shared with another, it is 50 rows wide) gets no crop
    ["an anomaly whose window starts in the probationary rows", 5000, [170, 900], 1000, 0.3, [{ start: 600, end: 1600, windows: [[250, 350]] }]],
    // both windows, merged, start in the probationary rows of the only crop that holds them: no crop
    ["anomalies only in the first rows", 5000, [50, 100], 1000, 0.3, []],
    // too near the end: the crop ends at the file's last row
    ["an anomaly near the end", 5000, [4950], 1000, 0.3, [{ start: 4000, end: 5000, windows: [[900, 999]] }]],
    // the second falls inside the first's crop: one crop, 10% of its rows shared by two windows of 50
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
          windows: [
            [275, 325],
            [675, 725],
          ],
        },
      ],
    ],
    // floor(floor(150 / 2) / 2) = 37 rows each side
    [
      "a window's half rounded down",
      5000,
      [2000, 2600],
      1500,
      0.3,
      [
        {
          start: 1550,
          end: 3050,
          windows: [
            [413, 487],
            [1013, 1087],
          ],
        },
      ],
    ],
    // windows that overlap are one window, as NAB merges them; so are windows that meet at a row
    ["windows meeting at a row merged", 5000, [2000, 2050], 1000, 0.3, [{ start: 1700, end: 2700, windows: [[275, 375]] }]],
    ["overlapping windows merged", 5000, [2000, 2030], 1000, 0.3, [{ start: 1700, end: 2700, windows: [[275, 355]] }]],
    // at the crop's last row the anomaly is outside it: a crop of its own
    [
      "an anomaly just past a crop",
      5000,
      [2000, 2700],
      1000,
      0.3,
      [
        { start: 1700, end: 2700, windows: [[250, 350]] },
        { start: 2400, end: 3400, windows: [[250, 350]] },
      ],
    ],
    [
      "two anomalies far apart, given in any order (sorted as numbers)",
      20000,
      [10000, 9000],
      1000,
      0.3,
      [
        { start: 8700, end: 9700, windows: [[250, 350]] },
        { start: 9700, end: 10700, windows: [[250, 350]] },
      ],
    ],
    // an anomaly inside a later crop is labelled there too: windows can outnumber anomalies
    [
      "an anomaly labelled in two crops",
      5000,
      [4300, 4900],
      1000,
      0.9,
      [
        { start: 3400, end: 4400, windows: [[850, 950]] },
        {
          start: 4000,
          end: 5000,
          windows: [
            [275, 325],
            [875, 925],
          ],
        },
      ],
    ],
    ["a file shorter than a crop", 600, [300], 1000, 0.3, [{ start: 0, end: 600, windows: [[270, 330]] }]],
    // NAB's probationary rows are at most 750: an anomaly at row 800 of a whole file is judged
    ["a long crop's probationary rows capped at 750", 10000, [1400], 10000, 0.3, [{ start: 0, end: 10000, windows: [[900, 1900]] }]],
  ];
  for (const [what, rows, anomalies, length, at, want] of cases) {
    it(what, () => expect(cropPlan(rows, anomalies, length, at)).to.deep.equal(want));
  }

  const stamp = (i: number): string => new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString().replace("T", " ").slice(0, 19);

  function corpus(): string {
    const dir = tempDir("gridrail-nab-");
    mkdirSync(join(dir, "data", "cat"), { recursive: true });
    mkdirSync(join(dir, "labels"));
    const rows = Array.from({ length: 3000 }, (_, i) => `${stamp(i)},${i === 2000 ? 50 : Math.sin(i / 10)}`);
    writeFileSync(join(dir, "data", "cat", "a.csv"), ["timestamp,value", ...rows].join("\n") + "\n");
    // Windows line ends, and times in quotes
    const quoted = rows.slice(0, 1500).map((r) => `"${r.slice(0, 19)}"${r.slice(19)}`);
    writeFileSync(join(dir, "data", "cat", "quoted.csv"), ["timestamp,value", ...quoted].join("\r\n") + "\r\n");
    writeFileSync(join(dir, "data", "cat", "unlabelled.csv"), "timestamp,value\n");
    // the anomaly's time as NAB writes it, with microseconds
    // out of order: the crops follow the files' names
    const labels = { "cat/quoted.csv": [stamp(1000)], "cat/a.csv": [`${stamp(2000)}.000000`], "cat/absent.csv": [] };
    writeFileSync(join(dir, "labels", "combined_labels.json"), JSON.stringify(labels));
    return dir;
  }

  it("writes each crop as a NAB-layout file with its windows, says what it left out, and removes them when done", () => {
    const notes: string[] = [];
    const dir = corpus();
    const crops = writeNabCrops(dir, 1000, 0.3, (m) => notes.push(m));
    // removed even when an expectation fails, so a failing run leaves no crops behind
    try {
      expect(crops.crops).to.deep.equal([
        { crop: "cat/a_crop0.csv", source: "cat/a.csv", start: 1700, end: 2700 },
        { crop: "cat/quoted_crop0.csv", source: "cat/quoted.csv", start: 500, end: 1500 },
      ]);
      expect(crops.windows).to.equal(2);
      expect(readdirSync(join(crops.dir, "data", "cat")).sort()).to.deep.equal(["a_crop0.csv", "quoted_crop0.csv"]);
      const lines = readFileSync(join(crops.dir, "data", "cat", "a_crop0.csv"), "utf8").split("\n");
      expect([lines.length, lines[0], lines[1].split(",")[0], lines[301].split(",")[1], lines[1001]]).to.deep.equal([
        1002,
        "timestamp,value",
        stamp(1700),
        "50",
        "",
      ]);
      const quoted = readFileSync(join(crops.dir, "data", "cat", "quoted_crop0.csv"), "utf8");
      expect([quoted.includes("\r"), quoted.split("\n")[1]]).to.deep.equal([false, `"${stamp(500)}",${Math.sin(50)}`]);
      expect(JSON.parse(readFileSync(join(crops.dir, "labels", "combined_windows.json"), "utf8"))).to.deep.equal({
        "cat/a_crop0.csv": [[stamp(1950), stamp(2050)]],
        "cat/quoted_crop0.csv": [[stamp(950), stamp(1050)]],
      });
      expect(notes).to.deep.equal([
        "1 of 3 labelled series have no file under data/ and are left out: the crops are of 2 files",
        `1 file(s) under data/ have no entry in ${join(dir, "labels", "combined_labels.json")} and are left out: cat/unlabelled.csv`,
      ]);
      // a message about a crop names the source file, and the source's line
      const inCrop = join(crops.dir, "data", "cat", "a_crop0.csv");
      expect(crops.sourceText(`${inCrop}:402 column "value": not a number; ${inCrop}: empty`)).to.equal(
        `${join(dir, "data", "cat", "a.csv")}:2102 column "value": not a number; ${join(dir, "data", "cat", "a.csv")} (rows 1701-2700): empty`,
      );
    } finally {
      crops.done();
    }
    expect(existsSync(crops.dir)).to.equal(false);
  });

  const refused: [string, (dir: string) => void, number, number, string][] = [
    ["a length under 100 rows", () => {}, 99, 0.3, "crop length must be an integer of at least 100 rows, got 99"],
    ["a position before a fifth of the way in", () => {}, 1000, 0.19, "crop position must be in [0.2, 1), got 0.19"],
    ["a position past the end", () => {}, 1000, 1, "crop position must be in [0.2, 1), got 1"],
    [
      "an anomaly time no row has",
      (dir) => writeFileSync(join(dir, "labels", "combined_labels.json"), JSON.stringify({ "cat/a.csv": ["2030-01-01 00:00:00"] })),
      1000,
      0.3,
      'key "cat/a.csv": anomaly time "2030-01-01 00:00:00" is no row\'s time in ',
    ],
    [
      "an anomaly time that is no time",
      (dir) => writeFileSync(join(dir, "labels", "combined_labels.json"), JSON.stringify({ "cat/a.csv": ["soon"] })),
      1000,
      0.3,
      'key "cat/a.csv": anomaly time "soon" is not ISO-8601',
    ],
    [
      "anomaly times that are not strings",
      (dir) => writeFileSync(join(dir, "labels", "combined_labels.json"), JSON.stringify({ "cat/a.csv": [17] })),
      1000,
      0.3,
      'key "cat/a.csv": expected a list of time strings, got [17]',
    ],
    // a key is joined to the crops' folder: one that climbs out of it is refused before anything is written
    [
      "a key outside the data folder",
      (dir) => writeFileSync(join(dir, "labels", "combined_labels.json"), JSON.stringify({ "../../x.csv": [] })),
      1000,
      0.3,
      'key "../../x.csv": expected a data file as <category>/<file>.csv',
    ],
    ...["../x.csv", "./x.csv", "/x.csv", "cat/..\\..\\x.csv"].map((key): [string, (dir: string) => void, number, number, string] => [
      `the key ${key}`,
      (dir) => writeFileSync(join(dir, "labels", "combined_labels.json"), JSON.stringify({ [key]: [] })),
      1000,
      0.3,
      `key ${JSON.stringify(key)}: expected a data file as <category>/<file>.csv`,
    ]),
    [
      "labels without a window in any crop",
      (dir) => writeFileSync(join(dir, "labels", "combined_labels.json"), JSON.stringify({ "cat/quoted.csv": [] })),
      1000,
      0.3,
      "combined_labels.json: no crop of 1000 rows holds a window (a NAB score needs one)",
    ],
    [
      "a window bounded by a row whose time is not a time",
      (dir) => {
        const file = join(dir, "data", "cat", "a.csv");
        writeFileSync(file, readFileSync(file, "utf8").replace(`${stamp(1950)},`, "soon,"));
      },
      1000,
      0.3,
      'a.csv:1952: a window of a crop is bounded here, but the row\'s time is not ISO-8601: "soon"',
    ],
    [
      "a key that is no CSV file",
      (dir) => writeFileSync(join(dir, "labels", "combined_labels.json"), JSON.stringify({ "cat/a": [] })),
      1000,
      0.3,
      'key "cat/a": expected a data file as <category>/<file>.csv',
    ],
    [
      "labels naming no file there is",
      (dir) => writeFileSync(join(dir, "labels", "combined_labels.json"), JSON.stringify({ "cat/absent.csv": [] })),
      1000,
      0.3,
      ": no labelled data file found under data/",
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
    it(`refuses ${what}, naming it, and leaves no crops behind`, () => {
      const dir = corpus();
      spoil(dir);
      const tmp = tempDir("gridrail-tmp-");
      const before = process.env.TMPDIR;
      process.env.TMPDIR = tmp;
      try {
        expect(() => writeNabCrops(dir, length, at)).to.throw(message);
      } finally {
        if (before === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = before;
      }
      expect(readdirSync(tmp)).to.deep.equal([]);
    });
  }

  it("eval --nab --crop scores the crops, names a bad row in its source file, and refuses bad flags", () => {
    const dir = corpus();
    const r = runCli("eval", ["--nab", dir, "--crop", "1000", "--option", "numberOfTrees=30"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include("NAB v1.1, 2 files, crops of 1000 rows (anomaly at 0.3), 2000 rows, 2 windows, detector rcf\n");
    const json = runCli("eval", ["--nab", dir, "--crop", "1000", "--crop-at", "0.5", "--json", "--option", "numberOfTrees=30"]);
    expect(JSON.parse(json.stdout)).to.deep.include({ files: 2, windows: 2 });
    expect(JSON.parse(json.stdout).crop).to.deep.equal({
      rows: 1000,
      at: 0.5,
      crops: [
        { crop: "cat/a_crop0.csv", source: "cat/a.csv", start: 1500, end: 2500 },
        { crop: "cat/quoted_crop0.csv", source: "cat/quoted.csv", start: 500, end: 1500 },
      ],
    });
    // a value the detector cannot read, at the source's line 2102 (the crop's 402)
    const file = join(dir, "data", "cat", "a.csv");
    writeFileSync(file, readFileSync(file, "utf8").replace(`${stamp(2100)},${Math.sin(210)}`, `${stamp(2100)},abc`));
    const bad = runCli("eval", ["--nab", dir, "--crop", "1000", "--option", "numberOfTrees=30"]);
    expect([bad.status, bad.stderr.trim().split("\n").pop()]).to.deep.equal([1, `error: ${file}:2102 column "value": not a number: "abc"`]);
    const usage: [string[], string][] = [
      [["--skab", dir, "--crop", "1000"], "error: --crop is for --nab only\n"],
      [["--nab", dir, "--crop-at", "0.5"], "error: --crop-at needs --crop ROWS\n"],
      [["--nab", dir, "--crop", "many"], 'error: --crop must be an integer in [100, 100000000], got "many"\n'],
      [["--nab", dir, "--crop", "99"], 'error: --crop must be an integer in [100, 100000000], got "99"\n'],
      [["--nab", dir, "--crop", "0x3E8"], 'error: --crop must be an integer in [100, 100000000], got "0x3E8"\n'],
      [["--nab", dir, "--crop", "1000", "--crop-at", "x"], 'error: --crop-at must be a number in [0.2, 1) (the anomaly\'s place in its crop), got "x"\n'],
      [["--nab", dir, "--crop", "1000", "--crop-at", "0.1"], 'error: --crop-at must be a number in [0.2, 1) (the anomaly\'s place in its crop), got "0.1"\n'],
    ];
    for (const [args, stderr] of usage) {
      const refusedRun = runCli("eval", args);
      expect([refusedRun.status, refusedRun.stderr]).to.deep.equal([2, stderr]);
    }
  });

  it("eval --nab --crop removes its crops when interrupted", async () => {
    const dir = corpus();
    const tmp = tempDir("gridrail-tmp-");
    // one process (node --import tsx), as the gridrail executable runs; npm's tsx wrapper may SIGKILL a busy child
    const root = join(__dirname, "..", "..");
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "cli", "eval.ts"), "--nab", dir, "--crop", "1000"], {
      cwd: root,
      env: { ...process.env, TMPDIR: tmp },
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("close", (_code, signal) => resolve(signal)));
    // wait for the crops to be written, then interrupt the run
    const deadline = Date.now() + 60_000;
    // (tsx keeps its cache in the same temporary folder)
    const crops = (): string[] => readdirSync(tmp).filter((n) => n.startsWith("gridrail-crops-"));
    while (crops().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(crops()).to.have.length(1);
    child.kill("SIGINT");
    expect(await exited).to.equal("SIGINT");
    expect(crops()).to.deep.equal([]);
  });

  it("takes a share of exactly 0.2, the first of two rows with one time, and a.csv and a.CSV as two files", () => {
    const dir = corpus();
    const file = join(dir, "data", "cat", "a.csv");
    // row 2500 repeats row 2000's time (a clock stepping back): the anomaly is the first
    writeFileSync(file, readFileSync(file, "utf8").replace(`${stamp(2500)},`, `${stamp(2000)},`));
    writeFileSync(join(dir, "data", "cat", "a.CSV"), readFileSync(file));
    writeFileSync(join(dir, "labels", "combined_labels.json"), JSON.stringify({ "cat/a.csv": [stamp(2000)], "cat/a.CSV": [stamp(2000)] }));
    const crops = writeNabCrops(dir, 1000, 0.2);
    try {
      expect(crops.crops).to.deep.equal([
        { crop: "cat/a_crop0.CSV", source: "cat/a.CSV", start: 1800, end: 2800 },
        { crop: "cat/a_crop0.csv", source: "cat/a.csv", start: 1800, end: 2800 },
      ]);
      expect(readdirSync(join(crops.dir, "data", "cat")).sort()).to.deep.equal(["a_crop0.CSV", "a_crop0.csv"]);
    } finally {
      crops.done();
    }
  });

  it("says which anomalies no crop judges", () => {
    const dir = corpus();
    writeFileSync(join(dir, "labels", "combined_labels.json"), JSON.stringify({ "cat/a.csv": [stamp(100), stamp(2000)] }));
    const notes: string[] = [];
    const crops = writeNabCrops(dir, 1000, 0.3, (m) => notes.push(m));
    crops.done();
    expect(crops.crops.map((c) => c.start)).to.deep.equal([1700]);
    expect(notes).to.include("cat/a.csv: no crop judges the anomaly at data row 101 (its window would start in a crop's probationary rows): left out");
  });

  it("writes into a folder it is given only when it is empty", () => {
    const into = tempDir("gridrail-into-");
    writeFileSync(join(into, "mine.txt"), "a caller's file\n");
    expect(() => writeNabCrops(corpus(), 1000, 0.3, () => {}, into)).to.throw(`${into}: the crops' folder must be empty (it is removed after the run)`);
    expect(readdirSync(into)).to.deep.equal(["mine.txt"]);
  });

  it("eval --nab --crop leaves no crops behind after a run or a bad flag", () => {
    const dir = corpus();
    const tmp = tempDir("gridrail-tmp-");
    const env = { ...process.env, TMPDIR: tmp };
    const crops = (): string[] => readdirSync(tmp).filter((n) => n.startsWith("gridrail-crops-"));
    expect(runCli("eval", ["--nab", dir, "--crop", "1000", "--detector", "ewma"], undefined, env).status).to.equal(0);
    expect(runCli("eval", ["--nab", dir, "--crop", "1000", "--crop-at", "2"], undefined, env).status).to.equal(2);
    expect(runCli("eval", ["--nab", join(dir, "absent"), "--crop", "1000"], undefined, env).status).to.equal(1);
    expect(crops()).to.deep.equal([]);
  });

  it("labels each of NAB's 18 files whole as NAB's combined_windows.json does", function () {
    const nab = requireShared(this, "nab");
    const labels = JSON.parse(readFileSync(join(nab, "labels", "combined_labels.json"), "utf8")) as Record<string, string[]>;
    const nabWindows = JSON.parse(readFileSync(join(nab, "labels", "combined_windows.json"), "utf8")) as Record<string, [string, string][]>;
    const files = Object.keys(labels).filter((k) => labels[k].length > 0);
    expect(files).to.have.length(13);
    for (const name of files) {
      const times = readFileSync(join(nab, "data", name), "utf8")
        .trimEnd()
        .split("\n")
        .slice(1)
        .map((r) => parseTimestamp(r.split(",")[0]));
      const rowOf = (t: string): number => times.indexOf(parseTimestamp(t));
      const plans = cropPlan(times.length, labels[name].map(rowOf), times.length, 0.3);
      const want = nabWindows[name].map(([a, b]) => [rowOf(a), rowOf(b)]);
      expect([name, plans.length, plans[0].windows], name).to.deep.equal([name, 1, want]);
    }
  });
});
