import { expect } from "chai";
import type { LiveEvent } from "../../local/web/liveEvents";
import { LiveState, READINGS_PER_METER, READINGS_PER_TRAIN } from "../../local/web/liveState";

const T0 = Date.UTC(2026, 2, 14, 9, 0, 0);
const hello: LiveEvent = {
  type: "hello",
  startedAt: T0,
  durationS: 60,
  trains: ["train-0001", "train-0002"],
  meters: ["MTR0001"],
  sensors: ["Reservoirs", "Motor_current"],
};

function stateAfter(events: LiveEvent[], limits = {}): LiveState {
  const state = new LiveState(limits);
  for (const e of events) state.apply(e);
  return state;
}

describe("local web view: LiveState", () => {
  it("keeps a whole scripted run in the snapshot: readings, alert with its delivery, online change, fault, meters, merged stats, report", () => {
    const state = stateAfter([
      hello,
      { type: "train", trainId: "train-0001", online: true, t: T0 },
      {
        type: "readings",
        items: [
          { trainId: "train-0001", t: T0, values: { Reservoirs: 9.1, Motor_current: 0.04 }, score: null },
          { trainId: "train-0002", t: T0, values: { Reservoirs: 8.7, Motor_current: 5.5 }, score: null },
        ],
      },
      { type: "readings", items: [{ trainId: "train-0001", t: T0 + 1000, values: { Reservoirs: 9.0, Motor_current: 0.05 }, score: 0.2 }] },
      { type: "fault", trainId: "train-0001", kind: "air leak", startedAt: T0 + 1000, endsAt: T0 + 30_000 },
      { type: "alert", trainId: "train-0001", episodeId: "ep-1", state: "open", t: T0 + 5000, message: "grade 0.8", sensors: ["Reservoirs"] },
      { type: "delivered", trainId: "train-0001", episodeId: "ep-1", latencyMs: 120, offlineDelivery: false },
      {
        type: "alert",
        trainId: "train-0001",
        episodeId: "ep-1",
        state: "cleared",
        t: T0 + 40_000,
        message: "grade 0.8, cleared",
        sensors: ["Reservoirs", "Motor_current"],
      },
      { type: "train", trainId: "train-0001", online: false, t: T0 + 41_000 },
      {
        type: "meter",
        items: [
          { clientId: "MTR0001", t: T0, kwh: 0.25 },
          { clientId: "MTR0002", t: T0, kwh: 0.5 },
        ],
      },
      { type: "stats", values: { readingsPublished: 3, anomaliesDetected: 0 } },
      { type: "stats", values: { anomaliesDetected: 1 } },
      { type: "end", report: { ok: true } },
    ]);

    expect(state.snapshot()).to.deep.equal({
      type: "snapshot",
      hello,
      trains: [
        {
          trainId: "train-0001",
          online: false,
          onlineChangedAt: T0 + 41_000,
          readings: [
            { t: T0, values: { Reservoirs: 9.1, Motor_current: 0.04 }, score: null },
            { t: T0 + 1000, values: { Reservoirs: 9.0, Motor_current: 0.05 }, score: 0.2 },
          ],
          alerts: [
            {
              episodeId: "ep-1",
              state: "cleared",
              openedAt: T0 + 5000,
              lastAt: T0 + 40_000,
              clearedAt: T0 + 40_000,
              message: "grade 0.8, cleared",
              sensors: ["Reservoirs", "Motor_current"],
              delivery: { latencyMs: 120, offlineDelivery: false },
            },
          ],
          faults: [{ kind: "air leak", startedAt: T0 + 1000, endsAt: T0 + 30_000 }],
        },
        {
          trainId: "train-0002",
          online: null,
          onlineChangedAt: null,
          readings: [{ t: T0, values: { Reservoirs: 8.7, Motor_current: 5.5 }, score: null }],
          alerts: [],
          faults: [],
        },
      ],
      meters: [
        { clientId: "MTR0001", readings: [{ t: T0, kwh: 0.25 }], totalKwh: 0.25, count: 1 },
        { clientId: "MTR0002", readings: [{ t: T0, kwh: 0.5 }], totalKwh: 0.5, count: 1 },
      ],
      stats: { readingsPublished: 3, anomaliesDetected: 1 },
      finished: true,
      report: { ok: true },
    });
  });

  it("attaches a delivery confirmed before its alert arrived", () => {
    const state = stateAfter([
      { type: "delivered", trainId: "train-0003", episodeId: "ep-9", latencyMs: null, offlineDelivery: true },
      { type: "alert", trainId: "train-0003", episodeId: "ep-9", state: "open", t: T0, message: "m", sensors: [] },
    ]);

    expect(state.snapshot().trains[0].alerts[0].delivery).to.deep.equal({ latencyMs: null, offlineDelivery: true });
  });

  it(`keeps the last ${READINGS_PER_TRAIN} readings per train and the last ${READINGS_PER_METER} per meter, totals over all`, () => {
    const state = new LiveState();
    for (let i = 0; i < READINGS_PER_TRAIN + 50; i++) {
      state.apply({ type: "readings", items: [{ trainId: "train-0001", t: T0 + i, values: {}, score: null }] });
    }
    for (let i = 0; i < READINGS_PER_METER + 30; i++) state.apply({ type: "meter", items: [{ clientId: "MTR0001", t: T0 + i, kwh: 0.5 }] });

    const snapshot = state.snapshot();
    expect(snapshot.trains[0].readings.map((r) => r.t)).to.deep.equal(Array.from({ length: READINGS_PER_TRAIN }, (_, i) => T0 + 50 + i));
    expect(snapshot.meters[0].readings.map((r) => r.t)).to.deep.equal(Array.from({ length: READINGS_PER_METER }, (_, i) => T0 + 30 + i));
    expect([snapshot.meters[0].totalKwh, snapshot.meters[0].count]).to.deep.equal([(READINGS_PER_METER + 30) * 0.5, READINGS_PER_METER + 30]);
  });

  it("returns a copy that later events do not change", () => {
    const state = stateAfter([hello]);
    const before = state.snapshot();
    state.apply({ type: "readings", items: [{ trainId: "train-0001", t: T0, values: {}, score: 0.1 }] });

    expect(before.trains[0].readings).to.deep.equal([]);
  });

  it("starts a new run on a later hello without forgetting the trains it already knows", () => {
    const state = stateAfter([hello, { type: "end", report: 1 }, { ...hello, trains: ["train-0009"], meters: [] }]);

    const snapshot = state.snapshot();
    expect([snapshot.finished, snapshot.trains.map((t) => t.trainId)]).to.deep.equal([false, ["train-0001", "train-0002", "train-0009"]]);
  });

  const refused: [string, () => void, string][] = [
    ["an unknown event type", () => new LiveState().apply({ type: "nope" } as unknown as LiveEvent), 'live event: unknown type "nope"'],
    ["a zero train limit", () => new LiveState({ readingsPerTrain: 0 }), "live state: readingsPerTrain must be a positive integer, got 0"],
    ["a fractional meter limit", () => new LiveState({ readingsPerMeter: 2.5 }), "live state: readingsPerMeter must be a positive integer, got 2.5"],
  ];
  for (const [what, act, message] of refused) {
    it(`refuses ${what}`, () => {
      expect(act).to.throw(Error).with.property("message", message);
    });
  }
});
