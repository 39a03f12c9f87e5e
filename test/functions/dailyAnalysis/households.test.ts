import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { analyseDay } from "../../../functions/dailyAnalysis/analyseDay";
import { ClientReport } from "../../../functions/dailyAnalysis/clientReport";
import { dynamoHouseholds, householdRequest } from "../../../functions/dailyAnalysis/dynamoHouseholds";
import { checkFirstDay, comparedSince, Households, memoryHouseholds, sameHousehold } from "../../../functions/dailyAnalysis/households";
import { MemoryLake, MemoryReports } from "../../../functions/dailyAnalysis/memoryPorts";
import { addDays, parseDay, ReportDay } from "../../../functions/dailyAnalysis/reportDay";
import { DEFAULT_CLAIM_TTL_HOURS, issueClaim } from "../../../functions/meterClaim/claimAdmin";
import { CustomerTables, LOCAL_PROFILE_TABLE } from "../../../local/customers/customerTables";

describe("daily analysis: households", () => {
  describe("which earlier days a report compares with", () => {
    const cases: [past: string, day: string, firstDay: string | undefined, same: boolean][] = [
      ["2026-11-10", "2026-11-21", undefined, true],
      // the new household's days compare only with its own
      ["2026-11-17", "2026-11-21", "2026-11-18", false],
      ["2026-11-18", "2026-11-21", "2026-11-18", true],
      ["2026-11-20", "2026-11-21", "2026-11-21", false],
      // the previous household's days (a revision, or a household moving in later) only with theirs
      ["2026-11-10", "2026-11-17", "2026-11-18", true],
      ["2026-11-10", "2026-11-21", "2026-12-01", true],
    ];
    for (const [past, day, firstDay, same] of cases) {
      it(`${past} for ${day} with the household from ${firstDay ?? "(none)"}: ${same ? "compared" : "not compared"}`, () => {
        expect(sameHousehold(past, day, firstDay)).to.equal(same);
      });
    }

    it("says since when a household's first day limits the report's day, and only then", () => {
      expect([
        comparedSince("2026-11-21", undefined),
        comparedSince("2026-11-21", "2026-11-18"),
        comparedSince("2026-11-21", "2026-11-21"),
        comparedSince("2026-11-21", "2026-11-22"),
      ]).to.deep.equal([null, "2026-11-18", "2026-11-21", null]);
    });

    it("takes a stored first day only when it is a real day YYYY-MM-DD, and names the value otherwise", () => {
      expect(["2026-11-18", undefined, "2026-02-30", "20261118", "2026-11-18T00:00:00Z", ""].map(checkFirstDay)).to.deep.equal([
        { day: "2026-11-18" },
        {},
        { error: 'household first day must be a day YYYY-MM-DD, got "2026-02-30"' },
        { error: 'household first day must be a day YYYY-MM-DD, got "20261118"' },
        { error: 'household first day must be a day YYYY-MM-DD, got "2026-11-18T00:00:00Z"' },
        { error: 'household first day must be a day YYYY-MM-DD, got ""' },
      ]);
    });
  });

  describe("the profile table's claims", () => {
    let dynamo: ReturnType<typeof mockClient>;
    before(() => (dynamo = mockClient(DynamoDBClient)));
    afterEach(() => dynamo.reset());
    after(() => dynamo.restore());
    const client = () => new DynamoDBClient({ region: "eu-west-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" } });

    it("reads of a meter's claim item only the attributes its grant allows", () => {
      expect(householdRequest("profiles", "NMI0001")).to.deep.equal({
        TableName: "profiles",
        Key: { customerId: { S: "claim#NMI0001" } },
        ProjectionExpression: "#a0, #a1, #a2",
        ExpressionAttributeNames: { "#a0": "customerId", "#a1": "reportsFrom", "#a2": "issuedAt" },
      });
    });

    it("gives the claim's reportsFrom, else the day it was issued (UTC), else nothing", async () => {
      const item = (fields: Record<string, string>) => ({ Item: marshall({ customerId: "claim#x", ...fields }) });
      dynamo.on(GetItemCommand, { Key: { customerId: { S: "claim#A" } } }).resolves(item({ reportsFrom: "2026-11-18", issuedAt: "2026-11-20T09:00:00Z" }));
      dynamo.on(GetItemCommand, { Key: { customerId: { S: "claim#B" } } }).resolves(item({ issuedAt: "2026-11-20T23:30:00Z" }));
      dynamo.on(GetItemCommand, { Key: { customerId: { S: "claim#C" } } }).resolves({});
      const households = dynamoHouseholds(client(), "profiles");
      expect(await Promise.all(["A", "B", "C"].map((m) => households.firstDay(m)))).to.deep.equal(["2026-11-18", "2026-11-20", undefined]);
    });
  });

  describe("a meter whose household changes, through the day's runs", () => {
    const DAY = parseDay("2026-11-21");
    const MOVED_IN = "2026-11-18";
    const NOW = () => new Date("2026-11-22T00:31:00Z");

    /** A day of half-hourly readings, `kwh` each, as the readings rule writes them (one object here). */
    const dayOf = (d: ReportDay, kwh: number) =>
      Array.from({ length: 48 }, (_, i) => JSON.stringify({ timestamp: new Date(d.startMs + i * 1_800_000).toISOString(), kwh, intervalMinutes: 30 })).join(
        "\n",
      ) + "\n";
    /** Fourteen days before DAY: the previous household used 0.9 kWh a half-hour until MOVED_IN, the new one 0.3. */
    function meterLake(): MemoryLake {
      const objects = new Map<string, string>();
      for (let k = 14; k >= 0; k--) {
        const d = addDays(DAY, -k);
        objects.set(`NMI0001/${d.compact}/a.json`, dayOf(d, d.iso < MOVED_IN ? 0.9 : 0.3));
        objects.set(`NMI0002/${d.compact}/a.json`, dayOf(d, 0.5));
      }
      return new MemoryLake(objects);
    }
    async function runDays(households: Households, log?: (e: object) => void) {
      const lake = meterLake();
      const reports = new MemoryReports();
      for (let k = 14; k >= 1; k--) await analyseDay(lake, reports, addDays(DAY, -k), { now: NOW, households });
      const summary = await analyseDay(lake, reports, DAY, { now: NOW, households, log });
      const report = (client: string, d: string) => JSON.parse(reports.objects.get(`reports/${client}/${d}.json`)!) as ClientReport;
      return { lake, reports, summary, report };
    }

    it("compares the new household's days only with its own, and says from when", async () => {
      const { report, reports } = await runDays(memoryHouseholds({ NMI0001: MOVED_IN }));
      const r = report("NMI0001", "20261121");
      // 18th to 20th: the new household's; the 14th (last week) was the previous one's
      expect(r.comparison).to.deep.equal({ days: 3, partialDays: 0, averageKwh: 14.4, changePercent: 0, sameWeekdayLastWeekKwh: null, since: MOVED_IN });
      expect(r.detector.historyHalfHours).to.equal(3 * 48);
      expect(reports.objects.get("reports/NMI0001/20261121.html")).to.contain(
        "average 14.400 kWh over 3 full day(s), this day +0%; days before 2026-11-18, your household&#39;s first day, are not compared",
      );
      // the household's first day has no earlier day of its own
      expect(report("NMI0001", "20261118").comparison).to.include({ days: 0, averageKwh: null, since: MOVED_IN });
      // the previous household's last day compares with its own days as before
      expect(report("NMI0001", "20261117").comparison).to.include({ days: 10, averageKwh: 43.2, since: null });
      // a meter without a household compares with every earlier day
      expect(report("NMI0002", "20261121").comparison).to.include({ days: 14, averageKwh: 24, sameWeekdayLastWeekKwh: 24, since: null });
    });

    it("without households, compares the new household with the previous one's days (what the first day prevents)", async () => {
      const { report } = await runDays(memoryHouseholds({}));
      expect(report("NMI0001", "20261121").comparison).to.include({ days: 14, averageKwh: 37.028571, changePercent: -61.1, since: null });
    });

    it("keeps to the household in a revision: a late reading of the new household's day compares with its days only", async () => {
      const { lake, reports, report } = await runDays(memoryHouseholds({ NMI0001: MOVED_IN }));
      // the 19th's first half-hour again, higher, arrives in the 22nd's partition
      const next = addDays(DAY, 1);
      lake.objects.set(`NMI0001/${next.compact}/late.json`, JSON.stringify({ timestamp: "2026-11-19T00:00:00.000Z", kwh: 0.3, intervalMinutes: 30 }) + "\n");
      lake.objects.set(`NMI0001/${next.compact}/b.json`, dayOf(next, 0.3));
      await analyseDay(lake, reports, next, { now: () => new Date("2026-11-23T00:31:00Z"), households: memoryHouseholds({ NMI0001: MOVED_IN }) });
      expect(report("NMI0001", "20261122").comparison).to.include({ days: 4, averageKwh: 14.4, since: MOVED_IN });
      expect(report("NMI0001", "20261119").comparison).to.include({ days: 1, averageKwh: 14.4, since: MOVED_IN });
    });

    it("ignores a stored first day that is not a day, saying so, and fails alone a meter whose household cannot be read", async () => {
      const logged: Record<string, unknown>[] = [];
      const households: Households = {
        async firstDay(meterId) {
          if (meterId === "NMI0002") throw new Error("profiles: throttled");
          return "18/11/2026";
        },
      };
      const lake = meterLake();
      const reports = new MemoryReports();
      const summary = await analyseDay(lake, reports, DAY, { now: NOW, households, log: (e) => logged.push(e as Record<string, unknown>) });
      expect(summary.failed).to.deep.equal([{ clientId: "NMI0002", error: "profiles: throttled" }]);
      expect(summary.reportsWritten).to.equal(1);
      expect(logged.filter((e) => e.message === "household first day ignored")).to.deep.equal([
        { level: "WARN", message: "household first day ignored", clientId: "NMI0001", error: 'household first day must be a day YYYY-MM-DD, got "18/11/2026"' },
      ]);
      const r = JSON.parse(reports.objects.get("reports/NMI0001/20261121.json")!) as ClientReport;
      expect(r.comparison.since).to.equal(null);
    });
    it("from the supplier's claim to the report: a code issued for a household moving in bounds the next runs' comparisons", async () => {
      // the profile table the operator's `claims issue` writes, read as the analysis' Lambda reads it
      const tables = new CustomerTables();
      const households = dynamoHouseholds(tables.operatorClient(), LOCAL_PROFILE_TABLE);
      const lake = meterLake();
      const reports = new MemoryReports();
      const runAt = (d: ReportDay) => () => new Date(d.startMs + 86_400_000 + 31 * 60_000);
      for (let k = 14; k >= 4; k--) await analyseDay(lake, reports, addDays(DAY, -k), { now: runAt(addDays(DAY, -k)), households });
      // the new household moves in on the 18th; the supplier issues its code that day
      await issueClaim(tables.operatorClient(), LOCAL_PROFILE_TABLE, "NMI0001", DEFAULT_CLAIM_TTL_HOURS, new Date("2026-11-18T10:00:00Z"), undefined, MOVED_IN);
      for (let k = 3; k >= 0; k--) await analyseDay(lake, reports, addDays(DAY, -k), { now: runAt(addDays(DAY, -k)), households });
      const r = JSON.parse(reports.objects.get("reports/NMI0001/20261121.json")!) as ClientReport;
      expect(r.comparison).to.include({ days: 3, averageKwh: 14.4, since: MOVED_IN });
      expect(JSON.parse(reports.objects.get("reports/NMI0002/20261121.json")!).comparison).to.include({ days: 14, since: null });
    });
  });
});
