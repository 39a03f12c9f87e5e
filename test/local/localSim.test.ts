import { expect } from "chai";
import { applyFault, faultAt } from "../../local/sim/faults";
import { planFleet, trainTimelineStart } from "../../local/sim/fleetPlan";
import { householdKwh, planMeters } from "../../local/sim/meterFleet";
import { replaySource } from "../../local/sim/trainSource";
import { percentile, RunMetrics } from "../../local/start/runMetrics";

describe("local stack: the fleet plan", () => {
  it("is the same for the same seed and differs for another", () => {
    expect(planFleet({ trains: 5, seed: 1, liveReadings: 1200 })).to.deep.equal(planFleet({ trains: 5, seed: 1, liveReadings: 1200 }));
    expect(planFleet({ trains: 5, seed: 2, liveReadings: 1200 }).faults).to.not.deep.equal(planFleet({ trains: 5, seed: 1, liveReadings: 1200 }).faults);
  });

  it("gives every train one fault in the middle half of the run, kinds alternating", () => {
    const plan = planFleet({ trains: 5, seed: 1, liveReadings: 1200 });
    expect(plan.trainIds).to.deep.equal(["train-0001", "train-0002", "train-0003", "train-0004", "train-0005"]);
    expect(plan.faults.map((f) => f.trainId)).to.deep.equal(plan.trainIds);
    expect(plan.faults.map((f) => f.kind)).to.deep.equal(["oil-overheat", "air-leak", "oil-overheat", "air-leak", "oil-overheat"]);
    for (const f of plan.faults) {
      expect(f.start).to.be.within(300, 900 - 60);
      expect(f.length).to.equal(60);
    }
  });

  it("takes one train in four offline from just before its fault until well after it", () => {
    const plan = planFleet({ trains: 5, seed: 1, liveReadings: 1200 });
    const f = plan.faults[1];
    expect(plan.offline).to.deep.equal([{ trainId: "train-0002", from: f.start - 10, to: f.start + f.length + 40 }]);
    expect(planFleet({ trains: 1, seed: 1, liveReadings: 1200 }).offline).to.deep.equal([]);
    expect(planFleet({ trains: 8, seed: 1, liveReadings: 1200 }).offline.map((o) => o.trainId)).to.deep.equal(["train-0002", "train-0006"]);
  });
});

describe("local stack: the trains' timeline", () => {
  const day = Date.UTC(2026, 11, 3);
  const span = 1200 * 10_000;
  const cases: [string, number, number][] = [
    ["starts at the run's midnight when the whole timeline is past by then", day + span, day],
    ["starts at the midnight before when the timeline would pass the wall clock", day + span - 1, day - 86_400_000],
    ["starts at the midnight before for a run just after midnight", day + 60_000, day - 86_400_000],
  ];
  for (const [what, now, expected] of cases) {
    it(what, () => expect(trainTimelineStart(day, now, span)).to.equal(expected));
  }
});

describe("local stack: injected faults", () => {
  const normal = { TP3: 9, H1: 9, Reservoirs: 9, Motor_current: 0.04, Oil_temperature: 52, COMP: 1 };
  const cases: [string, "air-leak" | "oil-overheat", number, Record<string, number>][] = [
    ["an air leak at full strength", "air-leak", 0.5, { TP3: 7.2, H1: 7.2, Reservoirs: 7.2, Motor_current: 3.54, Oil_temperature: 52, COMP: 1 }],
    ["an air leak as it starts (ramping in)", "air-leak", 0, { TP3: 8.55, H1: 8.55, Reservoirs: 8.55, Motor_current: 0.915, Oil_temperature: 52, COMP: 1 }],
    ["oil overheating", "oil-overheat", 0.9, { ...normal, Oil_temperature: 70 }],
    // while the compressor loads H1 reads about 0 bar: a leak cannot take it (or a low pressure) below the atmosphere
    ["an air leak while loading", "air-leak", 0.5, { TP3: 1, H1: 0, Reservoirs: -0.02, Motor_current: 3.54, Oil_temperature: 52, COMP: 0 }],
  ];
  const loading = { TP3: 2.8, H1: 0.5, Reservoirs: -0.02, Motor_current: 0.04, Oil_temperature: 52, COMP: 0 };
  for (const [name, kind, progress, expected] of cases) {
    const input = name.endsWith("while loading") ? loading : normal;
    it(`shifts the sensors of ${name}`, () => expect(applyFault(input, kind, progress)).to.deep.equal(expected));
  }
  it("finds the fault span of a reading index", () => {
    const spans = [{ trainId: "t", kind: "air-leak" as const, start: 10, length: 5 }];
    expect([9, 10, 14, 15].map((i) => faultAt(spans, i)?.start ?? null)).to.deep.equal([null, 10, 10, null]);
  });
});

