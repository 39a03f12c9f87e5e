import { expect } from "chai";
import { writeFileSync, mkdirSync } from "fs";
import { join } from "path";
import { evaluateLabelled, labelsOutsideWindows, metaProblem, prefixOf, windowsOf } from "../../anomaly/evaluation/labelledRun";
import { pointwise, scoreLabelled, windowsFromLabels } from "../../anomaly/evaluation/labelledScore";
import { requireShared } from "../helpers/sharedData";
import { runCli } from "../helpers/runCli";
import { tempDir } from "../helpers/tempDir";

const MIN = 60_000;
const stamp = (i: number): string => new Date(Date.UTC(2024, 0, 1) + i * MIN).toISOString().replace("T", " ").replace(".000Z", "");

/** A labelled CSV of `n` rows: a gentle wave with a jump at each of `spikes`, labels set at `labelled`. */
function labelledCsv(n: number, spikes: number[], labelled: number[]): string {
  const rows = Array.from(
    { length: n },
    (_, i) => `${stamp(i)},${(spikes.includes(i) ? 50 : 10 + Math.sin(i / 5)).toFixed(4)},${labelled.includes(i) ? 1 : 0}`,
  );
  return ["timestamp,value,label", ...rows].join("\n") + "\n";
}

function folder(files: Record<string, string>): string {
  const dir = tempDir("gridrail-labelled-");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("labelled-set scoring", () => {
  it("counts point-wise outcomes from the first counted row on", () => {
    const labels = [true, true, false, false, true, false];
    const flags = [true, false, true, false, true, true];
    expect(pointwise(labels, flags)).to.deep.equal({ tp: 2, fp: 2, tn: 1, fn: 1 });
    expect(pointwise(labels, flags, 2)).to.deep.equal({ tp: 1, fp: 2, tn: 1, fn: 0 });
  });

  it("makes one inclusive window per run of labelled rows", () => {
    const t = [0, 10, 20, 30, 40, 50, 60];
    expect(windowsFromLabels(t, [false, true, true, false, true, false, true])).to.deep.equal([
      [10, 20],
      [40, 40],
      [60, 60],
    ]);
    expect(windowsFromLabels(t, new Array(7).fill(false))).to.deep.equal([]);
  });

  it("scores windows with the prefix in place of the probationary period and F1 after the prefix", () => {
    // 20 rows; the prefix is 10, shorter than NAB's 15% would be for no file here; one window at rows 12..13
    const timestamps = Array.from({ length: 20 }, (_, i) => i * MIN);
    const scores = new Array(20).fill(0.1);
    scores[12] = 0.9;
    scores[3] = 0.95; // in the prefix: counted by neither measure
    const flags = scores.map((s) => s > 0.5);
    const labels = timestamps.map((_, i) => i === 12 || i === 13);
    const r = scoreLabelled([{ name: "f", timestamps, scores, flags, labels, prefix: 10, windows: [[12 * MIN, 13 * MIN]] }]);
    expect(r.scores).to.deep.equal({ standard: 100, reward_low_FP_rate: 100, reward_low_FN_rate: 100 });
    expect(r.thresholds.standard).to.equal(0.9);
    expect(r.confusion).to.deep.equal({ tp: 1, fp: 0, tn: 8, fn: 1 });
    expect(r.f1).to.equal(0.667);
    expect(r.countedRows).to.equal(10);
    expect(r.perFile).to.deep.equal([{ file: "f", rows: 20, prefix: 10, windows: 1, detections: 1, f1: 0.667 }]);
  });
});

describe("labelled folder reading", () => {
  it("reads windows and prefixes, leaves the label out of the inputs and scores every file", async () => {
    const dir = folder({
      "a.csv": labelledCsv(200, [150], [150, 151]),
      "b.csv": labelledCsv(200, [], [120]),
      [`labels_windows.json`]: JSON.stringify({ "a.csv": [[stamp(150), stamp(151)]], "b.csv": [[stamp(120), stamp(120)]] }),
      "meta.json": JSON.stringify({ "a.csv": { unlabelled_prefix_rows: 100 }, "b.csv": { unlabelled_prefix_rows: 100 } }),
    });
    const r = await evaluateLabelled(dir, "zscore", {});
    expect(r.files).to.equal(2);
    expect(r.rows).to.equal(400);
    expect(r.countedRows).to.equal(200);
    expect(r.windows).to.equal(2);
    // the spike opens a's window and outscores every other row: caught at its start; b's window (no change) is missed
    expect(r.scores.standard).to.equal(50);
    expect(r.scores.reward_low_FN_rate).to.equal(50);
    expect(r.confusion).to.deep.equal({ tp: 1, fp: 0, tn: 197, fn: 2 });
    expect(r.f1).to.equal(0.5);
    expect(r.perFile.map((f) => [f.file, f.prefix, f.windows, f.detections])).to.deep.equal([
      ["a.csv", 100, 1, 1],
      ["b.csv", 100, 1, 0],
    ]);
  });

  it("derives windows from the label runs when the folder has no windows file", async () => {
    const dir = folder({ "a.csv": labelledCsv(200, [150], [150, 151]) });
    const r = await evaluateLabelled(dir, "zscore", {});
    expect(r.windows).to.equal(1);
    expect(r.perFile[0].prefix).to.equal(0);
    expect(r.scores.standard).to.equal(100);
  });

  it("names the file, line and value of a label that is not 0 or 1", async () => {
    const dir = folder({ "a.csv": labelledCsv(5, [], []).replace(`${stamp(2)},${(10 + Math.sin(2 / 5)).toFixed(4)},0`, `${stamp(2)},1,yes`) });
    let error: Error | undefined;
    await evaluateLabelled(dir, "zscore", {}).catch((e: Error) => (error = e));
    expect(error?.message).to.equal(`${join(dir, "a.csv")}:4 column "label": expected 0 or 1, got "yes"`);
  });

  it("refuses a folder without a label column, naming the column", async () => {
    const dir = folder({ "a.csv": "timestamp,value\n2024-01-01 00:00:00,1\n" });
    let error: Error | undefined;
    await evaluateLabelled(dir, "zscore", {}).catch((e: Error) => (error = e));
    expect(error?.message).to.equal(`${join(dir, "a.csv")}:1 column "label": no such column in header (timestamp, value)`);
  });

  it("refuses a windows file that leaves out a csv, an empty folder and a missing one", async () => {
    const dir = folder({ "a.csv": labelledCsv(5, [], []), "b.csv": labelledCsv(5, [], []), "labels_windows.json": JSON.stringify({ "a.csv": [] }) });
    const errors: string[] = [];
    await evaluateLabelled(dir, "zscore", {}).catch((e: Error) => errors.push(e.message));
    const empty = tempDir("gridrail-labelled-");
    mkdirSync(join(empty, "sub"));
    await evaluateLabelled(empty, "zscore", {}).catch((e: Error) => errors.push(e.message));
    await evaluateLabelled(join(empty, "nope"), "zscore", {}).catch((e: Error) => errors.push(e.message));
    expect(errors).to.deep.equal([
      `${join(dir, "labels_windows.json")}: no windows for b.csv (give [] for a file without anomalies)`,
      `--labelled ${empty}: no .csv file in it`,
      `--labelled ${join(empty, "nope")}: not a folder`,
    ]);
  });

  it("says a set without a labelled anomaly has no NAB score, instead of printing NaN", () => {
    const dir = folder({ "a.csv": labelledCsv(200, [150], []) });
    const r = runCli("eval", ["--labelled", dir, "--detector", "zscore"]);
    expect([r.status, r.stdout.split("\n").slice(1, 3)]).to.deep.equal([
      0,
      [
        "no labelled anomaly in the set: no NAB score (it needs at least one window); the false-alarm rate still says how often it alarms",
        "point-wise F1 0.000  false-alarm rate 0.005  missed-alarm rate 0.000",
      ],
    ]);
  });

  it("refuses a meta.json entry it could not use, before scoring anything", async () => {
    const dir = folder({ "a.csv": labelledCsv(5, [], []), "meta.json": JSON.stringify({ "a.csv": { unlabeled_prefix_rows: 2 } }) });
    let error: Error | undefined;
    await evaluateLabelled(dir, "zscore", {}).catch((e: Error) => (error = e));
    expect(error?.message).to.equal(`${join(dir, "meta.json")}: a.csv: unknown field "unlabeled_prefix_rows" (the prefix is "unlabelled_prefix_rows")`);
  });

  const metas: [string, Record<string, unknown>, string | undefined][] = [
    ["a prefix and descriptions", { "a.csv": { unlabelled_prefix_rows: 3, rows: 10, dims: 2 } }, undefined],
    ["a file without a prefix", { "a.csv": { rows: 10 } }, undefined],
    ["a file not in the folder", { "b.csv": { unlabelled_prefix_rows: 3 } }, "b.csv: no such .csv in the folder (a.csv)"],
    ["a bare number", { "a.csv": 250 }, 'a.csv: expected an object such as {"unlabelled_prefix_rows": N}, got 250'],
    ["a list", { "a.csv": [250] }, 'a.csv: expected an object such as {"unlabelled_prefix_rows": N}, got [250]'],
    ["another spelling of the prefix", { "a.csv": { prefix_rows: 3 } }, 'a.csv: unknown field "prefix_rows" (the prefix is "unlabelled_prefix_rows")'],
  ];
  for (const [what, meta, problem] of metas) {
    it(`meta.json with ${what}: ${problem ?? "accepted"}`, () => {
      expect(metaProblem(meta, ["a.csv"])).to.equal(problem);
    });
  }

  it("checks each prefix and window, naming the file, the field and the value", () => {
    const cases: [() => unknown, string][] = [
      [
        () => prefixOf({ "a.csv": { unlabelled_prefix_rows: 10 } }, "a.csv", 10),
        "meta.json: a.csv: unlabelled_prefix_rows must be an integer in [0, 9] (the file has 10 rows), got 10",
      ],
      [
        () => prefixOf({ "a.csv": { unlabelled_prefix_rows: "5" } }, "a.csv", 10),
        'meta.json: a.csv: unlabelled_prefix_rows must be an integer in [0, 9] (the file has 10 rows), got "5"',
      ],
      [() => windowsOf({ "a.csv": {} }, "a.csv"), "labels_windows.json: a.csv: expected a list of [start, end] pairs, got {}"],
      [
        () => windowsOf({ "a.csv": JSON.parse(`[${"[".repeat(100_000)}${"]".repeat(100_000)}]`) }, "a.csv"),
        "labels_windows.json: a.csv: window 0 must be [start, end] times with start <= end, got an array nested too deep to show",
      ],
      [
        () => windowsOf({ "a.csv": [["2024-01-02", "2024-01-01"]] }, "a.csv"),
        'labels_windows.json: a.csv: window 0 must be [start, end] times with start <= end, got ["2024-01-02","2024-01-01"]',
      ],
      [
        () => windowsOf({ "a.csv": [["soon", "later"]] }, "a.csv"),
        'labels_windows.json: a.csv: window 0 must be [start, end] times with start <= end, got ["soon","later"]',
      ],
    ];
    for (const [act, message] of cases) expect(act).to.throw(message);
    expect(prefixOf({}, "a.csv", 10)).to.equal(undefined);
    expect(windowsOf({ "a.csv": [["2024-01-01 00:00:00", "2024-01-01 00:05:00"]] }, "a.csv")).to.deep.equal([
      [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 0, 5)],
    ]);
  });

  it("puts windows in time order, and refuses overlapping ones naming both, as the scorer walks them in order", () => {
    const day = (d: number, h = 0) => Date.UTC(2024, 0, d, h);
    expect(
      windowsOf(
        {
          "a.csv": [
            ["2024-01-05", "2024-01-06"],
            ["2024-01-01", "2024-01-02"],
          ],
        },
        "a.csv",
      ),
    ).to.deep.equal([
      [day(1), day(2)],
      [day(5), day(6)],
    ]);
    expect(() =>
      windowsOf(
        {
          "a.csv": [
            ["2024-01-01", "2024-01-03"],
            ["2024-01-02", "2024-01-04"],
          ],
        },
        "a.csv",
      ),
    ).to.throw('labels_windows.json: a.csv: windows 0 ["2024-01-01","2024-01-03"] and 1 ["2024-01-02","2024-01-04"] overlap: merge them into one');
  });

  it("refuses windows for a file the folder does not hold, and a bad window of any file, before scoring anything", async () => {
    const dir = tempDir("gridrail-windows-");
    writeFileSync(join(dir, "a.csv"), "timestamp,value,label\n2024-01-01T00:00:00Z,1,0\n");
    writeFileSync(join(dir, "b.csv"), "timestamp,value,label\n2024-01-01T00:00:00Z,1,0\n");
    writeFileSync(join(dir, "labels_windows.json"), JSON.stringify({ "a.csv": [], "b.csv": [], "A.CSV": [] }));
    let err: Error | undefined;
    await evaluateLabelled(dir, "zscore", {}).catch((e: Error) => (err = e));
    expect(err?.message).to.equal(`${join(dir, "labels_windows.json")}: A.CSV: no such .csv in the folder (a.csv, b.csv)`);
    writeFileSync(join(dir, "labels_windows.json"), JSON.stringify({ "a.csv": [], "b.csv": [["later", "soon"]] }));
    const scored: string[] = [];
    await evaluateLabelled(dir, "zscore", {}, (m) => scored.push(m)).catch((e: Error) => (err = e));
    expect([err?.message, scored]).to.deep.equal([
      `${join(dir, "labels_windows.json")}: b.csv: window 0 must be [start, end] times with start <= end, got ["later","soon"]`,
      [],
    ]);
  });

  it("names meta.json with its folder when a prefix does not fit its file", async () => {
    const dir = folder({ "a.csv": labelledCsv(5, [], []), "meta.json": JSON.stringify({ "a.csv": { unlabelled_prefix_rows: 5 } }) });
    let err: Error | undefined;
    await evaluateLabelled(dir, "zscore", {}).catch((e: Error) => (err = e));
    expect(err?.message).to.equal(`${join(dir, "meta.json")}: a.csv: unlabelled_prefix_rows must be an integer in [0, 4] (the file has 5 rows), got 5`);
  });

  it("says where a windows file and the label column disagree", () => {
    const t = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const labels = (...rows: number[]) => t.map((i) => rows.includes(i));
    const cases: [boolean[], [number, number][], string | undefined][] = [
      [labels(2, 3), [[2, 3]], undefined],
      [labels(2, 3, 8), [[2, 3]], "1 labelled row(s) outside every window"],
      [
        labels(2, 3),
        [
          [2, 3],
          [6, 7],
        ],
        "1 window(s) without a labelled row",
      ],
      [labels(8), [[2, 3]], "1 labelled row(s) outside every window, 1 window(s) without a labelled row"],
      [labels(), [], undefined],
    ];
    for (const [l, w, expected] of cases) expect(labelsOutsideWindows(t, l, w)).to.equal(expected);
  });

  it("scores windows listed out of order as the same windows in order", async () => {
    const rows = (anomalyAt: number[]) =>
      [
        "timestamp,value,label",
        ...Array.from(
          { length: 600 },
          (_, i) =>
            `${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()},${anomalyAt.includes(i) ? 50 : Math.sin(i / 9)},${anomalyAt.includes(i) ? 1 : 0}`,
        ),
      ].join("\n");
    const at = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    const w1 = [at(395), at(405)];
    const w2 = [at(495), at(505)];
    const score = async (windows: string[][]) => {
      const dir = tempDir("gridrail-windows-");
      writeFileSync(join(dir, "a.csv"), rows([400, 500]));
      writeFileSync(join(dir, "labels_windows.json"), JSON.stringify({ "a.csv": windows }));
      return (await evaluateLabelled(dir, "zscore", {})).scores.standard;
    };
    expect(await score([w2, w1])).to.equal(await score([w1, w2]));
  });
});

describe("labelled sets in ../shared/data", () => {
  for (const [set, files, windows, counted] of [
    ["asd", 12, 76, 12 * 4320],
    ["smd", 2, 39, 23694 + 23703],
  ] as const) {
    it(`reads ${set}: ${files} files, ${windows} windows, the unlabelled training rows not counted`, async function () {
      this.timeout(120_000);
      const dir = requireShared(this, set);
      const r = await evaluateLabelled(dir, "ewma", {});
      expect([r.files, r.windows, r.countedRows]).to.deep.equal([files, windows, counted]);
      expect(r.confusion.tp + r.confusion.fn).to.be.greaterThan(0);
      expect(r.scores.standard).to.be.within(-100, 100);
    });
  }
});
