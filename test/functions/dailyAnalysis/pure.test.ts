import { countRun, failedClients } from "../../../functions/dailyAnalysis/handler";
import { expect } from "chai";
import { halfHourProfile, SLOT_MS } from "../../../functions/dailyAnalysis/halfHourProfile";
import { MeterReading, parseRealtimeLine, parseSupplierLine } from "../../../functions/dailyAnalysis/meterRecord";
import { inShard, parseDay, reportDayOf, shardOf } from "../../../functions/dailyAnalysis/reportDay";

const DAY = Date.UTC(2026, 10, 21);
const at = (hh: number, mm = 0) => DAY + (hh * 60 + mm) * 60_000;
const rt = (startMs: number, kwh: number, minutes = 30): MeterReading => ({ startMs, kwh, minutes, source: "realtime" });
const sp = (startMs: number, kwh: number, minutes = 30): MeterReading => ({ startMs, kwh, minutes, source: "supplier" });

describe("daily analysis: which day", () => {
  const cases: [unknown, string][] = [
    [{ scheduledTime: "2026-11-22T00:30:00Z", window: "previous-day" }, "2026-11-21"],
    [{ scheduledTime: "2026-03-01T00:30:00Z" }, "2026-02-28"],
    [{ scheduledTime: "2028-03-01T23:59:59.999Z" }, "2028-02-29"],
    [{ date: "2026-11-20" }, "2026-11-20"],
    [{ date: "20261120" }, "2026-11-20"],
  ];
  for (const [event, iso] of cases) {
    it(`reports on ${iso} for ${JSON.stringify(event)}`, () => {
      const day = reportDayOf(event);
      expect(day.iso).to.equal(iso);
      expect(day.compact).to.equal(iso.replace(/-/g, ""));
      expect(new Date(day.startMs).toISOString()).to.equal(`${iso}T00:00:00.000Z`);
    });
  }
  const errors: [unknown, string][] = [
    [{ date: "2026-02-30" }, 'date must be a calendar day YYYY-MM-DD, got "2026-02-30"'],
    [{ date: "yesterday" }, 'date must be a calendar day YYYY-MM-DD, got "yesterday"'],
    [{ scheduledTime: "soon" }, 'scheduledTime must be an ISO 8601 time, got "soon"'],
    [{ scheduledTime: "2026-02-31T00:30:00Z" }, 'scheduledTime must be an ISO 8601 time, got "2026-02-31T00:30:00Z"'],
    [{ scheduledTime: "2026-11-22T00:30:00Z", window: "previous-hour" }, 'window must be "previous-day", got "previous-hour"'],
    [{}, 'event must have "date" (YYYY-MM-DD) or "scheduledTime" (ISO 8601), got {}'],
  ];
  for (const [event, message] of errors) {
    it(`refuses ${JSON.stringify(event)}`, () => {
      expect(() => reportDayOf(event)).to.throw(message);
    });
  }
  it("parses a compact day the same as a dashed one", () => {
    expect(parseDay("20240229")).to.deep.equal(parseDay("2024-02-29"));
  });
});

describe("daily analysis: which clients (shards)", () => {
  const cases: [unknown, { index: number; count: number } | string][] = [
    [{ date: "2026-11-21" }, { index: 0, count: 1 }],
    [
      { scheduledTime: "2026-11-22T00:30:00Z", shard: 2, shards: 4 },
      { index: 2, count: 4 },
    ],
    [
      { shard: 0, shards: 1 },
      { index: 0, count: 1 },
    ],
    [{ shard: 4, shards: 4 }, "shard must be an integer in [0, 3] (shards is 4), got 4"],
    [{ shard: 1 }, "shards must be an integer in [1, 64], got undefined"],
    [{ shards: 2 }, "shard must be an integer in [0, 1] (shards is 2), got undefined"],
    [{ shard: "1", shards: 2 }, 'shard must be an integer in [0, 1] (shards is 2), got "1"'],
    [{ shard: 0, shards: 65 }, "shards must be an integer in [1, 64], got 65"],
  ];
  for (const [event, expected] of cases) {
    it(`${JSON.stringify(event)} -> ${JSON.stringify(expected)}`, () => {
      if (typeof expected === "string") expect(() => shardOf(event)).to.throw(expected);
      else expect(shardOf(event)).to.deep.equal(expected);
    });
  }

  it("puts every client in exactly one of the shards, in roughly equal parts, the same on every run", () => {
    const clients = Array.from({ length: 4000 }, (_, i) => `NMI${String(6100000000 + i * 37)}`);
    const sizes = [0, 1, 2, 3].map((index) => clients.filter((c) => inShard(c, { index, count: 4 })).length);
    expect(sizes.reduce((a, b) => a + b, 0)).to.equal(4000);
    expect(clients.every((c) => [0, 1, 2, 3].filter((index) => inShard(c, { index, count: 4 })).length === 1)).to.equal(true);
    for (const n of sizes) expect(n).to.be.within(900, 1100);
    // FNV-1a 32-bit is fixed (of "NMI6100000001": 2634394377, mod 4 = 1): a client never moves between shards
    expect([0, 1, 2, 3].filter((index) => inShard("NMI6100000001", { index, count: 4 }))).to.deep.equal([1]);
  });
});

