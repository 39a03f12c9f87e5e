import { expect } from "chai";
import { analyseDay, REVISION_RESERVE_MS, REVISION_STOP_MS } from "../../../functions/dailyAnalysis/analyseDay";
import { CarriedReadings, carriedReadingsOf, CarriedStore, readingsBefore, ReadingsBefore } from "../../../functions/dailyAnalysis/carriedReadings";
import { LakeObject } from "../../../functions/dailyAnalysis/lateReadings";
import { MemoryLake, MemoryReports } from "../../../functions/dailyAnalysis/memoryPorts";
import { MeterReading } from "../../../functions/dailyAnalysis/meterRecord";
import { addDays, parseDay, ReportDay } from "../../../functions/dailyAnalysis/reportDay";
import { at0030, halfHours, onTime } from "../../helpers/meterLake";

const H = 3_600_000;
const RUN = parseDay("2026-11-21");
const DAY_BEFORE = addDays(RUN, -1);
const FOUR_BEFORE = addDays(RUN, -4);
const at = (day: ReportDay, hour: number): MeterReading => ({ startMs: day.startMs + hour * H, minutes: 30, kwh: 0.5, source: "realtime" });
const object = (key: string, ...readings: MeterReading[]): LakeObject => ({ key, readings });

describe("daily analysis: the run's day's readings carried to its revisions", () => {
  const kept: [string, LakeObject[], [string, MeterReading[]][]][] = [
    ["none of no objects", [], []],
    ["none of the day's own readings", [object("a", at(RUN, 3), at(RUN, 23.5))], []],
    ["the day before's last half-hour, arrived after midnight", [object("a", at(DAY_BEFORE, 23.5), at(RUN, 0))], [["a", [at(DAY_BEFORE, 23.5)]]]],
    [
      "a backlog of several days, in the object's order; objects with none are left out",
      [object("a", at(FOUR_BEFORE, 2), at(RUN, 1), at(DAY_BEFORE, 5)), object("b", at(RUN, 2)), object("c", at(FOUR_BEFORE, 9))],
      [
        ["a", [at(FOUR_BEFORE, 2), at(DAY_BEFORE, 5)]],
        ["c", [at(FOUR_BEFORE, 9)]],
      ],
    ],
  ];
  for (const [name, objects, expected] of kept) {
    it(`keeps, of the objects the day's report read, ${name}`, () => {
      expect([...readingsBefore(RUN, objects)]).to.deep.equal(expected);
    });
  }

  const carried: CarriedReadings = { day: RUN, keys: new Set(["a", "b"]), before: new Map([["a", [at(FOUR_BEFORE, 2), at(DAY_BEFORE, 23.5)]]]) };
  const taken: [string, CarriedReadings | undefined, string, ReportDay, MeterReading[] | undefined][] = [
    ["an object the day read: its readings before the day, for any earlier day revised", carried, "a", DAY_BEFORE, [at(FOUR_BEFORE, 2), at(DAY_BEFORE, 23.5)]],
    [
      "the same for another revision of the client (its cache keeps one parse an object)",
      carried,
      "a",
      FOUR_BEFORE,
      [at(FOUR_BEFORE, 2), at(DAY_BEFORE, 23.5)],
    ],
    ["an object the day read with none before it: none", carried, "b", DAY_BEFORE, []],
    ["an object that landed after the day listed its partition: read", carried, "c", DAY_BEFORE, undefined],
    ["the run's own day: read (a revision is of an earlier day)", carried, "a", RUN, undefined],
    ["nothing carried (the client's day failed, or the budget was spent): read", undefined, "a", DAY_BEFORE, undefined],
  ];
  for (const [name, from, key, of, expected] of taken) {
    it(`gives a revision ${name}`, () => {
      const got = carriedReadingsOf(from, key, of);
      expect(got === undefined ? undefined : [...got]).to.deep.equal(expected);
    });
  }

  const budgets: [string, number, [string, number][], boolean[], number][] = [
    [
      "keeps clients' readings up to the budget, then none of a client's",
      3,
      [
        ["A", 1],
        ["B", 2],
        ["C", 1],
      ],
      [true, true, false],
      3,
    ],
    [
      "keeps a client with no readings before the day even when the budget is spent",
      0,
      [
        ["A", 0],
        ["B", 1],
      ],
      [true, false],
      0,
    ],
    [
      "does not keep part of a client's readings",
      4,
      [
        ["A", 2],
        ["B", 3],
        ["C", 2],
      ],
      [true, false, true],
      4,
    ],
  ];
  for (const [name, budget, clients, expected, readings] of budgets) {
    it(`the store ${name}`, () => {
      const store = new CarriedStore(budget);
      const before = (n: number) => new Map(n ? [["k", Array.from({ length: n }, (_, i) => at(DAY_BEFORE, i))]] : []);
      expect([clients.map(([id, n]) => store.keep(id, before(n))), store.readings]).to.deep.equal([expected, readings]);
      // a client's readings are taken once, by its revisions; of one not kept there are none (they read its objects)
      const count = (kept?: ReadingsBefore) => (kept === undefined ? "none" : [...kept.values()].reduce((n, r) => n + r.length, 0));
      const taken = clients.map(([id]) => count(store.take(id)));
      expect(taken).to.deep.equal(clients.map(([, n], i) => (expected[i] ? n : "none")));
      expect(clients.map(([id]) => store.take(id))).to.deep.equal(clients.map(() => undefined));
    });
  }
});