describe("local stack: the MetroPT-3 replay", () => {
  const rows = Array.from({ length: 200 }, (_, i) => ({
    TP2: i % 50 < 5 ? 9 : 0,
    TP3: 8 + (i % 50) / 25,
    H1: 8,
    DV_pressure: 0,
    Reservoirs: 8 + (i % 50) / 25,
    Oil_temperature: 50 + (i % 50) / 10,
    Motor_current: i % 50 < 5 ? 6 : 0.04,
    COMP: 1,
  }));

  it("plays the rows in order with a little noise, and goes on past the end without a jump", () => {
    const source = replaySource(rows, 3);
    const out = Array.from({ length: 600 }, () => source.next());
    let biggestStep = 0;
    for (let i = 1; i < out.length; i++) biggestStep = Math.max(biggestStep, Math.abs(out[i].Oil_temperature - out[i - 1].Oil_temperature));
    // the sample itself steps 4.9 °C once per cycle (its sawtooth); the extension must not add a bigger one
    expect(biggestStep).to.be.below(5.2);
    expect(out.every((r) => r.COMP === 1)).to.equal(true);
  });

  it("refuses a sample too short to replay", () => {
    expect(() => replaySource(rows.slice(0, 10), 1)).to.throw("the MetroPT-3 sample needs at least 100 rows to replay, got 10");
  });
});

describe("local stack: meters", () => {
  it("plans an unusual half-hour for one meter in ten", () => {
    const plan = planMeters(20, 1);
    expect(plan.clientIds[0]).to.equal("NMI6100000001");
    expect(Object.keys(plan.unusual)).to.deep.equal(["NMI6100000003", "NMI6100000013"]);
  });
  it("uses more in the evening than at night, and 2.5 kWh in the unusual half-hour", () => {
    expect(householdKwh(0, 38, 1)).to.be.greaterThan(householdKwh(0, 4, 1) + 0.5);
    expect(householdKwh(0, 4, 1, 4)).to.equal(2.5);
  });
});

describe("local stack: run metrics", () => {
  const span = { trainId: "train-1", kind: "air-leak" as const, start: 100, length: 60 };
  const T0 = Date.UTC(2026, 10, 22);

  it("matches an alert to the fault it overlaps, measures onset to notice, and counts the others as false", () => {
    const m = new RunMetrics(10_000, 300_000);
    m.faultStarted(span, T0, 5_000, false);
    m.episode({ trainId: "train-1", episodeId: "apu-early", kind: "opened", alarmTimes: [], startedAt: T0 - 3_600_000 });
    m.episode({ trainId: "train-1", episodeId: "apu-hit", kind: "opened", alarmTimes: [], startedAt: T0 + 30_000 });
    m.notice("train-1", "apu-hit", 5_900);
    m.notice("train-1", "apu-hit", 7_000);
    expect(m.summary()).to.deep.include({ anomaliesInjected: 1, anomaliesDetected: 1, falseAlarms: 1, shadowDeliveries: 1 });
    expect(m.summary().detectionLatencyMs).to.deep.equal({ p50: 900, p99: 900, count: 1 });
  });

  it("counts a fault as detected by an episode already open whose alarms fall in it", () => {
    const m = new RunMetrics(10_000, 300_000);
    m.faultStarted(span, T0, 0, true);
    const open = `apu-${T0 - 600_000}`;
    m.episode({ trainId: "train-1", episodeId: open, kind: "updated", alarmTimes: [T0 + 20_000] });
    expect(m.summary().faults).to.deep.equal([
      {
        trainId: "train-1",
        kind: "air-leak",
        startedAt: "2026-11-22T00:00:00.000Z",
        offline: true,
        episodeId: open,
        latencyMs: null,
        delivery: "not written",
        inShadowMs: null,
        openBeforeMs: 600_000,
      },
    ]);
  });

  it("leaves offline trains out of the latency percentiles", () => {
    const m = new RunMetrics(10_000, 300_000);
    m.faultStarted(span, T0, 0, true);
    m.episode({ trainId: "train-1", episodeId: "e", kind: "opened", alarmTimes: [], startedAt: T0 });
    m.notice("train-1", "e", 20_000);
    expect(m.summary()).to.deep.include({ shadowDeliveries: 1 });
    expect(m.summary().detectionLatencyMs).to.deep.equal({ p50: null, p99: null, count: 0 });
  });

  it("takes nearest-rank percentiles", () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(v, 50), percentile(v, 99), percentile([7], 99), percentile([], 50)]).to.deep.equal([50, 99, 7, null]);
  });
});
