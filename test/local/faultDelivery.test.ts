import { expect } from "chai";
import { anomalyLines } from "../../local/start/anomalyLines";
import { episodesWritten, FaultOutcome, RunMetrics } from "../../local/start/runMetrics";

const T0 = Date.UTC(2026, 11, 3, 0, 55);
const SPAN = { trainId: "train-0001", kind: "oil-overheat" as const, start: 330, length: 60 };
const EPISODE = `apu-${T0}`;

describe("local stack: how far each fault's alert got", () => {
  // onset at wall 10 000; the run is judged at wall 30 000
  const cases: [string, (m: RunMetrics) => void, Pick<FaultOutcome, "delivery" | "latencyMs" | "inShadowMs">][] = [
    ["never detected", () => undefined, { delivery: "missed", latencyMs: null, inShadowMs: null }],
    [
      "detected, written to the shadow and read by the train",
      (m) => {
        m.shadowWritten("train-0001", [EPISODE], 15_000);
        m.notice("train-0001", EPISODE, 15_300);
      },
      { delivery: "delivered", latencyMs: 5_300, inShadowMs: null },
    ],
    [
      "detected and in the shadow when the run ended, the train not yet told",
      (m) => m.shadowWritten("train-0001", [EPISODE], 26_000),
      { delivery: "in flight", latencyMs: null, inShadowMs: 4_000 },
    ],
    [
      "in flight since its first write after the onset, whatever came later",
      (m) => {
        m.shadowWritten("train-0001", ["apu-other", EPISODE], 22_000);
        m.shadowWritten("train-0001", [EPISODE], 27_000);
      },
      { delivery: "in flight", latencyMs: null, inShadowMs: 8_000 },
    ],
    ["detected but never written to the shadow", () => undefined, { delivery: "not written", latencyMs: null, inShadowMs: null }],
    [
      "written to another train's shadow only",
      (m) => m.shadowWritten("train-0002", [EPISODE], 12_000),
      { delivery: "not written", latencyMs: null, inShadowMs: null },
    ],
    [
      "whose episode was written and told only before the fault began",
      (m) => {
        m.shadowWritten("train-0001", [EPISODE], 4_000);
        m.notice("train-0001", EPISODE, 4_100);
      },
      { delivery: "not written", latencyMs: null, inShadowMs: null },
    ],
  ];
  for (const [what, act, expected] of cases) {
    it(`says ${expected.delivery} for a fault ${what}`, () => {
      const m = new RunMetrics(10_000, 300_000);
      m.faultStarted(SPAN, T0, 10_000, true);
      if (what !== "never detected") m.episode({ trainId: "train-0001", episodeId: EPISODE, kind: "opened", alarmTimes: [], startedAt: T0 });
      act(m);
      const { delivery, latencyMs, inShadowMs } = m.summary(30_000).faults[0];
      expect({ delivery, latencyMs, inShadowMs }).to.deep.equal(expected);
    });
  }

  const ages: [string, number, number | null][] = [
    ["opened with the fault", T0, null],
    ["opened by the fault's first alarm, after its onset", T0 + 20_000, null],
    ["already open 2 h 12 min before the fault", T0 - (2 * 60 + 12) * 60_000, (2 * 60 + 12) * 60_000],
  ];
  for (const [what, startedAt, openBeforeMs] of ages) {
    it(`says how long before the fault its episode opened: ${what}`, () => {
      const m = new RunMetrics(10_000, 300_000);
      m.faultStarted(SPAN, T0, 10_000, false);
      const episodeId = `apu-${startedAt}`;
      // an episode opened before the run is only ever updated in it, by the fault's alarms
      const kind = startedAt < T0 ? "updated" : "opened";
      m.episode({ trainId: "train-0001", episodeId, kind, alarmTimes: [T0 + 20_000], startedAt });
      expect(m.summary(30_000).faults[0]).to.deep.include({ episodeId, openBeforeMs });
    });
  }

  it("counts a fault in flight apart from the delivered ones", () => {
    const m = new RunMetrics(10_000, 300_000);
    m.faultStarted(SPAN, T0, 10_000, true);
    m.episode({ trainId: "train-0001", episodeId: EPISODE, kind: "opened", alarmTimes: [], startedAt: T0 });
    m.shadowWritten("train-0001", [EPISODE], 26_000);
    expect(m.summary(30_000)).to.deep.include({ anomaliesDetected: 1, shadowDeliveries: 0, inFlight: 1 });
  });
});

