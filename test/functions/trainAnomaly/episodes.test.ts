import { expect } from "chai";
import { DetectorResult } from "../../../anomaly";
import { Episode, EpisodeChange, EpisodeTracker, driversOf } from "../../../functions/trainAnomaly/episodes";
import { describeEpisode } from "../../../functions/trainAnomaly/shadowDocument";

const SENSORS = ["TP2", "Oil_temperature", "Motor_current"];
const T0 = Date.UTC(2020, 1, 1, 1, 48, 20);
const at = (i: number) => T0 + i * 10_000;

function result(anomaly: boolean, score = anomaly ? 0.6 : 0.3, high = [0, 0.9, 0.1], expected = [0, 52.5, 0.04]): DetectorResult {
  return {
    ready: true,
    rawScore: 1,
    score,
    anomaly,
    grade: anomaly ? 2 * (score - 0.5) : 0,
    attribution: { high, low: [0, 0, 0] },
    expected,
    imputed: [],
    clipped: [],
  };
}

const OIL = { sensor: "Oil_temperature", direction: "high" as const, value: 58.6, expected: 52.5, share: 0.9 };
const opened: Episode = {
  id: `apu-${T0}`,
  group: "apu",
  status: "ongoing",
  startedAt: T0,
  updatedAt: T0,
  score: 0.6,
  grade: 0.19999999999999996,
  alarms: 1,
  drivers: [OIL],
} as Episode;

describe("anomaly drivers", () => {
  // readings against the expected [0, 52.5, 0.04]
  const cases: [string, number[], number[], number[], string[]][] = [
    ["one sensor with most of the score", [0.1, 58.6, 4], [0, 0.9, 0.1], [0, 0, 0], ["Oil_temperature high"]],
    ["two sensors above the average share, largest first", [0.1, 58.6, 4], [0.35, 0, 0.5], [0, 0.15, 0], ["Motor_current high", "TP2 high"]],
    ["a sensor below what was expected", [0.1, 40, 4], [0, 0, 0], [0.1, 0.8, 0.1], ["Oil_temperature low"]],
    ["a reading below what was expected, though the attribution's side is high", [0.1, 51.7, 4], [0, 0.9, 0.1], [0, 0, 0], ["Oil_temperature low"]],
    ["a reading as expected: the attribution's side", [0.1, 52.5, 4], [0, 0, 0], [0.1, 0.8, 0.1], ["Oil_temperature low"]],
    ["no attribution at all", [0.1, 58.6, 4], [0, 0, 0], [0, 0, 0], []],
  ];
  for (const [what, values, high, low, drivers] of cases) {
    it(`are ${what}`, () => {
      const r = { ...result(true), attribution: { high, low } };
      expect(driversOf(SENSORS, values, r).map((d) => `${d.sensor} ${d.direction}`)).to.deep.equal(drivers);
    });
  }

  it("never include an input the model filled in for a sensor outside its bounds, nor count it in the average", () => {
    const r = { ...result(true), attribution: { high: [0.2, 0.7, 0.1], low: [0, 0, 0] }, imputed: [1] };
    // of 0.3 between the two read inputs, TP2's 0.2 is above their average (0.15), Motor_current's 0.1 below
    expect(driversOf(SENSORS, [0.1, 1e200, 4], r).map((d) => `${d.sensor} ${d.direction} ${d.share.toFixed(3)}`)).to.deep.equal(["TP2 high 0.667"]);
  });
});

