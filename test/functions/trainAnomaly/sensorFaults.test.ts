import { expect } from "chai";
import { SensorFaultTracker } from "../../../functions/trainAnomaly/sensorFaults";

const SENSORS = ["TP2", "Oil_temperature"];
const T0 = Date.UTC(2020, 1, 1, 1, 0, 0);
const at = (i: number) => T0 + i * 10_000;
const TP2 = { TP2: { min: -1, max: 20 } };
const OIL = { Oil_temperature: { min: -40, max: 150 } };

/** [case, the sensors outside their bounds at each reading, the changes each reading gave ("kind id alarms")]. */
const CASES: [string, Record<string, { min: number; max: number }>[], string[]][] = [
  ["no sensor outside: nothing", [{}, {}, {}], ["", "", ""]],
  ["one reading outside, then back for clearAfter (3)", [TP2, {}, {}, {}], [`opened apu-TP2-${at(0)} 1`, "", "", `cleared apu-TP2-${at(0)} 1`]],
  [
    "outside for a while: told once, its readings counted when it clears",
    [TP2, TP2, TP2, {}, {}, {}],
    [`opened apu-TP2-${at(0)} 1`, "", "", "", "", `cleared apu-TP2-${at(0)} 3`],
  ],
  [
    "back for fewer than clearAfter readings: still the same fault",
    [TP2, {}, {}, TP2, {}, {}, {}],
    [`opened apu-TP2-${at(0)} 1`, "", "", "", "", "", `cleared apu-TP2-${at(0)} 2`],
  ],
  [
    "two sensors: one fault each, each clearing on its own",
    [TP2, { ...TP2, ...OIL }, OIL, OIL, {}, {}, {}],
    [`opened apu-TP2-${at(0)} 1`, `opened apu-Oil_temperature-${at(1)} 1`, "", "", `cleared apu-TP2-${at(0)} 2`, "", `cleared apu-Oil_temperature-${at(1)} 3`],
  ],
  [
    "outside again after it cleared: a new fault",
    [TP2, {}, {}, {}, TP2],
    [`opened apu-TP2-${at(0)} 1`, "", "", `cleared apu-TP2-${at(0)} 1`, `opened apu-TP2-${at(4)} 1`],
  ],
  ["a sensor of no input of the group: not followed", [{ Motor_current: { min: -1, max: 50 } }], [""]],
];

describe("sensor faults", () => {
  for (const [what, steps, expected] of CASES) {
    it(what, () => {
      const t = new SensorFaultTracker("apu", SENSORS, 3);
      const got = steps.map((outside, i) =>
        t
          .observe(at(i), [outside.TP2 ? 99 : 9, outside.Oil_temperature ? -60 : 52], outside)
          .map((c) => `${c.kind} ${c.episode.id} ${c.episode.alarms}`)
          .join("; "),
      );
      expect(got).to.deep.equal(expected);
    });
  }

  it("opens with the first value, the bound it crossed and the bounds; clears at the first reading of the run back", () => {
    const t = new SensorFaultTracker("apu", SENSORS, 2);
    const [opened] = t.observe(at(0), [9, -60], OIL);
    expect(opened.episode).to.deep.equal({
      id: `apu-Oil_temperature-${at(0)}`,
      group: "apu",
      status: "ongoing",
      startedAt: at(0),
      updatedAt: at(0),
      score: 0,
      grade: 0,
      alarms: 1,
      drivers: [{ sensor: "Oil_temperature", direction: "low", value: -60, expected: -40, share: 1 }],
      fault: { min: -40, max: 150 },
    });
    t.observe(at(1), [9, 200], OIL);
    t.observe(at(2), [9, 52], {});
    const [cleared] = t.observe(at(3), [9, 52], {});
    expect(cleared.episode).to.deep.include({ status: "cleared", updatedAt: at(1), clearedAt: at(3), clearedBy: "normal", alarms: 2 });
    expect(cleared.episode.drivers[0].value).to.equal(-60);
  });

  it("goes on exactly from its saved state", () => {
    const live = new SensorFaultTracker("apu", SENSORS, 3);
    live.observe(at(0), [99, 52], TP2);
    live.observe(at(1), [9, 52], {});
    const restored = new SensorFaultTracker("apu", SENSORS, 3, JSON.parse(JSON.stringify(live.getState())));
    for (const t of [live, restored]) t.observe(at(2), [9, 52], {});
    expect(restored.observe(at(3), [9, 52], {})).to.deep.equal(live.observe(at(3), [9, 52], {}));
    expect(restored.getState()).to.deep.equal({ open: [] });
  });
});