describe("local stack: the episodes an anomaly shadow update wrote", () => {
  const cases: [string, unknown, string[]][] = [
    ["new and changed entries", { state: { desired: { anomalies: { "apu-1": { status: "ongoing" }, "apu-2": { status: "cleared" } } } } }, ["apu-1", "apu-2"]],
    ["deletions left out", { state: { desired: { anomalies: { "apu-1": null, "apu-2": { status: "cleared" } } } } }, ["apu-2"]],
    ["an update of the reported state only", { state: { reported: { anomalies: { "apu-1": { status: "ongoing" } } } } }, []],
    ["a whole desired section deleted", { state: { desired: null } }, []],
    ["no body", null, []],
  ];
  for (const [what, body, ids] of cases) {
    it(`reads ${what}`, () => expect(episodesWritten(body)).to.deep.equal(ids));
  }
});

describe("local stack: the report's anomaly lines", () => {
  const fault = (over: Partial<FaultOutcome>): FaultOutcome => ({
    trainId: "train-0001",
    kind: "oil-overheat",
    startedAt: "2026-12-03T00:55:00.000Z",
    offline: false,
    episodeId: EPISODE,
    latencyMs: null,
    delivery: "missed",
    inShadowMs: null,
    openBeforeMs: null,
    ...over,
  });
  const totals = { anomaliesInjected: 4, anomaliesDetected: 3, falseAlarms: 2, detectionLatencyMs: { p50: 506, p99: 806 } };

  it("names each fault's outcome and counts the undelivered ones by why", () => {
    const lines = anomalyLines({
      ...totals,
      shadowDeliveries: 1,
      inFlight: 1,
      faults: [
        fault({ delivery: "delivered", latencyMs: 506 }),
        fault({ trainId: "train-0002", kind: "air-leak", offline: true, delivery: "in flight", inShadowMs: 4200 }),
        fault({ trainId: "train-0003", delivery: "not written" }),
        fault({ trainId: "train-0004", episodeId: null }),
        fault({ trainId: "train-0005", delivery: "delivered", latencyMs: 304, openBeforeMs: 7_920_000 }),
      ],
    });
    expect(lines).to.deep.equal([
      "anomalies: 3 of 4 injected faults detected (1 in an episode already open), 2 false alarm(s), 1 delivered to their train, 1 still in flight at the end (in the train's shadow, not yet read by it), 1 never written to the train's shadow; latency p50 506 ms, p99 806 ms (online trains)",
      `  train-0001 oil-overheat detected (${EPISODE}), train told after 506 ms`,
      `  train-0002 air-leak     detected (${EPISODE}), in flight at the end: in the train's shadow for 4200 ms, not yet read by the train (train was offline)`,
      `  train-0003 oil-overheat detected (${EPISODE}), never written to the train's shadow`,
      "  train-0004 oil-overheat MISSED",
      `  train-0005 oil-overheat detected (${EPISODE}, open 2 h 12 min before the fault), train told after 304 ms`,
    ]);
  });

  it("says no alert reached an online train when there is no latency to show", () => {
    const [line] = anomalyLines({
      ...totals,
      anomaliesDetected: 0,
      shadowDeliveries: 0,
      inFlight: 0,
      faults: [],
      detectionLatencyMs: { p50: null, p99: null },
    });
    expect(line).to.equal(
      "anomalies: 0 of 4 injected faults detected, 2 false alarm(s), 0 delivered to their train; latency: no alert reached an online train",
    );
  });

  it("keeps the line as it was when every detected fault was delivered", () => {
    const [line] = anomalyLines({ ...totals, anomaliesDetected: 4, shadowDeliveries: 4, inFlight: 0, faults: [] });
    expect(line).to.equal(
      "anomalies: 4 of 4 injected faults detected, 2 false alarm(s), 4 delivered to their train; latency p50 506 ms, p99 806 ms (online trains)",
    );
  });
});