describe("anomaly episodes", () => {
  const options = { clearAfter: 3, settleAfter: 5 };
  const one = (changes: readonly EpisodeChange[]) => {
    expect(changes.length).to.equal(1);
    return changes[0];
  };

  it("opens one on an alarm, with the drivers and what was expected of them", () => {
    const t = new EpisodeTracker("apu", SENSORS, options);
    expect(t.observe(at(0), [0, 58.6, 0.04], result(true))).to.deep.equal([{ kind: "opened", episode: opened }]);
  });

  it("updates the same episode on further alarms sharing a driver: peak score, count, newest drivers first", () => {
    const t = new EpisodeTracker("apu", SENSORS, options);
    t.observe(at(0), [0, 58.6, 0.04], result(true));
    const change = one(t.observe(at(1), [0, 59, 6], result(true, 0.7, [0, 0.5, 0.5], [0, 52.6, 0.05])));
    expect(change.kind).to.equal("updated");
    expect(change.episode).to.deep.include({ id: `apu-${T0}`, updatedAt: at(1), score: 0.7, alarms: 2 });
    expect(change.episode.drivers.map((d) => [d.sensor, d.value])).to.deep.equal([
      ["Oil_temperature", 59],
      ["Motor_current", 6],
    ]);
  });

  it("opens a second episode for an alarm driven by none of the open one's sensors; each clears on its own", () => {
    const t = new EpisodeTracker("apu", SENSORS, { clearAfter: 3, settleAfter: 100 });
    t.observe(at(0), [0, 58.6, 0.04], result(true)); // oil
    // a TP2 alarm while the oil is still off: another cause, its own start
    const tp2 = t.observe(at(1), [6.5, 58.6, 0.04], result(true, 0.65, [0.9, 0, 0.05], [0.01, 52.5, 0.04]));
    expect(tp2.map((c) => [c.kind, c.episode.id, c.episode.drivers.map((d) => d.sensor).join()])).to.deep.equal([["opened", `apu-${at(1)}`, "TP2"]]);
    expect(t.getState().open.map((o) => o.episode.id)).to.deep.equal([`apu-${T0}`, `apu-${at(1)}`]);
    // TP2 back at once, the oil stays hot: only the TP2 episode clears
    const later = [2, 3, 4].map((i) => t.observe(at(i), [0.01, 58.6, 0.04], result(false)));
    expect(later.map((cs) => cs.map((c) => [c.kind, c.episode.id]))).to.deep.equal([[], [], [["cleared", `apu-${at(1)}`]]]);
    expect(t.getState().open.map((o) => o.episode.id)).to.deep.equal([`apu-${T0}`]);
  });

  it("keeps at most three episodes open: a fourth cause joins the newest", () => {
    const four = ["TP2", "TP3", "Oil_temperature", "Motor_current"];
    const t = new EpisodeTracker("apu", four, { clearAfter: 3, settleAfter: 100 });
    const alarm = (k: number): DetectorResult => ({
      ...result(true),
      attribution: { high: four.map((_, i) => (i === k ? 1 : 0)), low: [0, 0, 0, 0] },
      expected: [0, 8, 52, 0],
    });
    const kinds = [0, 1, 2, 3].map((k) =>
      t
        .observe(at(k), [9, 6, 70, 9], alarm(k))
        .map((c) => c.kind)
        .join(),
    );
    expect(kinds).to.deep.equal(["opened", "opened", "opened", "updated"]);
    expect(t.getState().open.map((o) => o.episode.drivers.map((d) => d.sensor).join())).to.deep.equal(["TP2", "TP3", "Motor_current,Oil_temperature"]);
  });

  it("clears it once every driver has been back near its expected value for clearAfter readings", () => {
    const t = new EpisodeTracker("apu", SENSORS, { clearAfter: 3, settleAfter: 100 });
    t.observe(at(0), [0, 58.6, 0.04], result(true));
    const oil = [57, 53, 55.6, 52.9, 53.1, 52.8];
    const changes = oil.map((v, i) => t.observe(at(i + 1), [0, v, 0.04], result(false)));
    // back means within half of 58.6 - 52.5 of 52.5: 53 yes, 55.6 no (restarts the count), then three in a row
    expect(changes.map((c) => c.map((x) => x.kind).join())).to.deep.equal(["", "", "", "", "", "cleared"]);
    expect(changes[5][0].episode).to.deep.include({ status: "cleared", clearedAt: at(6), updatedAt: at(6), clearedBy: "normal" });
    expect(t.getState()).to.deep.equal({ open: [] });
  });

  it("neither counts nor restarts the run back to normal while a driver's sensor is outside its bounds", () => {
    const t = new EpisodeTracker("apu", SENSORS, { clearAfter: 3, settleAfter: 100 });
    t.observe(at(0), [0, 58.6, 0.04], result(true));
    const filled = { ...result(false), imputed: [1] };
    const steps: [number, typeof filled][] = [
      [52.6, result(false) as typeof filled],
      [1e200, filled],
      [1e200, filled],
      [52.7, result(false) as typeof filled],
      [52.5, result(false) as typeof filled],
    ];
    const kinds = steps.map(([oil, r], i) =>
      t
        .observe(at(i + 1), [0, oil, 0.04], r)
        .map((x) => x.kind)
        .join(),
    );
    expect(kinds).to.deep.equal(["", "", "", "", "cleared"]);
  });

  it("does not settle while a driver's sensor is outside its bounds: nothing was measured to take as normal", () => {
    const t = new EpisodeTracker("apu", SENSORS, { clearAfter: 100, settleAfter: 3 });
    t.observe(at(0), [0, 58.6, 0.04], result(true));
    const filled = { ...result(false), imputed: [1] };
    const during = [1, 2, 3, 4, 5].map((i) => t.observe(at(i), [0, 1e200, 0.04], filled).length);
    const after = [6, 7, 8].map((i) =>
      t
        .observe(at(i), [0, 58, 0.04], result(false))
        .map((c) => `${c.kind} ${c.episode.clearedBy}`)
        .join(),
    );
    expect([during, after]).to.deep.equal([
      [0, 0, 0, 0, 0],
      ["", "", "cleared settled"],
    ]);
  });

  it("closes it as settled when readings stay away without new alarms: the model took them as normal", () => {
    const t = new EpisodeTracker("apu", SENSORS, options);
    t.observe(at(0), [0, 58.6, 0.04], result(true));
    const changes = [1, 2, 3, 4, 5].map((i) => t.observe(at(i), [0, 58, 0.04], result(false)));
    expect(changes.map((c) => c.map((x) => x.kind).join())).to.deep.equal(["", "", "", "", "cleared"]);
    expect(changes[4][0].episode.clearedBy).to.equal("settled");
  });

  it("ignores readings scored during warm-up", () => {
    const t = new EpisodeTracker("apu", SENSORS, options);
    expect(t.observe(at(0), [0, 99, 0], { ...result(true), ready: false })).to.deep.equal([]);
    expect(t.getState().open).to.deep.equal([]);
  });

  it("continues exactly from its saved state, and from a checkpoint of the one-episode tracker", () => {
    const a = new EpisodeTracker("apu", SENSORS, options);
    a.observe(at(0), [0, 58.6, 0.04], result(true));
    a.observe(at(1), [0, 53, 0.04], result(false));
    const b = new EpisodeTracker("apu", SENSORS, options, JSON.parse(JSON.stringify(a.getState())));
    const legacy = { open: a.getState().open[0].episode, normalRun: a.getState().open[0].normalRun, quietRun: a.getState().open[0].quietRun };
    const c = new EpisodeTracker("apu", SENSORS, options, JSON.parse(JSON.stringify(legacy)));
    for (const i of [2, 3]) {
      const expected = a.observe(at(i), [0, 53, 0.04], result(false));
      expect(b.observe(at(i), [0, 53, 0.04], result(false))).to.deep.equal(expected);
      expect(c.observe(at(i), [0, 53, 0.04], result(false))).to.deep.equal(expected);
    }
  });

  it("puts a new alarm's drivers first, so a different cause in an open episode is not crowded out", () => {
    const four = ["TP2", "TP3", "Oil_temperature", "Motor_current"];
    const t = new EpisodeTracker("apu", four, options);
    const alarm = (high: number[], expected: number[]): DetectorResult => ({ ...result(true), attribution: { high, low: [0, 0, 0, 0] }, expected });
    // a pressure alarm with three drivers
    t.observe(at(0), [6.5, 9.5, 52.5, 5.5], alarm([0.3, 0.3, 0, 0.3], [0.01, 8.5, 52.5, 0.04]));
    // while it is open, an alarm driven by the oil and TP2: it shares TP2, so it updates the episode
    const change = one(t.observe(at(1), [0, 8.4, 71, 0.04], alarm([0.4, 0, 0.6, 0], [0.02, 8.4, 52.5, 0.04])));
    expect(change.kind).to.equal("updated");
    expect(change.episode.drivers.map((d) => d.sensor)).to.deep.equal(["Oil_temperature", "TP2", "TP3"]);
    expect(describeEpisode(change.episode)).to.contain("Oil_temperature is high, 71 °C where about 52.5 °C was expected");
  });
});

