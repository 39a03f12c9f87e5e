import { expect } from "chai";
import { Episode } from "../../../functions/trainAnomaly/episodes";
import { AnomalyEntries, ShadowEntry, applyAnomalyPatch, planAnomalyPatch, shadowEntry } from "../../../functions/trainAnomaly/shadowDocument";
import { evictedBy } from "../../../functions/trainAnomaly/shadowPublisher";

const T0 = Date.UTC(2020, 1, 1, 1, 48, 20);

function entry(status: "ongoing" | "cleared", minute: number, message = "m"): ShadowEntry {
  const t = new Date(T0 + minute * 60_000).toISOString();
  return { group: "apu", status, startedAt: t, updatedAt: t, score: 0.6, grade: 0.2, alarms: 1, sensors: [], message };
}

describe("the anomaly shadow entry", () => {
  it("carries times as ISO strings, rounded numbers, units and the sentence; no nulls", () => {
    const e: Episode = {
      id: `apu-${T0}`,
      group: "apu",
      status: "cleared",
      startedAt: T0,
      updatedAt: T0 + 60_000,
      clearedAt: T0 + 60_000,
      clearedBy: "normal",
      score: 0.559156602,
      grade: 0.118313204,
      alarms: 2,
      drivers: [{ sensor: "Oil_temperature", direction: "high", value: 58.625000000000014, expected: 52.53610447903016, share: 0.97 }],
    };
    expect(shadowEntry(e)).to.deep.equal({
      group: "apu",
      status: "cleared",
      startedAt: "2020-02-01T01:48:20.000Z",
      updatedAt: "2020-02-01T01:49:20.000Z",
      clearedAt: "2020-02-01T01:49:20.000Z",
      clearedBy: "normal",
      score: 0.559,
      grade: 0.118,
      alarms: 2,
      sensors: [{ name: "Oil_temperature", direction: "high", value: 58.63, expected: 52.54, unit: "°C" }],
      message:
        "Unusual apu readings from 2020-02-01 01:48:20 UTC to 2020-02-01 01:49:20 UTC are over (Oil_temperature was high, 58.6 °C where about 52.5 °C was expected).",
    });
  });
});

describe("a driver's numbers in the entry", () => {
  // [reading, expected] -> the sensor's value and expected, and the sentence's part
  const cases: [number, number, number, number, string][] = [
    [58.625000000000014, 52.53610447903016, 58.63, 52.54, "high, 58.6 °C where about 52.5 °C"],
    [51.72049, 51.68311, 51.72, 51.68, "high, 51.72 °C where about 51.68 °C"],
    [51.720149, 51.719512, 51.7201, 51.7195, "high, 51.7201 °C where about 51.7195 °C"],
    [51.7201049, 51.7200951, 51.7201, 51.7201, "unusual at 51.7201 °C"],
  ];
  for (const [value, expected, shownValue, shownExpected, words] of cases) {
    it(`${value} against ${expected}: ${shownValue} / ${shownExpected}, "${words}"`, () => {
      const e: Episode = {
        id: `apu-${T0}`,
        group: "apu",
        status: "ongoing",
        startedAt: T0,
        updatedAt: T0,
        score: 0.5,
        grade: 0.1,
        alarms: 1,
        drivers: [{ sensor: "Oil_temperature", direction: "high", value, expected, share: 1 }],
      };
      const entry = shadowEntry(e);
      expect([entry.sensors[0].value, entry.sensors[0].expected]).to.deep.equal([shownValue, shownExpected]);
      expect(entry.message).to.contain(`Oil_temperature is ${words}`);
    });
  }
});

describe("planning a shadow update", () => {
  const a = entry("ongoing", 0);

  it("adds a new anomaly", () => {
    expect(planAnomalyPatch({}, { a }, 10)).to.deep.equal({ a });
  });

  it("writes nothing when the shadow already has the same entry (a replay)", () => {
    expect(planAnomalyPatch({ a }, { a: { ...a } }, 10)).to.equal(undefined);
  });

  it("never takes an entry back to an older reading (a bisected retry after a later update)", () => {
    const later = { ...a, status: "cleared" as const, updatedAt: new Date(T0 + 120_000).toISOString() };
    expect(planAnomalyPatch({ a: later }, { a }, 10)).to.equal(undefined);
    expect(planAnomalyPatch({ a }, { a: later }, 10)).to.deep.equal({ a: later });
  });

  it("drops the oldest cleared entries first to stay within maxEntries", () => {
    const current = { old: entry("cleared", 1), ongoing: entry("ongoing", 2), newer: entry("cleared", 3) };
    expect(planAnomalyPatch(current, { fresh: entry("ongoing", 4) }, 3)).to.deep.equal({ fresh: entry("ongoing", 4), old: null });
  });

  it("drops ongoing entries only when there are more of them than maxEntries", () => {
    const current = { o1: entry("ongoing", 1), o2: entry("ongoing", 2) };
    expect(planAnomalyPatch(current, { o3: entry("ongoing", 3) }, 2)).to.deep.equal({ o3: entry("ongoing", 3), o1: null });
  });

  it("writes nothing when the update is itself the entry to drop", () => {
    const current = { o1: entry("ongoing", 5), o2: entry("ongoing", 6) };
    expect(planAnomalyPatch(current, { c: entry("cleared", 1) }, 2)).to.equal(undefined);
  });

  it("keeps the anomalies within 6 KB of JSON, whatever maxEntries allows", () => {
    const long = "x".repeat(1500);
    const current: AnomalyEntries = { a: entry("cleared", 1, long), b: entry("cleared", 2, long), c: entry("cleared", 3, long) };
    const patch = planAnomalyPatch(current, { d: entry("ongoing", 4, long) }, 20)!;
    expect(patch).to.deep.equal({ d: entry("ongoing", 4, long), a: null });
    expect(Buffer.byteLength(JSON.stringify(applyAnomalyPatch(current, patch)))).to.be.at.most(6 * 1024);
  });

  // [case, current, updates, maxEntries, "id wasInShadow" of each entry left out]
  const left: [string, AnomalyEntries, AnomalyEntries, number, string[]][] = [
    ["room for all: none", { a }, { b: entry("ongoing", 1) }, 10, []],
    ["a replay: none", { a }, { a: { ...a } }, 10, []],
    ["the oldest cleared entry deleted", { old: entry("cleared", 1), o: entry("ongoing", 2) }, { fresh: entry("ongoing", 4) }, 2, ["old true"]],
    [
      "an update to an entry that is then deleted: the updated one",
      { o1: entry("ongoing", 1), o2: entry("ongoing", 2) },
      { o1: entry("cleared", 3) },
      1,
      ["o1 true"],
    ],
    ["a new entry dropped at once: never in the shadow", { o1: entry("ongoing", 5), o2: entry("ongoing", 6) }, { c: entry("cleared", 1) }, 2, ["c false"]],
  ];
  for (const [what, current, updates, maxEntries, expected] of left) {
    it(`names what it leaves out: ${what}`, () => {
      const patch = planAnomalyPatch(current, updates, maxEntries) ?? {};
      const out = evictedBy(current, updates, patch);
      expect(out.map((x) => `${x.id} ${x.wasInShadow}`)).to.deep.equal(expected);
      for (const x of out) expect(x.entry).to.deep.equal(updates[x.id] ?? current[x.id]);
    });
  }

  it("is applied the way the shadow service merges desired state: null deletes", () => {
    expect(applyAnomalyPatch({ a, b: entry("cleared", 1) }, { b: null, c: a })).to.deep.equal({ a, c: a });
  });
});
