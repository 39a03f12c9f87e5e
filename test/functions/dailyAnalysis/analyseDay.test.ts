import { expect } from "chai";
import { analyseDay } from "../../../functions/dailyAnalysis/analyseDay";
import { MemoryLake, MemoryReports } from "../../../functions/dailyAnalysis/memoryPorts";
import { ClientReport } from "../../../functions/dailyAnalysis/clientReport";
import { MAX_PARTITION_OBJECTS } from "../../../functions/dailyAnalysis/ports";
import { addDays, parseDay, ReportDay } from "../../../functions/dailyAnalysis/reportDay";

/** The in-memory lake, with any key containing BROKEN failing to read as a denied S3 GET would. */
function memoryLake(objects: Record<string, string>): MemoryLake {
  const lake = new MemoryLake(new Map(Object.entries(objects)));
  const read = lake.text.bind(lake);
  lake.text = async (key) => {
    if (key.includes("BROKEN")) {
      lake.reads.push(key);
      throw new Error(`s3://lake/${key}: access denied`);
    }
    return read(key);
  };
  return lake;
}

const memoryReports = (): MemoryReports => new MemoryReports();

/** A household: low at night, breakfast and evening peaks; `spikeAt` half-hour gets `spike` kWh. */
function householdDay(day: ReportDay, spikeAt = -1, spike = 0): string {
  const lines: string[] = [];
  for (let i = 0; i < 48; i++) {
    const hour = i / 2;
    let kwh = 0.15 + (hour >= 7 && hour < 9 ? 0.5 : 0) + (hour >= 18 && hour < 22 ? 0.8 : 0) + ((i * 7919) % 13) / 1000;
    if (i === spikeAt) kwh = spike;
    lines.push(
      JSON.stringify({
        timestamp: new Date(day.startMs + i * 1_800_000).toISOString(),
        kwh: Math.round(kwh * 1000) / 1000,
        intervalMinutes: 30,
        clientId: "x",
        day: day.compact,
        receivedAt: 0,
      }),
    );
  }
  return lines.join("\n") + "\n";
}

const DAY = parseDay("2026-11-21");
const NOW = () => new Date("2026-11-22T00:31:00Z");

/** A day's readings as the readings rule writes them: one object a reading, `{ClientID}/{YYYYMMDD}/{n}.json`. */
function perReading(clientId: string, partition: ReportDay, lines: string): Record<string, string> {
  const out: Record<string, string> = {};
  lines
    .split("\n")
    .filter(Boolean)
    .forEach((line, i) => (out[`${clientId}/${partition.compact}/${1763700000000 + i}-r.json`] = line));
  return out;
}