describe("anomaly sentences", () => {
  const cleared: Episode = { ...opened, status: "cleared", updatedAt: at(30), clearedAt: at(30), clearedBy: "normal" };
  const cases: [string, Episode, string][] = [
    ["an ongoing anomaly", opened, "Unusual apu readings since 2020-02-01 01:48:20 UTC: Oil_temperature is high, 58.6 °C where about 52.5 °C was expected."],
    [
      "a cleared one",
      cleared,
      "Unusual apu readings from 2020-02-01 01:48:20 UTC to 2020-02-01 01:53:20 UTC are over (Oil_temperature was high, 58.6 °C where about 52.5 °C was expected).",
    ],
    [
      "a settled one",
      { ...cleared, clearedBy: "settled" },
      "Unusual apu readings since 2020-02-01 01:48:20 UTC are no longer flagged from 2020-02-01 01:53:20 UTC: they went on until the model took them as normal, not because they ended (Oil_temperature was high, 58.6 °C where about 52.5 °C was expected). Check whether the change is expected.",
    ],
    [
      "two drivers, one low and unitless",
      { ...opened, drivers: [OIL, { sensor: "COMP", direction: "low", value: 0, expected: 1, share: 0.1 }] },
      "Unusual apu readings since 2020-02-01 01:48:20 UTC: Oil_temperature is high, 58.6 °C where about 52.5 °C was expected; COMP is low, 0 where about 1 was expected.",
    ],
    ["no driver", { ...opened, drivers: [] }, "Unusual apu readings since 2020-02-01 01:48:20 UTC (no single sensor stands out)."],
    [
      "a driver whose reading and expected value agree to three digits: as many more as tell them apart",
      { ...opened, drivers: [{ ...OIL, value: 51.72, expected: 51.68 }] },
      "Unusual apu readings since 2020-02-01 01:48:20 UTC: Oil_temperature is high, 51.72 °C where about 51.68 °C was expected.",
    ],
    [
      "a driver at its expected value to six digits: unusual, neither high nor low",
      { ...cleared, drivers: [{ ...OIL, value: 51.7000001, expected: 51.7 }] },
      "Unusual apu readings from 2020-02-01 01:48:20 UTC to 2020-02-01 01:53:20 UTC are over (Oil_temperature was unusual at 51.7 °C).",
    ],
  ];
  for (const [what, episode, sentence] of cases) {
    it(`describe ${what} in plain words`, () => {
      expect(describeEpisode(episode)).to.equal(sentence);
    });
  }
});
