import { expect } from "chai";
import { analyseDay, REVISION_RESERVE_MS, REVISION_STOP_MS } from "../../../functions/dailyAnalysis/analyseDay";
import { ClientReport } from "../../../functions/dailyAnalysis/clientReport";
import { MemoryReports } from "../../../functions/dailyAnalysis/memoryPorts";
import { addDays, parseDay } from "../../../functions/dailyAnalysis/reportDay";
import { at0030, halfHours, lakeLine, lakeOf, onTime } from "../../helpers/meterLake";

const MIN = 60_000;
const d18 = parseDay("2026-11-18");
const d19 = addDays(d18, 1);
const d20 = addDays(d18, 2);
const d21 = addDays(d18, 3);
const at = (day: typeof d18, minutes: number) => day.startMs + minutes * MIN;
const json = (reports: MemoryReports, day: typeof d18) => JSON.parse(reports.objects.get(`reports/NMI0001/${day.compact}.json`)!) as ClientReport;
const supplierLine = (startMs: number, kwh: number) =>
  JSON.stringify({ clientId: "NMI0001", intervalStart: new Date(startMs).toISOString(), intervalMinutes: 30, kwh, quality: "A" });

describe("daily analysis: revisions, as an operator and a misbehaving meter meet them", () => {
  it("revises the day before with readings that landed in the next partition after the day's run listed it, however late they were written", async () => {
    // the 23:30 half-hour reaches the lake at 00:05 and is counted; a stored hour received at 00:15 lands only at
    // 03:00 (a write retried), after the run listed the partition at 00:30
    const lake = lakeOf({
      "NMI0001/20261118/a.json": halfHours(d18, 0, 45, 0.2, onTime),
      "NMI0001/20261119/first.json": halfHours(d18, 47, 48, 0.2, () => at(d19, 1)),
    });
    const reports = new MemoryReports();
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    expect([json(reports, d18).halfHoursCovered, json(reports, d18).sources.laterObjects]).to.deep.equal([
      46,
      { "2026-11-19": ["NMI0001/20261119/first.json"] },
    ]);
    lake.objects.set("NMI0001/20261119/late.json", halfHours(d18, 45, 47, 0.2, () => at(d19, 15)).join("\n"));
    lake.objects.set("NMI0001/20261119/b.json", halfHours(d19, 0, 47, 0.3, onTime).join("\n"));
    const summary = await analyseDay(lake, reports, d19, { now: at0030(d20) });
    const r = json(reports, d18);
    expect([summary.reportsRevised, r.halfHoursCovered, r.totalKwh, r.sources.latePartitions]).to.deep.equal([1, 48, 9.6, []]);
    expect(r.sources.laterObjects).to.deep.equal({ "2026-11-19": ["NMI0001/20261119/first.json", "NMI0001/20261119/late.json"] });
  });

  it("revises the day before with an object that landed in that day's own partition after its run, and only once", async () => {
    // writes that reach S3 after the run: hours 18:00-22:00 of the 18th, received that evening, land at 02:00 on the 19th
    const lake = lakeOf({
      "NMI0001/20261118/a.json": [...halfHours(d18, 0, 36, 0.2, onTime), ...halfHours(d18, 44, 47, 0.2, onTime)],
      "NMI0001/20261119/first.json": halfHours(d18, 47, 48, 0.2, () => at(d19, 1)),
    });
    const reports = new MemoryReports();
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    expect([json(reports, d18).halfHoursCovered, json(reports, d18).sources.ownObjects]).to.deep.equal([40, 1]);
    lake.objects.set("NMI0001/20261118/retried.json", halfHours(d18, 36, 44, 0.2, onTime).join("\n"));
    lake.objects.set("NMI0001/20261119/b.json", halfHours(d19, 0, 47, 0.3, onTime).join("\n"));
    const logged: Record<string, unknown>[] = [];
    const summary = await analyseDay(lake, reports, d19, { now: at0030(d20), log: (e) => logged.push(e as Record<string, unknown>) });
    const r = json(reports, d18);
    expect([summary.reportsRevised, summary.failed, r.halfHoursCovered, r.totalKwh, r.sources.ownObjects, r.sources.latePartitions]).to.deep.equal([
      1,
      [],
      48,
      9.6,
      2,
      [],
    ]);
    expect(logged.filter((e) => e.message === "late readings: report revised").map((e) => e.date)).to.deep.equal(["2026-11-18"]);
    // the next day's run does not look at the 18th's partition again, and a second run of the 19th finds it read
    const again = await analyseDay(lake, reports, d19, { now: () => new Date(at(d20, 60)) });
    expect([again.reportsRevised, json(reports, d18).sources.ownObjects]).to.deep.equal([0, 2]);
  });

  it("records a late object that adds no half-hour (a batch delivered twice) once, so the next run does not read the day again", async () => {
    const day18 = halfHours(d18, 0, 47, 0.2, onTime).join("\n");
    const lake = lakeOf({ "NMI0001/20261118/a.json": day18, "NMI0001/20261119/b.json": halfHours(d19, 0, 47, 0.3, onTime) });
    const reports = new MemoryReports();
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    const before = json(reports, d18);
    lake.objects.set("NMI0001/20261118/again.json", day18);
    const first = await analyseDay(lake, reports, d19, { now: at0030(d20) });
    const after = json(reports, d18);
    expect([first.reportsRevised, after.totalKwh, after.halfHoursCovered, after.sources.duplicates, after.sources.ownObjects]).to.deep.equal([
      1,
      before.totalKwh,
      47,
      47,
      2,
    ]);
    lake.reads.length = 0;
    const second = await analyseDay(lake, reports, d19, { now: () => new Date(at(d20, 60)) });
    expect([second.reportsRevised, lake.reads.filter((k) => k.includes("/20261118/"))]).to.deep.equal([0, []]);
  });

  it("leaves a day whose run failed for a client to a re-run by hand: the next day's run neither revises nor fails it", async () => {
    const lake = lakeOf({
      "NMI0001/20261118/a.json": halfHours(d18, 0, 47, 0.2, onTime),
      "NMI0001/20261118/b.json": halfHours(d18, 47, 48, 0.2, (t) => t),
      "NMI0001/20261119/c.json": halfHours(d19, 0, 47, 0.3, onTime),
    });
    const text = lake.text.bind(lake);
    lake.text = async (key) => (key.endsWith("/b.json") ? Promise.reject(new Error("access denied")) : text(key));
    const reports = new MemoryReports();
    const on18 = await analyseDay(lake, reports, d18, { now: at0030(d19) });
    const on19 = await analyseDay(lake, reports, d19, { now: at0030(d20) });
    expect([on18.failed.map((f) => f.clientId), on19.failed, on19.reportsRevised, reports.objects.has("reports/NMI0001/20261118.json")]).to.deep.equal([
      ["NMI0001"],
      [],
      0,
      false,
    ]);
  });

  it("reads the next day's partition for a client with only a supplier file that day, and a re-run keeps its revision", async () => {
    const lake = lakeOf({
      [`processed/${d18.compact}/NMI0001.jsonl`]: Array.from({ length: 24 }, (_, i) => supplierLine(d18.startMs + i * 1_800_000, 0.1)),
      "NMI0001/20261119/a.json": halfHours(d18, 0, 48, 0.3, () => at(d19, 10)),
    });
    const reports = new MemoryReports();
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    const r = json(reports, d18);
    // the supplier's half-hours win where both cover one; the stream fills the rest
    expect([r.halfHoursCovered, r.totalKwh, r.sources.realtimeReadings]).to.deep.equal([48, 9.6, 48]);
    await analyseDay(lake, reports, d18, { now: () => new Date(at(d21, 9 * 60)) });
    expect(json(reports, d18).totalKwh).to.equal(9.6);
  });

  it("refuses a reading outside the years 2000-2099 as a line of the report, and still reports the client", async () => {
    const lake = lakeOf({ "NMI0001/20261121/a.json": [...halfHours(d21, 0, 4, 0.2, (t) => t), '{"timestamp":-10000000000000000,"kwh":1,"receivedAt":5}'] });
    const reports = new MemoryReports();
    const summary = await analyseDay(lake, reports, d21, { now: at0030(addDays(d21, 1)) });
    expect([summary.failed, summary.reportsWritten, summary.rejectedLines]).to.deep.equal([[], 1, 1]);
    expect(json(reports, d21).rejected[0].reason).to.match(/^field "timestamp" -10000000000000000 is outside the years 2000 to 2099/);
  });

  it("rewrites a stored report that is not JSON instead of failing, and warns", async () => {
    const lake = lakeOf({ "NMI0001/20261118/a.json": halfHours(d18, 0, 48, 0.2, onTime) });
    const reports = new MemoryReports();
    reports.objects.set("reports/NMI0001/20261118.json", '{"halfHourly": [');
    reports.objects.set("reports/NMI0001/20261117.json", "not json");
    const logged: Record<string, unknown>[] = [];
    const summary = await analyseDay(lake, reports, d18, { now: () => new Date(at(d21, 60)), log: (e) => logged.push(e as Record<string, unknown>) });
    expect([summary.failed, json(reports, d18).halfHoursCovered]).to.deep.equal([[], 48]);
    expect(logged.filter((e) => e.message === "stored report is not JSON: ignored").map((e) => e.key)).to.deep.equal([
      "reports/NMI0001/20261118.json",
      "reports/NMI0001/20261117.json",
    ]);
  });

  it("writes a revision's page before its JSON, so a failed page leaves the revision to the arrival day's retry", async () => {
    const lake = lakeOf({
      "NMI0001/20261118/a.json": halfHours(d18, 0, 40, 0.2, onTime),
      "NMI0001/20261121/b.json": [...halfHours(d18, 40, 48, 0.5, () => at(d21, 60)), ...halfHours(d21, 0, 10, 0.1, onTime)],
    });
    const reports = new MemoryReports();
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    const put = reports.put.bind(reports);
    reports.put = async (key, body) => {
      if (key === "reports/NMI0001/20261118.html") throw new Error("slow down");
      return put(key, body);
    };
    const failedRun = await analyseDay(lake, reports, d21, { now: at0030(addDays(d21, 1)) });
    expect(failedRun.failed).to.deep.equal([{ clientId: "NMI0001", error: "revising 2026-11-18: slow down (re-running 2026-11-21 retries it)" }]);
    expect(json(reports, d18).halfHoursCovered).to.equal(40);
    reports.put = put;
    const retry = await analyseDay(lake, reports, d21, { now: () => new Date(at(addDays(d21, 1), 45)) });
    expect([retry.reportsRevised, json(reports, d18).halfHoursCovered, json(reports, d18).totalKwh]).to.deep.equal([1, 48, 12]);
    expect(reports.objects.get("reports/NMI0001/20261118.html")).to.contain("with readings that arrived late, on 2026-11-21");
  });

  it("revises from every partition of the day: its own, the next day's, the late ones, and its supplier file", async () => {
    const lake = lakeOf({
      "NMI0001/20261118/a.json": halfHours(d18, 0, 40, 0.2, onTime),
      "NMI0001/20261119/a.json": halfHours(d18, 47, 48, 0.9, () => at(d19, 5)),
      "NMI0001/20261121/b.json": halfHours(d18, 40, 47, 0.5, () => at(d21, 60)),
      [`processed/${d18.compact}/NMI0001.jsonl`]: supplierLine(d18.startMs, 2),
    });
    const reports = new MemoryReports();
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    const before = json(reports, d18);
    expect([before.halfHoursCovered, before.totalKwh]).to.deep.equal([41, 10.7]);
    await analyseDay(lake, reports, d21, { now: at0030(addDays(d21, 1)) });
    const r = json(reports, d18);
    expect([r.halfHoursCovered, r.totalKwh, r.generatedAt, r.sources.latePartitions]).to.deep.equal([48, 14.2, "2026-11-22T00:30:00.000Z", ["2026-11-21"]]);
    expect(r.halfHourly[0]).to.include({ kwh: 2, source: "supplier" });
  });

  it("reads each object once for the day's reports and its revisions, and a scheduled run does not read its own stored report", async () => {
    const lake = lakeOf({
      "NMI0001/20261118/a.json": halfHours(d18, 0, 20, 0.2, onTime),
      "NMI0001/20261120/a.json": halfHours(d20, 0, 48, 0.2, onTime),
      "NMI0001/20261121/stored.json": [...halfHours(d18, 20, 48, 0.3, () => at(d21, 60)), ...halfHours(d19, 0, 48, 0.4, () => at(d21, 60))],
      "NMI0001/20261121/b.json": halfHours(d21, 0, 47, 0.5, onTime),
    });
    const reports = new MemoryReports();
    for (const d of [d18, d19, d20]) await analyseDay(lake, reports, d, { now: at0030(addDays(d, 1)) });
    lake.reads.length = 0;
    const got: string[] = [];
    const read = reports.json.bind(reports);
    reports.json = async (key) => (got.push(key), read(key));
    const summary = await analyseDay(lake, reports, d21, { now: at0030(addDays(d21, 1)) });
    expect(summary.reportsRevised).to.equal(2);
    const most = (keys: string[]) => Math.max(...[...new Set(keys)].map((k) => keys.filter((x) => x === k).length));
    // the revisions take the day's objects from its reports' reading (carriedReadings.ts); reports are read once a phase
    expect([most(lake.reads), most(got)]).to.deep.equal([1, 2]);
    expect(got).to.not.include("reports/NMI0001/20261121.json");
  });

  it("keeps both runs' readings when two runs revise the same report at once", async () => {
    const d23 = addDays(d18, 5);
    const lake = lakeOf({
      "NMI0001/20261118/a.json": halfHours(d18, 0, 16, 0.2, onTime),
      "NMI0001/20261121/stored.json": halfHours(d18, 16, 32, 0.3, () => at(d21, 8 * 60)),
      "NMI0001/20261123/stored.json": halfHours(d18, 32, 48, 0.4, () => at(d23, 8 * 60)),
    });
    const reports = new MemoryReports();
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    const logged: Record<string, unknown>[] = [];
    const log = (e: object) => logged.push(e as Record<string, unknown>);
    const late = () => new Date(at(addDays(d23, 2), 9 * 60));
    const runs = await Promise.all([analyseDay(lake, reports, d21, { now: late, log }), analyseDay(lake, reports, d23, { now: late, log })]);
    expect(runs.map((r) => [r.reportsRevised, r.failed])).to.deep.equal([
      [1, []],
      [1, []],
    ]);
    const r = json(reports, d18);
    expect([r.halfHoursCovered, r.totalKwh, r.sources.latePartitions]).to.deep.equal([48, 14.4, ["2026-11-21", "2026-11-23"]]);
    expect(logged.filter((e) => e.message === "report changed by another run meanwhile: computed again").map((e) => e.date)).to.deep.equal(["2026-11-18"]);
  });

  it("makes the page the winning JSON's again when another run revised the report between its page and its JSON", async () => {
    const lake = lakeOf({
      "NMI0001/20261118/a.json": halfHours(d18, 0, 20, 0.2, onTime),
      "NMI0001/20261121/b.json": halfHours(d18, 20, 30, 0.5, () => at(d21, 8 * 60)),
    });
    const reports = new MemoryReports();
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    const put = reports.put.bind(reports);
    const later = () => new Date(at(addDays(d21, 2), 9 * 60));
    let armed = true;
    reports.put = async (key, body, type, condition) => {
      if (armed && key === "reports/NMI0001/20261118.html") {
        armed = false; // more of the 18th lands in the 21st's partition, and another re-run of the 21st revises the 18th with it
        lake.objects.set("NMI0001/20261121/c.json", halfHours(d18, 30, 40, 0.5, () => at(d21, 9 * 60)).join("\n"));
        await analyseDay(lake, reports, d21, { now: later });
      }
      return put(key, body, type, condition);
    };
    const run = await analyseDay(lake, reports, d21, { now: later });
    const r = json(reports, d18);
    expect([run.reportsRevised, run.failed, r.halfHoursCovered, r.totalKwh]).to.deep.equal([0, [], 40, 14]);
    expect(reports.objects.get("reports/NMI0001/20261118.html")).to.contain("14.000 kWh over 40 of 48 half-hours");
  });

  it("lists afresh when it computes a report again after another run rewrote it", async () => {
    const lake = lakeOf({
      "NMI0001/20261118/a.json": halfHours(d18, 0, 46, 0.2, onTime),
      "NMI0001/20261119/a.json": halfHours(d18, 46, 47, 0.2, () => at(d19, 20)),
    });
    const reports = new MemoryReports();
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    const put = reports.put.bind(reports);
    let armed = true;
    reports.put = async (key, body, type, condition) => {
      if (armed && key === "reports/NMI0001/20261118.html") {
        armed = false; // after a re-run of the 18th listed the 19th, the last half-hour lands and a run of the 19th revises the 18th
        lake.objects.set("NMI0001/20261119/z.json", halfHours(d18, 47, 48, 0.2, () => at(d20, -2)).join("\n"));
        await analyseDay(lake, reports, d19, { now: () => new Date(at(d20, 12)) });
      }
      return put(key, body, type, condition);
    };
    const rerun = await analyseDay(lake, reports, d18, { now: () => new Date(at(d20, 2)) });
    expect([rerun.failed, json(reports, d18).halfHoursCovered]).to.deep.equal([[], 48]);
  });

  it("the in-memory bucket keeps S3's conditional writes: a version tag per write, refused when stale", async () => {
    const reports = new MemoryReports();
    await reports.put("k", "1", "", { ifNoneMatch: "*" });
    const first = await reports.tagged("k");
    await reports.put("k", "2", "", { ifMatch: first!.tag });
    const refused: string[] = [];
    for (const condition of [{ ifMatch: first!.tag }, { ifNoneMatch: "*" as const }]) {
      await reports.put("k", "3", "", condition).catch((e: Error) => refused.push(e.name));
    }
    expect([reports.objects.get("k"), refused]).to.deep.equal(["2", ["ReportChangedError", "ReportChangedError"]]);
  });

  it("leaves a report alone when the late readings change none of its half-hours in a partition it reads (a meter sending again)", async () => {
    const lake = lakeOf({
      "NMI0001/20261118/a.json": halfHours(d18, 0, 40, 0.2, onTime),
      "NMI0001/20261121/b.json": halfHours(d18, 40, 48, 0.2, () => at(d21, 60)),
    });
    const reports = new MemoryReports();
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    expect((await analyseDay(lake, reports, d21, { now: at0030(addDays(d21, 1)) })).reportsRevised).to.equal(1);
    const before = reports.objects.get("reports/NMI0001/20261118.json");
    lake.objects.set("NMI0001/20261121/again.json", [...halfHours(d18, 10, 18, 0.2, () => at(d21, 120)), lakeLine(d21.startMs, 0.1, at(d21, 31))].join("\n"));
    const logged: Record<string, unknown>[] = [];
    const summary = await analyseDay(lake, reports, d21, {
      now: () => new Date(at(addDays(d21, 2), 60)),
      log: (e) => logged.push(e as Record<string, unknown>),
    });
    expect([summary.reportsRevised, reports.objects.get("reports/NMI0001/20261118.json")]).to.deep.equal([0, before]);
    expect(logged.filter((e) => String(e.message).startsWith("late readings")).map((e) => [e.message, e.date])).to.deep.equal([
      ["late readings: report unchanged", "2026-11-18"],
    ]);
  });

  it("records a partition whose readings changed no half-hour, so a re-run still reads them when the supplier file goes", async () => {
    const supplier = `processed/${d18.compact}/NMI0001.jsonl`;
    const lake = lakeOf({
      "NMI0001/20261118/a.json": halfHours(d18, 0, 20, 0.2, onTime),
      [supplier]: Array.from({ length: 28 }, (_, i) => supplierLine(d18.startMs + (20 + i) * 1_800_000, 0.3)),
      "NMI0001/20261121/b.json": halfHours(d18, 20, 48, 0.3, () => at(d21, 60)),
    });
    const reports = new MemoryReports();
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    await analyseDay(lake, reports, d21, { now: at0030(addDays(d21, 1)) });
    expect(json(reports, d18).sources.latePartitions).to.deep.equal(["2026-11-21"]);
    lake.objects.delete(supplier); // it was another meter's
    await analyseDay(lake, reports, d18, { now: () => new Date(at(addDays(d21, 3), 60)) });
    expect([json(reports, d18).halfHoursCovered, json(reports, d18).sources.supplierReadings]).to.deep.equal([48, 0]);
  });

  it("writes every client's report of the day before any revision, and starts no revision near the invocation's end", async () => {
    const lake = lakeOf({
      "NMI0001/20261121/b.json": [...halfHours(d18, 0, 48, 0.3, () => at(d21, 60)), ...halfHours(d21, 0, 10, 0.1, onTime)],
      "NMI0002/20261121/b.json": halfHours(d21, 0, 10, 0.1, onTime),
    });
    const order: string[] = [];
    const reports = new MemoryReports();
    const put = reports.put.bind(reports);
    reports.put = async (key, body, type, condition) => (key.endsWith(".json") && order.push(key), put(key, body, type, condition));
    await analyseDay(lake, reports, d21, { now: at0030(addDays(d21, 1)), concurrency: 1 });
    expect(order).to.deep.equal(["reports/NMI0001/20261121.json", "reports/NMI0002/20261121.json", "reports/NMI0001/20261118.json"]);

    const late = new MemoryReports();
    const summary = await analyseDay(lake, late, d21, { now: at0030(addDays(d21, 1)), remainingMs: () => REVISION_RESERVE_MS - 1 });
    expect([summary.reportsWritten, summary.reportsRevised, late.objects.has("reports/NMI0001/20261118.json")]).to.deep.equal([2, 0, false]);
    expect(summary.failed).to.deep.equal([
      { clientId: "NMI0001", error: "revising 2026-11-18: not started, the invocation's time is nearly up (re-running 2026-11-21 retries it)" },
    ]);
  });

  it("revises a day with its supplier file when the file is parsed after the day's run", async () => {
    const file = `processed/${d18.compact}/NMI0001.jsonl`;
    const lake = lakeOf({ "NMI0001/20261118/a.json": halfHours(d18, 0, 48, 0.2, onTime) });
    const reports = new MemoryReports();
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    // the supplier uploads the 18th on the 20th at 09:00; a file written on the 19th after its run was read by none
    lake.objects.set(file, Array.from({ length: 48 }, (_, i) => supplierLine(d18.startMs + i * 1_800_000, 0.25)).join("\n"));
    lake.modified.set(file, at(d20, 9 * 60));
    const on19 = await analyseDay(lake, reports, d19, { now: at0030(d20) });
    expect([on19.reportsRevised, json(reports, d18).sources.supplierReadings]).to.deep.equal([0, 0]);
    const on20 = await analyseDay(lake, reports, d20, { now: at0030(d21) });
    const r = json(reports, d18);
    expect([on20.reportsRevised, r.sources.supplierReadings, r.totalKwh, r.halfHourly[0].source]).to.deep.equal([1, 48, 12, "supplier"]);
  });

  it("does not revise with a supplier file its day's report was made after (written just before the run)", async () => {
    const file = `processed/${d18.compact}/NMI0001.jsonl`;
    const lake = lakeOf({ [file]: Array.from({ length: 48 }, (_, i) => supplierLine(d18.startMs + i * 1_800_000, 0.25)) });
    lake.modified.set(file, at(d19, 10));
    const reports = new MemoryReports();
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    const before = reports.requests;
    const on19 = await analyseDay(lake, reports, d19, { now: at0030(d20) });
    // one read of the stored report, and one of the day before's, which a file of the 18th may hold readings of:
    // it holds none, so no report is made for the 17th
    expect([on19.reportsRevised, json(reports, d18).sources.supplierReadings, reports.requests - before]).to.deep.equal([0, 48, 2]);
    expect(reports.objects.has(`reports/NMI0001/${addDays(d18, -1).compact}.json`)).to.equal(false);
  });

  it("stops a revision that reads into the invocation's last seconds before it writes anything", async () => {
    const lake = lakeOf({
      "NMI0001/20261118/a.json": halfHours(d18, 0, 20, 0.2, onTime),
      "NMI0001/20261121/b.json": [...halfHours(d18, 20, 48, 0.3, () => at(d21, 60)), ...halfHours(d21, 0, 10, 0.1, onTime)],
    });
    const reports = new MemoryReports();
    await analyseDay(lake, reports, d18, { now: at0030(d19) });
    const before = reports.objects.get("reports/NMI0001/20261118.json");
    let checks = 0; // the first check lets the revision start; the next, as it reads, finds the time nearly up
    const summary = await analyseDay(lake, reports, d21, {
      now: at0030(addDays(d21, 1)),
      remainingMs: () => (checks++ === 0 ? REVISION_RESERVE_MS : REVISION_STOP_MS - 1),
    });
    expect([summary.reportsWritten, summary.reportsRevised, reports.objects.get("reports/NMI0001/20261118.json")]).to.deep.equal([1, 0, before]);
    expect(summary.failed).to.deep.equal([
      { clientId: "NMI0001", error: "revising 2026-11-18: stopped, the invocation's time is nearly up (re-running 2026-11-21 retries it)" },
    ]);
  });
});
