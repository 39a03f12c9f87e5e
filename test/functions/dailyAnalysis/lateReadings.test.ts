import { expect } from "chai";
import { analyseDay } from "../../../functions/dailyAnalysis/analyseDay";
import { ClientReport } from "../../../functions/dailyAnalysis/clientReport";
import { EarlierReport, earlierReportOf, LakeObject, LATE_DAYS, latePartitionDays, lateReadings } from "../../../functions/dailyAnalysis/lateReadings";
import { MemoryLake, MemoryReports } from "../../../functions/dailyAnalysis/memoryPorts";
import { MeterReading } from "../../../functions/dailyAnalysis/meterRecord";
import { addDays, parseDay, ReportDay } from "../../../functions/dailyAnalysis/reportDay";
import { at0030, halfHours, lakeLine as line } from "../../helpers/meterLake";

const PARTITION = parseDay("2026-11-21");
const H = 3_600_000;
const reading = (day: ReportDay, hour: number): MeterReading => ({ startMs: day.startMs + hour * H, minutes: 30, kwh: 0.5, source: "realtime" });
const object = (key: string, ...readings: MeterReading[]): LakeObject => ({ key: `NMI0001/20261121/${key}`, readings });
const counted = (laterObjects: Record<string, string[]>): EarlierReport => ({
  laterObjects: Object.fromEntries(Object.entries(laterObjects).map(([day, keys]) => [day, keys.map((k) => `NMI0001/${day.replace(/-/g, "")}/${k}`)])),
});