describe("daily analysis: a supplier-fed client's revision of the day before", () => {
  const d18 = parseDay("2026-11-18");
  const d19 = addDays(d18, 1);
  /** A supplier's processed file of NEM day `day` (from 14:00 UTC the day before), written at 16:00 UTC of it. */
  const supplierFile = (lake: MemoryLake, day: ReportDay) => {
    const key = `processed/${day.compact}/NMI0001.jsonl`;
    const start = day.startMs - 10 * H;
    const lines = Array.from({ length: 48 }, (_, i) =>
      JSON.stringify({ clientId: "NMI0001", intervalStart: new Date(start + i * 1_800_000).toISOString(), intervalMinutes: 30, kwh: 0.25, quality: "A" }),
    );
    lake.objects.set(key, lines.join("\n"));
    lake.modified.set(key, day.startMs + 16 * H);
  };
  /** One lake object a reading, as the readings rule writes them. */
  const perReading = (lake: MemoryLake, partition: ReportDay, lines: string[]) =>
    lines.forEach((line, i) => lake.objects.set(`NMI0001/${partition.compact}/${String(i).padStart(2, "0")}.json`, line));

  /** The 19th's run, which completes the 18th with the supplier file of the 19th (it holds the 18th from 14:00). */
  async function run19(maxCarriedReadings?: number) {
    const lake = new MemoryLake();
    const reports = new MemoryReports();
    perReading(lake, d18, halfHours(d18, 0, 47, 0.2, onTime));
    perReading(lake, d19, [...halfHours(d18, 47, 48, 0.2, onTime), ...halfHours(d19, 0, 47, 0.3, onTime)]);
    supplierFile(lake, d18);
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    supplierFile(lake, d19);
    const logs: object[] = [];
    lake.reads.length = 0;
    const before = { lake: lake.requests, reports: reports.requests };
    const summary = await analyseDay(lake, reports, d19, { now: at0030(addDays(d19, 1)), log: (e) => logs.push(e), maxCarriedReadings });
    return {
      summary,
      logs,
      reports: [...reports.objects],
      lakeRequests: lake.requests - before.lake,
      reportRequests: reports.requests - before.reports,
      reads: [...lake.reads],
    };
  }

  it("takes the day's objects for the revision: the same reports, logs and summary as reading them again, with a GET fewer an object", async () => {
    const carrying = await run19();
    const reading = await run19(0);
    expect(carrying.summary).to.deep.equal(reading.summary);
    expect([carrying.summary.reportsWritten, carrying.summary.reportsRevised, carrying.summary.failed]).to.deep.equal([1, 1, []]);
    expect(carrying.logs).to.deep.equal(reading.logs);
    expect(carrying.reports).to.deep.equal(reading.reports);
    // the 19th's partition holds 48 objects: read again by the revision only when nothing was carried
    const partition19 = carrying.reads.filter((k) => k.startsWith("NMI0001/20261119/"));
    // each lake object read once; the supplier files twice (a processed file is rewritten when its supplier sends the day again)
    const objects = carrying.reads.filter((k) => k.startsWith("NMI0001/"));
    expect([partition19.length, new Set(objects).size === objects.length]).to.deep.equal([48, true]);
    expect([reading.lakeRequests - carrying.lakeRequests, carrying.reportRequests - reading.reportRequests]).to.deep.equal([48, 0]);
    // listings (partitions, supplier files, the 15 days of processed/), the day's 48 objects and 2 files, the 18th's 47 and 2 files
    expect(carrying.lakeRequests).to.equal(126);
  });

  it("stops a revision whose objects were all carried, as reading them would, once the invocation's time is nearly up", async () => {
    // the meter's stored readings of the 18th arrive on the 21st: the revision of the 18th reads no object of its own
    const d21 = addDays(d18, 3);
    const lake = new MemoryLake(
      new Map([["NMI0001/20261121/b.json", [...halfHours(d18, 20, 48, 0.3, () => d21.startMs + H), ...halfHours(d21, 0, 10, 0.1, onTime)].join("\n")]]),
    );
    const reports = new MemoryReports();
    let checks = 0; // the first check lets the revision start; the next, as it takes the carried object, finds the time nearly up
    const summary = await analyseDay(lake, reports, d21, {
      now: at0030(addDays(d21, 1)),
      remainingMs: () => (checks++ === 0 ? REVISION_RESERVE_MS : REVISION_STOP_MS - 1),
    });
    expect([summary.reportsWritten, summary.reportsRevised, reports.objects.has("reports/NMI0001/20261118.json"), lake.reads]).to.deep.equal([
      1,
      0,
      false,
      ["NMI0001/20261121/b.json"],
    ]);
    expect(summary.failed).to.deep.equal([
      { clientId: "NMI0001", error: "revising 2026-11-18: stopped, the invocation's time is nearly up (re-running 2026-11-21 retries it)" },
    ]);
  });
});
