import { expect } from "chai";
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { evaluateNab } from "../../anomaly/evaluation/nabRun";
import { LabelledSeries } from "../../anomaly/evaluation/nabScore";
import { outcomesText, SeriesOutcomes, windowOutcomes } from "../../anomaly/evaluation/windowOutcomes";
import { tempDir } from "../helpers/tempDir";

const MIN = 60_000;

/** Ten rows a minute apart, scores 0.1 but 0.4 at row 4, windows over rows 3-7 and row 9, no probation. */
function series(
  probationary = 0,
  windows: [number, number][] = [
    [3, 7],
    [9, 9],
  ],
): LabelledSeries {
  return {
    name: "s",
    timestamps: Array.from({ length: 10 }, (_, i) => i * MIN),
    scores: Array.from({ length: 10 }, (_, i) => (i === 4 ? 0.4 : 0.1)),
    windows: windows.map(([a, b]) => [a * MIN, b * MIN] as [number, number]),
    probationary,
  };
}

const flagsAt = (...rows: number[]): boolean[] => Array.from({ length: 10 }, (_, i) => rows.includes(i));

describe("window outcomes of a detector's own alarms", () => {
  const cases: [string, LabelledSeries, boolean[], Pick<SeriesOutcomes, "found" | "falseAlarms" | "probationary">, (number | null)[], number[]][] = [
    ["no alarm: every window missed", series(), flagsAt(), { found: 0, falseAlarms: 0, probationary: 0 }, [null, null], [0, 0]],
    ["an alarm halfway through the first window", series(), flagsAt(5), { found: 1, falseAlarms: 0, probationary: 0 }, [0.5, null], [1, 0]],
    ["the first of two alarms in a window counts for its position", series(), flagsAt(6, 3), { found: 1, falseAlarms: 0, probationary: 0 }, [0, null], [2, 0]],
    ["a one-row window found at its row", series(), flagsAt(9), { found: 1, falseAlarms: 0, probationary: 0 }, [null, 0], [0, 1]],
    ["alarms outside every window are false", series(), flagsAt(0, 8, 7), { found: 1, falseAlarms: 2, probationary: 0 }, [1, null], [1, 0]],
    [
      "alarms in the probationary rows are neither found nor false",
      series(5),
      flagsAt(1, 4, 8),
      { found: 0, falseAlarms: 1, probationary: 2 },
      [null, null],
      [0, 0],
    ],
  ];
  for (const [what, s, flags, counts, firsts, alarms] of cases) {
    it(what, () => {
      const o = windowOutcomes(s, flags);
      expect({ found: o.found, falseAlarms: o.falseAlarms, probationary: o.probationary }).to.deep.equal(counts);
      expect(o.windows.map((w) => w.firstAlarm)).to.deep.equal(firsts);
      expect(o.windows.map((w) => w.alarms)).to.deep.equal(alarms);
      expect(o.windows.map((w) => w.rows)).to.deep.equal([
        [3, 7],
        [9, 9],
      ]);
      expect(o.windows.map((w) => w.maxScore)).to.deep.equal([0.4, 0.1]);
    });
  }

  it("says in one line where each window was found, or how near a missed one came", () => {
    expect(outcomesText(windowOutcomes(series(), flagsAt(5, 0)))).to.equal(
      "1 of 2 windows found (where each window's first alarm fell: 50%; missed, peak score 0.100), 1 false alarm",
    );
    expect(outcomesText(windowOutcomes(series(0, []), flagsAt(2, 3)))).to.equal("no windows, 2 false alarms");
  });

  it("gives the median position instead of a list past eight windows", () => {
    const s: LabelledSeries = {
      name: "many",
      timestamps: Array.from({ length: 40 }, (_, i) => i * MIN),
      scores: new Array(40).fill(0),
      windows: Array.from({ length: 10 }, (_, w) => [w * 4 * MIN, (w * 4 + 2) * MIN] as [number, number]),
      probationary: 0,
    };
    // windows of rows 4w..4w+2: found at their first row (w 0-2), middle row (w 3-5), last row (w 6), missed (w 7-9)
    const flags = Array.from({ length: 40 }, (_, i) => (i < 12 ? i % 4 === 0 : i < 24 ? i % 4 === 1 : i < 28 ? i % 4 === 2 : false));
    expect(outcomesText(windowOutcomes(s, flags))).to.equal("7 of 10 windows found (first alarms a median 50% into their window), 0 false alarms");
  });

  it("eval --nab reports them per file", async () => {
    const nab = tempDir("gridrail-outcomes-");
    mkdirSync(join(nab, "data", "cat"), { recursive: true });
    mkdirSync(join(nab, "labels"));
    const stamp = (i: number): string => new Date(Date.UTC(2024, 0, 1) + i * MIN).toISOString().replace("T", " ").replace(".000Z", "");
    const rows = Array.from({ length: 3000 }, (_, i) => `${stamp(i)},${i === 2000 ? 500 : (10 + Math.sin(i / 7)).toFixed(4)}`);
    writeFileSync(join(nab, "data", "cat", "a.csv"), ["timestamp,value", ...rows].join("\n") + "\n");
    writeFileSync(join(nab, "labels", "combined_windows.json"), JSON.stringify({ "cat/a.csv": [[stamp(1900), stamp(2100)]] }));
    const lines: string[] = [];
    const report = await evaluateNab(nab, "zscore", {}, (m) => lines.push(m));
    const [file] = report.perFile;
    expect([file.windowsFound, file.windowOutcomes.length, file.windowOutcomes[0].rows]).to.deep.equal([1, 1, [1900, 2100]]);
    expect(file.windowOutcomes[0].firstAlarm).to.equal(0.5);
    // every alarm is in the window, in the probationary rows (the first 450) or false
    expect(file.falseAlarms).to.be.at.most(file.detections - file.windowOutcomes[0].alarms);
    const plural = file.falseAlarms === 1 ? "" : "s";
    expect(lines).to.deep.equal([
      `[1/1] cat/a.csv: 3000 rows, ${file.detections} flagged; 1 of 1 windows found (where each window's first alarm fell: 50%), ${file.falseAlarms} false alarm${plural}`,
    ]);
  });
});