describe("daily analysis: reading lines", () => {
  const good: [string, MeterReading][] = [
    ['{"timestamp":"2026-11-21T10:30:00Z","kwh":0.42,"intervalMinutes":30,"clientId":"NMI1","day":"20261121","receivedAt":1}', rt(at(10, 30), 0.42)],
    ['{"timestamp":1763721000000,"kwh":0,"receivedAt":"soon"}', rt(1763721000000, 0)],
    ['{"timestamp":1763721000000,"kwh":0}', rt(1763721000000, 0)],
    ['{"timestamp":"2026-11-21T20:30:00+10:00","kwh":1.5,"intervalMinutes":60}', rt(at(10, 30), 1.5, 60)],
    // the most a 250 kW connection carries: 125 kWh in 30 minutes, 20.8 in 5
    ['{"timestamp":"2026-11-21T10:30:00Z","kwh":125}', rt(at(10, 30), 125)],
  ];
  for (const [line, reading] of good) {
    it(`reads ${line.slice(0, 50)}`, () => expect(parseRealtimeLine(line)).to.deep.equal(reading));
  }
  const bad: [string, string][] = [
    ["not json", 'not JSON: "not json"'],
    ["[1,2]", "expected a JSON object, got [1,2]"],
    ['{"kwh":1}', 'field "timestamp" must be an ISO 8601 time with a zone or epoch milliseconds, got undefined'],
    ['{"timestamp":"2026-11-21 10:30","kwh":1}', 'field "timestamp" must be an ISO 8601 time with a zone or epoch milliseconds, got "2026-11-21 10:30"'],
    ['{"timestamp":1,"kwh":-0.1}', 'field "kwh" must be a finite number >= 0, got -0.1'],
    ['{"timestamp":1,"kwh":"1"}', 'field "kwh" must be a finite number >= 0, got "1"'],
    ['{"timestamp":1,"kwh":1,"intervalMinutes":7}', 'field "intervalMinutes" must be one of 5, 15, 30, 60, got 7'],
    ['{"timestamp":1,"kwh":1e303}', 'field "kwh" 1e+303 is over 1000000 kWh, more than any meter reads in one interval'],
    ['{"timestamp":"2026-11-21T10:30:00Z","kwh":999999}', 'field "kwh" 999999 is over 125 kWh, more than a 250 kW connection carries in 30 minutes'],
    ['{"timestamp":"2026-11-21T10:30:00Z","kwh":125.01}', 'field "kwh" 125.01 is over 125 kWh, more than a 250 kW connection carries in 30 minutes'],
    [
      '{"timestamp":"2026-11-21T10:30:00Z","kwh":21,"intervalMinutes":5}',
      'field "kwh" 21 is over 20.833 kWh, more than a 250 kW connection carries in 5 minutes',
    ],
    ['{"timestamp":"2026-02-30T10:00:00Z","kwh":1}', 'field "timestamp" is not a real time, got "2026-02-30T10:00:00Z"'],
    ['{"timestamp":"2026-11-21T24:00:00Z","kwh":1}', 'field "timestamp" is not a real time, got "2026-11-21T24:00:00Z"'],
  ];
  for (const [line, reason] of bad) {
    it(`refuses ${line} with "${reason}"`, () => expect(parseRealtimeLine(line)).to.equal(reason));
  }
  it("reads the supplier parser's readings and refuses a bad interval", () => {
    expect(parseSupplierLine('{"clientId":"A","intervalStart":"2026-11-21T00:00:00.000Z","intervalMinutes":15,"kwh":0.2,"quality":"A"}')).to.deep.equal(
      sp(at(0), 0.2, 15),
    );
    expect(parseSupplierLine('{"intervalStart":"2026-11-21T00:00:00.000Z","intervalMinutes":7,"kwh":0.2}')).to.equal(
      'field "intervalMinutes" must be a whole divisor of 1440, got 7',
    );
  });
});

