import { expect } from "chai";
import { boundsWarnings, shiftedToNow, simulatorStart, timelineWarnings } from "../../devices/trainAgent/timeline";

const NOW = Date.UTC(2026, 11, 5, 11, 30, 7, 250);
const at = (...times: number[]) => times.map((timestamp) => ({ timestamp, sensors: { TP2: 1 } }));
const LIMITS = { aheadSeconds: 300, ageSeconds: 7 * 86_400 };

describe("when a train agent's readings are dated", () => {
  it("ends the simulator's readings at now, on its 10 s grid", () => {
    expect([simulatorStart(NOW, 1), simulatorStart(NOW, 360)]).to.deep.equal([Date.UTC(2026, 11, 5, 11, 30, 0), Date.UTC(2026, 11, 5, 10, 30, 10)]);
  });

  it("moves a file's readings so the last is now, to the second, keeping their spacing", () => {
    const moved = shiftedToNow(at(Date.UTC(2020, 1, 1), Date.UTC(2020, 1, 1, 0, 0, 10), Date.UTC(2020, 1, 1, 0, 0, 19)), NOW);
    expect(moved.map((r) => r.timestamp)).to.deep.equal([NOW - 250 - 19_000, NOW - 250 - 9_000, NOW - 250]);
    expect(shiftedToNow([], NOW)).to.deep.equal([]);
  });

  const cases: [string, { timestamp: number; sensors: Record<string, number> }[], number, string[]][] = [
    ["a timeline ending now, sent at once", at(NOW - 20_000, NOW - 10_000, NOW), 0, []],
    [
      "a timeline starting now, 10 s apart, sent 100 ms apart: from the 32nd on ahead by over 300 s",
      at(...Array.from({ length: 40 }, (_, i) => NOW + i * 10_000)),
      100,
      [
        "9 of 40 readings (the first dated 2026-12-05T11:35:17.250Z) will be sent more than 300 s before their time: the cloud refuses them as from a clock ahead; date them earlier (--start) or send them slower (--interval-ms)",
      ],
    ],
    ["the same sent 10 s apart, as a train would", at(...Array.from({ length: 40 }, (_, i) => NOW + i * 10_000)), 10_000, []],
    [
      "a file of 2020 sent as it is",
      at(Date.UTC(2020, 1, 1), Date.UTC(2020, 1, 1, 0, 0, 10)),
      0,
      [
        "2 of 2 readings (the first dated 2020-02-01T00:00:00Z) will be more than 604800 s old when sent: the cloud refuses them as too old; date them later (--start, or --csv without --keep-time)",
      ],
    ],
    ["a reading exactly 7 days old", at(NOW - 7 * 86_400_000), 0, []],
  ];
  for (const [what, readings, intervalMs, warnings] of cases) {
    it(`${what}: ${warnings.length === 0 ? "no warning" : "warned"}`, () => {
      expect(timelineWarnings(readings, intervalMs, NOW, LIMITS)).to.deep.equal(warnings);
    });
  }
});

describe("readings a fault takes outside a sensor's bounds", () => {
  const reading = (oil: number, tp2 = 9) => ({ timestamp: 0, sensors: { Oil_temperature: oil, TP2: tp2, COMP: 1 } });
  const cases: [string, ReturnType<typeof reading>[], string[]][] = [
    ["all inside", [reading(53), reading(149.9)], []],
    [
      "oil pushed past 150 °C twice, TP2 below -1 bar once",
      [reading(53), reading(151.5), reading(160, -2)],
      [
        "2 of 3 readings have Oil_temperature outside its bounds -40..150 °C (the first, reading 1, 151.5 °C): the cloud takes Oil_temperature for a broken sensor, not an anomaly: it scores those readings with an estimate in its place and tells the train of the sensor",
        "1 of 3 readings have TP2 outside its bounds -1..20 bar (the first, reading 2, -2 bar): the cloud takes TP2 for a broken sensor, not an anomaly: it scores those readings with an estimate in its place and tells the train of the sensor",
      ],
    ],
  ];
  for (const [what, readings, warnings] of cases) {
    it(`${what}: ${warnings.length} warning(s)`, () => expect(boundsWarnings(readings)).to.deep.equal(warnings));
  }
});
