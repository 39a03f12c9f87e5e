import { expect } from "chai";
import { Random } from "../../../anomaly/random";
import { Slot } from "../../../functions/dailyAnalysis/halfHourProfile";
import { UNUSUAL_OPTIONS, unusualSlots } from "../../../functions/dailyAnalysis/unusualSlots";

const START = Date.UTC(2026, 10, 7);
const HALF_HOUR = 1_800_000;

/** A household's day `day` after START: low at night, a midday and an evening peak, with noise; `spikes` by half-hour. */
function householdDay(random: Random, day: number, spikes: Record<number, number> = {}): Slot[] {
  const base = (h: number): number => (h >= 14 && h < 18 ? 0.6 : h >= 34 && h < 44 ? 0.9 : 0.2);
  return Array.from({ length: 48 }, (_, h) => ({
    startMs: START + (day * 48 + h) * HALF_HOUR,
    kwh: spikes[h] ?? Number((base(h) + 0.05 * random.nextDouble()).toFixed(3)),
    source: "supplier" as const,
    coveredMinutes: 30,
  }));
}

describe("unusual half-hours", () => {
  const random = new Random(5);
  const history = Array.from({ length: 14 }, (_, d) => householdDay(random, d)).flat();
  const day = householdDay(random, 14, { 6: 2.4, 20: 5 });
  const halfHours = (slots: readonly { startMs: number }[]): number[] => slots.map((s) => (s.startMs - START) / HALF_HOUR - 14 * 48);

  it("lists every unusual half-hour of the day, a second one seven hours after the first included", () => {
    const r = unusualSlots(history, day);
    expect([r.historyPoints, r.ready]).to.deep.equal([672, true]);
    expect(halfHours(r.unusual)).to.deep.equal([6, 20]);
    expect(r.unusual.map((u) => [u.kwh, u.score])).to.deep.equal([
      [2.4, 0.759],
      [5, 0.541],
    ]);
  });

  it("decides by threshold scoring without suppression: the library's onset alarm would list only the first", () => {
    expect([UNUSUAL_OPTIONS.scoring, UNUSUAL_OPTIONS.suppress]).to.deep.equal(["threshold", 0]);
    const { scoring: _scoring, suppress: _suppress, ...libraryAlarm } = UNUSUAL_OPTIONS;
    expect(halfHours(unusualSlots(history, day, libraryAlarm).unusual)).to.deep.equal([6]);
  });
});
