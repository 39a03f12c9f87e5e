import { expect } from "chai";
import { progressTicker } from "../../cli/progress";

describe("progress lines of long commands", () => {
  /** Ticks rows 1..rows, the clock advancing msPerRow a row; returns the lines written. */
  function run(rows: number, msPerRow: number, everyMs: number): string[] {
    let clock = 0;
    const lines: string[] = [];
    const tick = progressTicker(
      (t) => lines.push(t),
      (n, rate) => `${n} rows (${rate}/s)`,
      everyMs,
      () => clock,
    );
    for (let i = 1; i <= rows; i++) {
      clock += msPerRow;
      tick(i);
    }
    return lines;
  }

  const cases: [what: string, rows: number, msPerRow: number, everyMs: number, expected: string[]][] = [
    ["a short run writes nothing", 5000, 0.01, 10_000, []],
    ["a long run writes once an interval has passed, at a multiple of 1024 rows", 10_000, 1, 4000, ["4096 rows (1000/s)", "8192 rows (1000/s)"]],
    ["a slow run still waits for the interval", 3072, 10, 20_000, ["2048 rows (100/s)"]],
  ];
  for (const [what, rows, msPerRow, everyMs, expected] of cases) {
    it(what, () => {
      expect(run(rows, msPerRow, everyMs)).to.deep.equal(expected.map((l) => `${l}\n`));
    });
  }
});