describe("daily analysis: late readings, which reports they revise", () => {
  const yesterday = addDays(PARTITION, -1);
  const fiveAgo = addDays(PARTITION, -5);
  const cases: [string, LakeObject[], [string, EarlierReport][], { revisions: [string, string[]][]; tooLate: number }][] = [
    ["the day's own readings revise nothing", [object("a", reading(PARTITION, 3), reading(PARTITION, 23))], [], { revisions: [], tooLate: 0 }],
    [
      "yesterday's last half-hour, in an object yesterday's report counted, is already in it",
      [object("a", reading(yesterday, 23.5), reading(PARTITION, 0))],
      [[yesterday.iso, counted({ [PARTITION.iso]: ["a"] })]],
      { revisions: [], tooLate: 0 },
    ],
    [
      "a reading of yesterday in an object that landed after yesterday's report listed this partition revises it",
      [object("a", reading(yesterday, 23.5)), object("b", reading(yesterday, 20))],
      [[yesterday.iso, counted({ [PARTITION.iso]: ["a"] })]],
      { revisions: [[yesterday.iso, []]], tooLate: 0 },
    ],
    [
      "a report from before objects were counted revises (a revision that changes nothing writes nothing)",
      [object("a", reading(yesterday, 23.5))],
      [[yesterday.iso, counted({})]],
      { revisions: [[yesterday.iso, []]], tooLate: 0 },
    ],
    [
      "an older day's report gains this partition, keeping those it reads already",
      [object("a", reading(fiveAgo, 2), reading(fiveAgo, 3))],
      [[fiveAgo.iso, counted({ "2026-11-17": ["x"], "2026-11-18": ["y"] })]],
      { revisions: [[fiveAgo.iso, ["2026-11-18", PARTITION.iso]]], tooLate: 0 },
    ],
    [
      "stored partitions that are not days within reach are dropped",
      [object("a", reading(fiveAgo, 2))],
      [[fiveAgo.iso, { laterObjects: { "2026-02-30": ["x"], "1999-01-01": ["x"], "2026-11-18": ["x"], "2026-12-30": ["x"] } }]],
      { revisions: [[fiveAgo.iso, ["2026-11-18", PARTITION.iso]]], tooLate: 0 },
    ],
    [
      "an older day whose report counted this object is not revised again",
      [object("a", reading(fiveAgo, 2))],
      [[fiveAgo.iso, counted({ [PARTITION.iso]: ["a"] })]],
      { revisions: [], tooLate: 0 },
    ],
    [
      "but is, for an object of this partition that landed after its report read it (a run while the day was open)",
      [object("a", reading(fiveAgo, 2)), object("b", reading(fiveAgo, 4))],
      [[fiveAgo.iso, counted({ [PARTITION.iso]: ["a"] })]],
      { revisions: [[fiveAgo.iso, [PARTITION.iso]]], tooLate: 0 },
    ],
    [
      "a day with no report gets one, in day order",
      [object("a", reading(fiveAgo, 2), reading(yesterday, 1))],
      [],
      {
        revisions: [
          [fiveAgo.iso, [PARTITION.iso]],
          [yesterday.iso, []],
        ],
        tooLate: 0,
      },
    ],
    [
      `a reading ${LATE_DAYS} days late revises; one more day late is only counted`,
      [object("a", reading(addDays(PARTITION, -LATE_DAYS), 0), reading(addDays(PARTITION, -LATE_DAYS - 1), 23.5), reading(addDays(PARTITION, -400), 1))],
      [],
      { revisions: [[addDays(PARTITION, -LATE_DAYS).iso, [PARTITION.iso]]], tooLate: 2 },
    ],
  ];
  for (const [name, objects, earlier, expected] of cases) {
    it(name, () => {
      const got = lateReadings(PARTITION, objects, new Map(earlier));
      expect({ revisions: got.revisions.map((r) => [r.day.iso, r.latePartitions]), tooLate: got.tooLate }).to.deep.equal(expected);
    });
  }

  const read = (own?: number): EarlierReport => (own === undefined ? { laterObjects: {} } : { laterObjects: {}, ownObjects: own });
  const landed: [string, number, [string, EarlierReport][], string[]][] = [
    ["an object landed in yesterday's partition after its report read it", 4, [[yesterday.iso, read(3)]], [yesterday.iso]],
    ["as many objects as yesterday's report read", 3, [[yesterday.iso, read(3)]], []],
    ["fewer than it read (none is ever removed; nothing to add)", 2, [[yesterday.iso, read(3)]], []],
    ["a report from before its objects were counted is left as it is", 9, [[yesterday.iso, read()]], []],
    ["objects, and no report of yesterday: its run failed for the client, or saw none; left to a re-run by hand", 1, [], []],
    ["no object and no report", 0, [], []],
    [
      "the count is of yesterday's partition: an older report's is not compared",
      5,
      [
        [fiveAgo.iso, read(1)],
        [yesterday.iso, read(5)],
      ],
      [],
    ],
  ];
  for (const [name, previousObjects, earlier, expected] of landed) {
    it(`objects in yesterday's own partition now: ${name}`, () => {
      const got = lateReadings(PARTITION, [object("a", reading(PARTITION, 3))], new Map(earlier), previousObjects);
      expect(got.revisions.map((r) => r.day.iso)).to.deep.equal(expected);
    });
  }

  it("revises yesterday once, for a late object and late readings both, keeping the partitions it reads", () => {
    const earlier = new Map([[yesterday.iso, { laterObjects: { [PARTITION.iso]: [] }, ownObjects: 2 }]]);
    const got = lateReadings(PARTITION, [object("a", reading(yesterday, 20)), object("b", reading(fiveAgo, 1))], earlier, 3);
    expect(got.revisions.map((r) => [r.day.iso, r.latePartitions])).to.deep.equal([
      [fiveAgo.iso, [PARTITION.iso]],
      [yesterday.iso, []],
    ]);
  });

  it("reads the count of an earlier report's own objects only when it is a whole number of at least 0", () => {
    const own = (ownObjects: unknown) => earlierReportOf({ sources: { ownObjects } })?.ownObjects;
    expect([own(0), own(48), own(-1), own(2.5), own("3"), own(null), own(Number.POSITIVE_INFINITY)]).to.deep.equal([
      0,
      48,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("reads an earlier report's counted objects, ignoring what is not a day's list of keys", () => {
    expect(earlierReportOf({ sources: { laterObjects: { "2026-11-21": ["a", 7, "b"], "20261122": ["c"], "2026-11-23": "d" } } })).to.deep.equal({
      laterObjects: { "2026-11-21": ["a", "b"] },
    });
    expect([earlierReportOf({}), earlierReportOf({ sources: { laterObjects: ["a"] } })]).to.deep.equal([{ laterObjects: {} }, { laterObjects: {} }]);
    expect([earlierReportOf(null), earlierReportOf("x")]).to.deep.equal([undefined, undefined]);
  });

  it(`reads only valid late partitions after the next day and within ${LATE_DAYS} days, once each, in order`, () => {
    const days = latePartitionDays(parseDay("2026-11-10"), ["2026-11-15", "2026-11-11", "2026-11-09", "2026-02-30", "2026-11-12", "2026-11-15", "2026-11-25"]);
    expect(days.map((d) => d.iso)).to.deep.equal(["2026-11-12", "2026-11-15"]);
  });
});

describe("daily analysis: a meter back from an outage", () => {
  // the meter sends each half-hour as it ends until 2026-11-18 10:00, is offline until 2026-11-21 08:00,
  // then sends everything it stored
  const d18 = parseDay("2026-11-18");
  const d19 = addDays(d18, 1);
  const d21 = addDays(d18, 3);
  const back = d21.startMs + 8 * H;
  const lake = () =>
    new MemoryLake(
      new Map([
        ["NMI0001/20261118/a.json", halfHours(d18, 0, 20, 0.2, (t) => t + 1_800_000).join("\n")],
        ["NMI0001/20261121/stored.json", [...halfHours(d18, 20, 48, 0.3, () => back), ...halfHours(d19, 0, 48, 0.4, () => back)].join("\n")],
        ["NMI0001/20261121/b.json", halfHours(d21, 16, 40, 0.5, (t) => t + 1_800_000).join("\n")],
      ]),
    );

  it("revises the days it missed when the readings arrive, and a re-run of such a day by hand keeps them", async () => {
    const objects = lake();
    const reports = new MemoryReports();
    const logged: Record<string, unknown>[] = [];
    const log = (e: object) => logged.push(e as Record<string, unknown>);
    await analyseDay(objects, reports, d18, { now: at0030(d19) });
    const before = JSON.parse(reports.objects.get("reports/NMI0001/20261118.json")!) as ClientReport;
    expect([before.halfHoursCovered, before.totalKwh]).to.deep.equal([20, 4]);

    const summary = await analyseDay(objects, reports, d21, { now: at0030(addDays(d21, 1)), log });
    expect([summary.reportsWritten, summary.reportsRevised, summary.readingsTooLate, summary.failed]).to.deep.equal([1, 2, 0, []]);
    const r18 = JSON.parse(reports.objects.get("reports/NMI0001/20261118.json")!) as ClientReport;
    expect([r18.halfHoursCovered, r18.totalKwh, r18.sources.latePartitions, r18.missingHalfHours]).to.deep.equal([48, 12.4, ["2026-11-21"], []]);
    // a day the meter sent nothing on the day gets its report, from the partition of the day the readings arrived
    const r19 = JSON.parse(reports.objects.get("reports/NMI0001/20261119.json")!) as ClientReport;
    expect([r19.halfHoursCovered, r19.totalKwh, r19.sources.latePartitions]).to.deep.equal([48, 19.2, ["2026-11-21"]]);
    expect(reports.objects.get("reports/NMI0001/20261119.html")).to.contain("19.200").and.contain("with readings that arrived late, on 2026-11-21");
    expect(reports.objects.get("reports/NMI0001/20261121.html")).to.not.contain("arrived late");
    // the arrival day's own report counts the stored readings as outside its day, and nothing of them as its own
    const r21 = JSON.parse(reports.objects.get("reports/NMI0001/20261121.json")!) as ClientReport;
    expect([r21.sources.outsideDay, r21.halfHoursCovered, r21.totalKwh]).to.deep.equal([76, 24, 12]);
    expect(logged.filter((e) => e.message === "late readings: report revised").map((e) => [e.date, e.latePartitions])).to.deep.equal([
      ["2026-11-18", ["2026-11-21"]],
      ["2026-11-19", ["2026-11-21"]],
    ]);

    // an operator re-runs 2026-11-18 a week later: the report still reads 2026-11-21's partition
    const again = await analyseDay(objects, reports, d18, { now: () => new Date("2026-11-28T09:00:00Z") });
    const rerun = JSON.parse(reports.objects.get("reports/NMI0001/20261118.json")!) as ClientReport;
    expect([again.reportsWritten, rerun.halfHoursCovered, rerun.totalKwh, rerun.sources.latePartitions]).to.deep.equal([1, 48, 12.4, ["2026-11-21"]]);
    // and the arrival day's run again revises nothing: the reports read its partition already
    const second = await analyseDay(objects, reports, d21, { now: () => new Date("2026-11-28T09:00:00Z") });
    expect(second.reportsRevised).to.equal(0);
  });

  it("counts and logs readings too late to revise, and names the day a failed revision was for", async () => {
    const objects = lake();
    objects.objects.set("NMI0001/20261121/ancient.json", line(Date.parse("2026-10-01T10:00:00Z"), 1, back));
    const reports = new MemoryReports();
    reports.put = async (key) => {
      if (key === "reports/NMI0001/20261119.json") throw new Error("access denied");
      reports.objects.set(key, "{}");
    };
    const logged: Record<string, unknown>[] = [];
    const summary = await analyseDay(objects, reports, d21, { now: at0030(addDays(d21, 1)), log: (e) => logged.push(e as Record<string, unknown>) });
    expect([summary.reportsWritten, summary.reportsRevised, summary.readingsTooLate]).to.deep.equal([1, 1, 1]);
    expect(summary.failed).to.deep.equal([{ clientId: "NMI0001", error: "revising 2026-11-19: access denied (re-running 2026-11-21 retries it)" }]);
    expect(logged.find((e) => e.message === "readings too late to revise their day")).to.include({
      level: "WARN",
      clientId: "NMI0001",
      count: 1,
      lateDays: LATE_DAYS,
    });
  });
});