describe("daily analysis: a day's run", () => {
  /** `n` objects in a client's partition of `day`, one unreadable line each (no timestamp). */
  const objects = (clientId: string, day: ReportDay, n: number): Record<string, string> =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`${clientId}/${day.compact}/${String(i).padStart(6, "0")}-f.json`, '{"kwh":0.1}']));
  const refusal = (partition: string) =>
    `${partition} holds more than ${MAX_PARTITION_OBJECTS} objects (a meter sends at most 288 readings a day): not read; clean it (docs/operations.md), then re-run`;
  /** The lengths of every listing the run made. */
  function recordListings(lake: MemoryLake): number[] {
    const listed: number[] = [];
    const list = lake.list.bind(lake);
    lake.list = async (prefix, atMost) => {
      const keys = await list(prefix, atMost);
      listed.push(keys.length);
      return keys;
    };
    return listed;
  }

  it("fails alone a client whose partition holds more objects than any meter sends, without listing or reading it to the end", async () => {
    const next = addDays(DAY, 1);
    const lake = memoryLake({
      ...perReading("NMI0001", DAY, householdDay(DAY)),
      // the day before flooded: its count is bounded, and with no report of its own it is not revised
      ...objects("NMI0001", addDays(DAY, -1), MAX_PARTITION_OBJECTS + 2000),
      ...objects("NMI0002", DAY, MAX_PARTITION_OBJECTS + 2000),
      [`processed/${DAY.compact}/NMI0002.jsonl`]:
        '{"clientId":"NMI0002","intervalStart":"2026-11-21T00:00:00.000Z","intervalMinutes":30,"kwh":0.25,"quality":"A"}\n',
      ...perReading("NMI0003", DAY, householdDay(DAY)),
      ...objects("NMI0003", next, MAX_PARTITION_OBJECTS + 1),
      // exactly the most a partition may hold: read
      ...objects("NMI0004", DAY, MAX_PARTITION_OBJECTS),
    });
    const listed = recordListings(lake);
    const reports = memoryReports();
    const summary = await analyseDay(lake, reports, DAY, { now: NOW });
    expect([summary.clients, summary.reportsWritten, summary.failed]).to.deep.equal([
      4,
      2,
      [
        { clientId: "NMI0002", error: refusal(`NMI0002/${DAY.compact}/`) },
        { clientId: "NMI0003", error: refusal(`NMI0003/${next.compact}/`) },
      ],
    ]);
    expect([...reports.objects.keys()].filter((k) => k.endsWith(".json")).sort()).to.deep.equal([
      "reports/NMI0001/20261121.json",
      "reports/NMI0004/20261121.json",
    ]);
    expect(lake.reads.filter((k) => k.includes("-f.json") && !k.startsWith("NMI0004/"))).to.deep.equal([]);
    expect(lake.reads.filter((k) => k.startsWith("NMI0004/")).length).to.equal(MAX_PARTITION_OBJECTS);
    expect(Math.max(...listed)).to.equal(MAX_PARTITION_OBJECTS + 1);
    // the good client's day is read from its 48 objects of one reading each
    expect((JSON.parse(reports.objects.get("reports/NMI0001/20261121.json")!) as ClientReport).sources.ownObjects).to.equal(48);
  });

  it("fails the revision of a flooded day without advising a re-run that would fail the same way", async () => {
    const next = addDays(DAY, 1);
    // the flooded day has no report; its 23:30 reading lands in the next day's partition and asks for one
    const lake = memoryLake({
      ...objects("NMI0002", DAY, MAX_PARTITION_OBJECTS + 1),
      ...perReading("NMI0002", next, householdDay(next)),
      [`NMI0002/${next.compact}/late.json`]: householdDay(DAY).trim().split("\n").at(-1)!,
    });
    const listed = recordListings(lake);
    const summary = await analyseDay(lake, memoryReports(), next, { now: () => new Date("2026-11-23T00:31:00Z") });
    expect([summary.reportsWritten, summary.failed]).to.deep.equal([
      1,
      [{ clientId: "NMI0002", error: `revising ${DAY.iso}: ${refusal(`NMI0002/${DAY.compact}/`)}` }],
    ]);
    expect(Math.max(...listed)).to.equal(MAX_PARTITION_OBJECTS + 1);
  });

  it("writes a JSON and an HTML report for every client with real-time or supplier data, and only those", async () => {
    const lake = memoryLake({
      [`NMI0001/${DAY.compact}/flush-1.json.gz`]: householdDay(DAY),
      [`NMI0002/${addDays(DAY, -1).compact}/flush-1.json.gz`]: householdDay(addDays(DAY, -1)),
      [`processed/${DAY.compact}/NMI0003.jsonl`]:
        '{"clientId":"NMI0003","intervalStart":"2026-11-21T00:00:00.000Z","intervalMinutes":30,"kwh":0.25,"quality":"A"}\n',
      [`quarantine/${DAY.compact}/NMI0003.json`]: "{}",
      [`bad prefix/${DAY.compact}/x.json`]: "{}",
    });
    const reports = memoryReports();
    const summary = await analyseDay(lake, reports, DAY, { now: NOW });
    expect(summary).to.deep.equal({
      date: "2026-11-21",
      clients: 2,
      reportsWritten: 2,
      reportsRevised: 0,
      householdRevisions: 0,
      readingsTooLate: 0,
      rejectedLines: 0,
      unusualHalfHours: 0,
      failed: [],
      skippedPrefixes: ["bad prefix"],
    });
    expect([...reports.objects.keys()].sort()).to.deep.equal([
      "reports/NMI0001/20261121.html",
      "reports/NMI0001/20261121.json",
      "reports/NMI0003/20261121.html",
      "reports/NMI0003/20261121.json",
    ]);
    const r3 = JSON.parse(reports.objects.get("reports/NMI0003/20261121.json")!) as ClientReport;
    expect([r3.totalKwh, r3.halfHoursCovered, r3.missingHalfHours.length, r3.peak]).to.deep.equal([
      0.25,
      1,
      47,
      { start: "2026-11-21T00:00:00.000Z", kwh: 0.25 },
    ]);
    expect(r3.sources).to.deep.equal({
      realtimeReadings: 0,
      supplierReadings: 1,
      duplicates: 0,
      outsideDay: 0,
      overlappingMinutes: 0,
      overlapping: 0,
      conflicting: 0,
      rejectedLines: 0,
      ownObjects: 0,
      laterObjects: {},
      latePartitions: [],
    });
    const r1 = JSON.parse(reports.objects.get("reports/NMI0001/20261121.json")!) as ClientReport;
    expect(r1.halfHoursCovered).to.equal(48);
    expect(r1.detector).to.deep.equal({ name: "rcf", historyHalfHours: 0, ready: true });
    expect(r1.comparison).to.deep.equal({ days: 0, partialDays: 0, averageKwh: null, changePercent: null, sameWeekdayLastWeekKwh: null, since: null });
  });

  it("lists refused lines with object, line and reason, and still reports the good ones", async () => {
    const good = householdDay(DAY).split("\n");
    good.splice(3, 0, '{"timestamp":"2026-11-21T01:30:00Z","kwh":-4}', "garbage");
    const lake = memoryLake({ [`NMI0001/${DAY.compact}/a.json`]: good.join("\n") });
    const reports = memoryReports();
    const summary = await analyseDay(lake, reports, DAY, { now: NOW });
    const r = JSON.parse(reports.objects.get("reports/NMI0001/20261121.json")!) as ClientReport;
    expect(summary.rejectedLines).to.equal(2);
    expect(r.rejected).to.deep.equal([
      { object: "NMI0001/20261121/a.json", line: 4, reason: 'field "kwh" must be a finite number >= 0, got -4' },
      { object: "NMI0001/20261121/a.json", line: 5, reason: 'not JSON: "garbage"' },
    ]);
    expect(r.halfHoursCovered).to.equal(48);
  });

  it("keeps going when one client fails, and names it in the summary", async () => {
    const lake = memoryLake({
      [`NMI0001/${DAY.compact}/a.json`]: householdDay(DAY),
      [`NMI0002/${DAY.compact}/BROKEN.json`]: householdDay(DAY),
    });
    const reports = memoryReports();
    const summary = await analyseDay(lake, reports, DAY, { now: NOW });
    expect(summary.reportsWritten).to.equal(1);
    expect(summary.failed).to.deep.equal([{ clientId: "NMI0002", error: "s3://lake/NMI0002/20261121/BROKEN.json: access denied" }]);
  });

  it("splits the clients over shards: each shard lists and reports only its own, together all of them once", async () => {
    const objects: Record<string, string> = {};
    const ids = Array.from({ length: 12 }, (_, i) => `NMI${String(i + 1).padStart(4, "0")}`);
    ids.forEach((id, i) => {
      if (i % 3 === 2)
        objects[`processed/${DAY.compact}/${id}.jsonl`] =
          '{"clientId":"x","intervalStart":"2026-11-21T00:00:00.000Z","intervalMinutes":30,"kwh":0.25,"quality":"A"}\n';
      else objects[`${id}/${DAY.compact}/a.json`] = householdDay(DAY);
    });
    const lake = memoryLake(objects);
    const listed: string[] = [];
    const list = lake.list.bind(lake);
    lake.list = async (prefix) => {
      listed.push(prefix);
      return list(prefix);
    };
    const reports = memoryReports();
    const counts: number[] = [];
    const listings: number[] = [];
    for (let index = 0; index < 3; index++) {
      listed.length = 0;
      const summary = await analyseDay(lake, reports, DAY, { now: NOW, shard: { index, count: 3 } });
      counts.push(summary.clients);
      listings.push(listed.filter((p) => !p.startsWith("processed/")).length);
    }
    expect(counts.reduce((a, b) => a + b, 0)).to.equal(12);
    // each client listed by one shard only: its day (once for every prefix), the next and the one before (for
    // supplier-only clients too)
    expect(listings.reduce((a, b) => a + b, 0)).to.equal(8 * 3 + 4 * 2);
    expect([...reports.objects.keys()].filter((k) => k.endsWith(".json")).sort()).to.deep.equal(ids.map((id) => `reports/${id}/${DAY.compact}.json`));
  });

  it("compares with earlier full days only: a day with an outage neither moves the average nor stands for last week", async () => {
    const objects: Record<string, string> = {};
    for (let k = 7; k >= 0; k--) {
      const d = addDays(DAY, -k);
      const lines = householdDay(d).split("\n").filter(Boolean);
      // a week before and three days before, the meter was offline from noon
      objects[`NMI0001/${d.compact}/a.json`] = (k === 7 || k === 3 ? lines.slice(0, 24) : lines).join("\n") + "\n";
    }
    const lake = memoryLake(objects);
    const reports = memoryReports();
    for (let k = 7; k >= 0; k--) await analyseDay(lake, reports, addDays(DAY, -k), { now: NOW });
    const r = JSON.parse(reports.objects.get("reports/NMI0001/20261121.json")!) as ClientReport;
    expect(r.comparison).to.deep.equal({ days: 5, partialDays: 2, averageKwh: r.totalKwh, changePercent: 0, sameWeekdayLastWeekKwh: null, since: null });
    const html = reports.objects.get("reports/NMI0001/20261121.html")!;
    expect(html).to.contain(`average ${r.totalKwh.toFixed(3)} kWh over 5 full day(s), this day +0% (2 day(s) with missing half-hours left out)`);
  });

  it("compares with earlier reports and flags the unusual half-hour the history makes unusual", async () => {
    const objects: Record<string, string> = {};
    for (let k = 14; k >= 0; k--) {
      const d = addDays(DAY, -k);
      objects[`NMI0001/${d.compact}/a.json`] = k === 0 ? householdDay(d, 6, 2.4) : householdDay(d);
    }
    const lake = memoryLake(objects);
    const reports = memoryReports();
    for (let k = 14; k >= 1; k--) await analyseDay(lake, reports, addDays(DAY, -k), { now: NOW });
    const summary = await analyseDay(lake, reports, DAY, { now: NOW });
    const r = JSON.parse(reports.objects.get("reports/NMI0001/20261121.json")!) as ClientReport;
    expect(r.comparison.days).to.equal(14);
    expect(r.comparison.sameWeekdayLastWeekKwh).to.equal(r.comparison.averageKwh);
    expect(r.detector.historyHalfHours).to.equal(14 * 48);
    expect(r.unusual.map((u) => [u.start, u.kwh])).to.deep.equal([["2026-11-21T03:00:00.000Z", 2.4]]);
    expect(r.unusual[0].expectedKwh).to.be.below(0.5);
    expect(r.halfHourly[6]).to.include({ unusual: true, kwh: 2.4 });
    expect(summary.unusualHalfHours).to.equal(1);
    const html = reports.objects.get("reports/NMI0001/20261121.html")!;
    expect(html).to.contain("<svg").and.contain("<circle").and.contain("<td>03:00</td><td>2.400</td>");
    expect(html).to.not.match(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("reports the day's last half-hour, which arrives after midnight in the next day's partition, and nothing else of that partition", async () => {
    const next = addDays(DAY, 1);
    const reading = (start: string, kwh: number) => JSON.stringify({ timestamp: start, kwh, intervalMinutes: 30 });
    // each half-hour is sent when it ends: 00:00..23:00 arrive on the day, 23:30 after midnight
    const day = Array.from({ length: 47 }, (_, i) => reading(new Date(DAY.startMs + i * 1_800_000).toISOString(), 0.3));
    const lake = memoryLake({
      [`NMI0001/${DAY.compact}/flush-1.json.gz`]: day.join("\n"),
      [`NMI0001/${next.compact}/flush-1.json.gz`]: [
        reading("2026-11-21T23:30:00.000Z", 0.3),
        reading("2026-11-22T00:00:00.000Z", 9),
        "not json",
        reading("2026-11-21T23:30:00.000Z", 5),
      ].join("\n"),
      [`NMI0002/${next.compact}/flush-1.json.gz`]: reading("2026-11-21T23:30:00.000Z", 0.3),
    });
    const reports = memoryReports();
    const summary = await analyseDay(lake, reports, DAY, { now: NOW });
    expect([summary.clients, summary.rejectedLines]).to.deep.equal([1, 0]);
    const r = JSON.parse(reports.objects.get("reports/NMI0001/20261121.json")!) as ClientReport;
    expect(r.totalKwh).to.equal(14.4);
    expect(r.missingHalfHours).to.deep.equal([]);
    expect([r.sources.realtimeReadings, r.sources.duplicates, r.sources.outsideDay]).to.deep.equal([49, 1, 0]);
  });

  it("writes the same bytes when a day is run again", async () => {
    const lake = memoryLake({ [`NMI0001/${DAY.compact}/a.json`]: householdDay(DAY, 10, 3) });
    const a = memoryReports();
    const b = memoryReports();
    await analyseDay(lake, a, DAY, { now: NOW });
    await analyseDay(lake, b, DAY, { now: NOW });
    expect([...a.objects.entries()]).to.deep.equal([...b.objects.entries()]);
  });
});