describe("daily analysis: half-hour profile", () => {
  it("sums 15-minute readings into their half-hour and spreads an hour over two", () => {
    const p = halfHourProfile(DAY, [rt(at(0), 0.1, 15), rt(at(0, 15), 0.2, 15), rt(at(1), 1.0, 60)], []);
    expect(p.slots.slice(0, 4).map((s) => [s.kwh, s.coveredMinutes, s.source])).to.deep.equal([
      [0.3, 30, "realtime"],
      [null, 0, null],
      [0.5, 30, "realtime"],
      [0.5, 30, "realtime"],
    ]);
    expect(p.slots).to.have.length(48);
    expect(p.slots[47].startMs).to.equal(DAY + 47 * SLOT_MS);
  });
  it("prefers the supplier's value where both sources cover a half-hour, and counts conflicts", () => {
    const p = halfHourProfile(DAY, [rt(at(0), 0.5), rt(at(0, 30), 0.7), rt(at(1), 0.9)], [sp(at(0), 0.5), sp(at(0, 30), 0.3)]);
    expect(p.slots.slice(0, 3).map((s) => [s.kwh, s.source])).to.deep.equal([
      [0.5, "supplier"],
      [0.3, "supplier"],
      [0.9, "realtime"],
    ]);
    expect(p.counts).to.deep.equal({
      realtimeReadings: 3,
      supplierReadings: 2,
      duplicates: 0,
      outsideDay: 0,
      overlappingMinutes: 0,
      overlapping: 2,
      conflicting: 1,
    });
  });
  it("counts duplicates and readings outside the day instead of dropping them silently", () => {
    const p = halfHourProfile(DAY, [rt(at(2), 0.5), rt(at(2), 0.6), rt(DAY - SLOT_MS, 1), rt(DAY + 86_400_000, 1)], []);
    expect(p.slots[4].kwh).to.equal(0.5);
    expect(p.counts.duplicates).to.equal(1);
    expect(p.counts.outsideDay).to.equal(2);
  });
  it("counts overlapping intervals once, the finer reading where they overlap, whatever order they arrived in", () => {
    // the meter changed from hourly to half-hourly readings at 10:30: the 10:00 hour overlaps the 10:30 half-hour
    const hour = rt(at(10), 1.0, 60);
    const half = rt(at(10, 30), 0.6, 30);
    for (const readings of [
      [hour, half],
      [half, hour],
    ]) {
      const p = halfHourProfile(DAY, readings, []);
      expect(p.slots.slice(20, 22).map((s) => [s.kwh, s.coveredMinutes])).to.deep.equal([
        [0.5, 30],
        [0.6, 30],
      ]);
      expect(p.counts.overlappingMinutes).to.equal(30);
    }
  });
  it("keeps a coarser reading that starts with a finer one: the finer one counts only for the minutes it covers", () => {
    const p = halfHourProfile(DAY, [rt(at(10), 1.0, 60), rt(at(10), 0.3, 30), rt(at(10), 0.3, 30)], []);
    expect(p.slots.slice(20, 22).map((s) => [s.kwh, s.coveredMinutes])).to.deep.equal([
      [0.3, 30],
      [0.5, 30],
    ]);
    expect([p.counts.duplicates, p.counts.overlappingMinutes]).to.deep.equal([1, 30]);
  });
  it("cuts an interval at midnight: the part after the day is not counted in it", () => {
    const p = halfHourProfile(DAY, [rt(at(23, 30), 1.0, 60)], []);
    expect(p.slots[47].kwh).to.equal(0.5);
  });
});

describe("daily analysis: the run's failures as a metric", () => {
  it("counts each failing client once, however many of its revisions failed", () => {
    const summary = {
      date: "2026-11-21",
      clients: 3,
      reportsWritten: 3,
      reportsRevised: 0,
      householdRevisions: 0,
      readingsTooLate: 0,
      rejectedLines: 0,
      unusualHalfHours: 0,
      failed: [
        { clientId: "A", error: "revising 2026-11-18: x" },
        { clientId: "A", error: "revising 2026-11-19: x" },
        { clientId: "B", error: "y" },
      ],
      skippedPrefixes: [],
    };
    expect([failedClients(summary), countRun(summary).find(([n]) => n === "ClientsFailed")?.[1]]).to.deep.equal([2, 2]);
  });
});
