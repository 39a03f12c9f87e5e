import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { analyseDay } from "../../../functions/dailyAnalysis/analyseDay";
import { ClientReport } from "../../../functions/dailyAnalysis/clientReport";
import { dynamoHouseholds, HOUSEHOLD_ATTRIBUTES, HOUSEHOLD_KEY_PATTERNS, householdRequest } from "../../../functions/dailyAnalysis/dynamoHouseholds";
import {
  checkFirstDay,
  comparedSince,
  Households,
  madeForOtherHousehold,
  memoryHouseholds,
  sameHousehold,
  storedSince,
} from "../../../functions/dailyAnalysis/households";
import { MemoryLake, MemoryReports } from "../../../functions/dailyAnalysis/memoryPorts";
import { addDays, parseDay, ReportDay } from "../../../functions/dailyAnalysis/reportDay";
import { DEFAULT_CLAIM_TTL_HOURS, issueClaim } from "../../../functions/meterClaim/claimAdmin";
import { claimKey, meterKey } from "../../../functions/meterClaim/dynamoClaimStore";
import { CustomerTables, LOCAL_PROFILE_TABLE } from "../../../local/customers/customerTables";
import { projectedGetStatement } from "../../../infra/shared/policyDocuments";

describe("daily analysis: households", () => {
  describe("which earlier days a report compares with", () => {
    const cases: [past: string, day: string, firstDays: string[], same: boolean][] = [
      ["2026-11-10", "2026-11-21", [], true],
      // the new household's days compare only with its own
      ["2026-11-17", "2026-11-21", ["2026-11-18"], false],
      ["2026-11-18", "2026-11-21", ["2026-11-18"], true],
      ["2026-11-20", "2026-11-21", ["2026-11-21"], false],
      // the previous household's days (a revision, or a household moving in later) only with theirs
      ["2026-11-10", "2026-11-17", ["2026-11-18"], true],
      ["2026-11-10", "2026-11-21", ["2026-12-01"], true],
      // the linked household's first day and a code issued since for the next one
      ["2026-11-16", "2026-11-19", ["2026-11-15", "2026-12-10"], true],
      ["2026-11-14", "2026-11-19", ["2026-12-10", "2026-11-15"], false],
      ["2026-12-09", "2026-12-11", ["2026-11-15", "2026-12-10"], false],
      ["2026-12-10", "2026-12-11", ["2026-11-15", "2026-12-10"], true],
    ];
    for (const [past, day, firstDays, same] of cases) {
      it(`${past} for ${day} with households from [${firstDays.join(", ")}]: ${same ? "compared" : "not compared"}`, () => {
        expect(sameHousehold(past, day, firstDays)).to.equal(same);
      });
    }

    it("says since when a household's first day leaves out some of the 14 days before, and only then", () => {
      expect([
        comparedSince("2026-11-21", []),
        comparedSince("2026-11-21", ["2026-11-18"]),
        comparedSince("2026-11-21", ["2026-11-21"]),
        comparedSince("2026-11-21", ["2026-11-22"]),
        // a household there 14 days or more: none of the days compared with is left out
        comparedSince("2026-11-21", ["2026-11-07"]),
        comparedSince("2026-11-21", ["2026-11-08"]),
        comparedSince("2026-11-21", ["2026-11-08", "2026-11-30"]),
      ]).to.deep.equal([null, "2026-11-18", "2026-11-21", null, null, "2026-11-08", "2026-11-08"]);
    });

    it("tells a stored report made with other households than the meter's now, by its comparison.since", () => {
      const made = (since?: unknown) => ({ comparison: since === undefined ? {} : { since } });
      const cases: [report: unknown, day: string, firstDays: string[], other: boolean][] = [
        [made(null), "2026-11-20", [], false],
        // a report made before households were known has no since
        [made(), "2026-11-20", [], false],
        [made(), "2026-11-20", ["2026-11-15"], true],
        [made(null), "2026-11-20", ["2026-11-15"], true],
        [made("2026-11-15"), "2026-11-20", ["2026-11-15"], false],
        // a code issued since for the next household changes nothing of it
        [made("2026-11-15"), "2026-11-20", ["2026-12-10", "2026-11-15"], false],
        // its household's first day long before its 14 days: nothing to recompute
        [made(null), "2026-11-20", ["2026-10-01"], false],
        [made("2026-11-15"), "2026-11-20", [], true],
        ["not a report", "2026-11-20", [], false],
      ];
      expect(cases.map(([report, day, firstDays]) => madeForOtherHousehold(report, day, firstDays))).to.deep.equal(cases.map(([, , , other]) => other));
      expect([made("2026-11-15"), made(null), made(), made(15), "not a report", null].map(storedSince)).to.deep.equal([
        "2026-11-15",
        null,
        null,
        null,
        null,
        null,
      ]);
    });

    it("takes a stored first day only when it is a real day YYYY-MM-DD, and names the value otherwise", () => {
      expect(["2026-11-18", "2026-02-30", "20261118", "2026-11-18T00:00:00Z", ""].map(checkFirstDay)).to.deep.equal([
        { day: "2026-11-18" },
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

    it("reads of a meter's claim and owner items only the attributes its grant allows", () => {
      expect(householdRequest("profiles", "claim#NMI0001")).to.deep.equal({
        TableName: "profiles",
        Key: { customerId: { S: "claim#NMI0001" } },
        ProjectionExpression: "#a0, #a1, #a2",
        ExpressionAttributeNames: { "#a0": "customerId", "#a1": "reportsFrom", "#a2": "issuedAt" },
        ConsistentRead: true,
      });
      // the request against the statement the infrastructure grants (IAM StringLike: * is any run of characters)
      const grant = projectedGetStatement("ReadHouseholds", "arn", HOUSEHOLD_KEY_PATTERNS, HOUSEHOLD_ATTRIBUTES).Condition!;
      const patterns = (grant["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] as string[]).map((p) => new RegExp(`^${p.replace(/\*/g, ".*")}$`));
      const allowed = grant["ForAllValues:StringEquals"]["dynamodb:Attributes"] as string[];
      for (const key of [claimKey("NMI0001"), meterKey("NMI0001")]) {
        const request = householdRequest("profiles", key);
        const named = request.ProjectionExpression!.split(", ").map((n) => request.ExpressionAttributeNames![n]);
        expect([patterns.some((p) => p.test(key)), named.every((n) => allowed.includes(n))], key).to.deep.equal([true, true]);
      }
      expect(patterns.some((p) => p.test("c0ffee-customer-sub")) || patterns.some((p) => p.test("attempts#x#2026-11-21T10"))).to.equal(false);
    });

    it("gives the linked household's first day and the latest code's (its reportsFrom, else the day it was issued, UTC)", async () => {
      const item = (key: string, fields: Record<string, string>) => ({ Item: marshall({ customerId: key, ...fields }) });
      const on = (key: string, out: object) => dynamo.on(GetItemCommand, { Key: { customerId: { S: key } } }).resolves(out);
      on("claim#A", item("claim#A", { reportsFrom: "2026-12-10", issuedAt: "2026-11-20T09:00:00Z" }));
      on("meter#A", item("meter#A", { reportsFrom: "2026-11-15" }));
      on("claim#B", item("claim#B", { issuedAt: "2026-11-20T23:30:00Z" }));
      on("meter#B", {});
      on("claim#C", {});
      on("meter#C", {});
      const households = dynamoHouseholds(client(), "profiles");
      expect(await Promise.all(["A", "B", "C"].map((m) => households.firstDays(m)))).to.deep.equal([["2026-12-10", "2026-11-15"], ["2026-11-20"], []]);
      expect(dynamo.commandCalls(GetItemCommand).map((c) => c.args[0].input.Key!.customerId.S)).to.have.members([
        "claim#A",
        "meter#A",
        "claim#B",
        "meter#B",
        "claim#C",
        "meter#C",
      ]);
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
      const { report, reports } = await runDays(memoryHouseholds({ NMI0001: [MOVED_IN] }));
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

    it("keeps to the household in a revision, and still revises the previous household's days with their late readings", async () => {
      let reads = 0;
      const households: Households = { firstDays: async (meterId) => (reads++, meterId === "NMI0001" ? [MOVED_IN] : []) };
      const { lake, reports, report } = await runDays(households);
      // the 19th's and the 17th's first half-hours sent again arrive in the 22nd's partition: both days are revised
      const next = addDays(DAY, 1);
      const late = (start: string) => JSON.stringify({ timestamp: start, kwh: 0.6, intervalMinutes: 30 }) + "\n";
      lake.objects.set(`NMI0001/${next.compact}/late-19.json`, late("2026-11-19T00:00:00.000Z"));
      lake.objects.set(`NMI0001/${next.compact}/late-17.json`, late("2026-11-17T00:00:00.000Z"));
      lake.objects.set(`NMI0001/${next.compact}/b.json`, dayOf(next, 0.3));
      reads = 0;
      await analyseDay(lake, reports, next, { now: () => new Date("2026-11-23T00:31:00Z"), households });
      // once a client a run: its day and both revisions (NMI0002 has no data on the 22nd)
      expect(reads).to.equal(1);
      expect(report("NMI0001", "20261122").comparison).to.include({ days: 4, since: MOVED_IN });
      const r19 = report("NMI0001", "20261119");
      expect([r19.sources.latePartitions, r19.comparison.days, r19.comparison.averageKwh, r19.comparison.since]).to.deep.equal([
        ["2026-11-22"],
        1,
        14.4,
        MOVED_IN,
      ]);
      const r17 = report("NMI0001", "20261117");
      expect([r17.sources.latePartitions, r17.comparison.days, r17.comparison.averageKwh, r17.comparison.since]).to.deep.equal([
        ["2026-11-22"],
        10,
        43.2,
        null,
      ]);
    });

    it("on the household's first day, still revises the day before with an object that landed in its partition after its run", async () => {
      const households = memoryHouseholds({ NMI0001: [MOVED_IN] });
      const lake = meterLake();
      const reports = new MemoryReports();
      for (let k = 14; k >= 4; k--) await analyseDay(lake, reports, addDays(DAY, -k), { now: NOW, households });
      lake.objects.set("NMI0001/20261117/flushed-late.json", JSON.stringify({ timestamp: "2026-11-17T23:00:00.000Z", kwh: 0.9, intervalMinutes: 30 }) + "\n");
      await analyseDay(lake, reports, parseDay(MOVED_IN), { now: NOW, households });
      const r17 = JSON.parse(reports.objects.get("reports/NMI0001/20261117.json")!) as ClientReport;
      expect([r17.sources.ownObjects, r17.comparison.since]).to.deep.equal([2, null]);
    });

    it("recomputes the reports made before a back-dated first day was known, once, within the 14 days a run looks back", async () => {
      // the household moved in on the 15th; its code is issued on the 21st, back-dated to the 15th
      const movedIn = "2026-11-15";
      const lake = meterLake();
      const reports = new MemoryReports();
      const runAt = (d: ReportDay) => () => new Date(d.startMs + 86_400_000 + 31 * 60_000);
      for (let k = 14; k >= 1; k--) await analyseDay(lake, reports, addDays(DAY, -k), { now: runAt(addDays(DAY, -k)) });
      const report = (d: string) => JSON.parse(reports.objects.get(`reports/NMI0001/${d}.json`)!) as ClientReport;
      expect(report("20261120").comparison).to.include({ days: 13, sameWeekdayLastWeekKwh: 43.2, since: null });
      const logged: Record<string, unknown>[] = [];
      const households = memoryHouseholds({ NMI0001: [movedIn] });
      const summary = await analyseDay(lake, reports, DAY, { now: runAt(DAY), households, log: (e) => logged.push(e as Record<string, unknown>) });
      // the 15th to the 20th, each compared with its household's days only; the 14th and before were the previous one's
      expect(logged.filter((e) => e.message === "household first day: report revised").map((e) => e.date)).to.deep.equal([
        "2026-11-15",
        "2026-11-16",
        "2026-11-17",
        "2026-11-18",
        "2026-11-19",
        "2026-11-20",
      ]);
      expect([summary.reportsRevised, summary.householdRevisions]).to.deep.equal([6, 6]);
      expect(report("20261120").comparison).to.include({ days: 5, sameWeekdayLastWeekKwh: null, since: movedIn });
      expect(report("20261115").comparison).to.include({ days: 0, averageKwh: null, since: movedIn });
      expect(report("20261114").comparison.since).to.equal(null);
      // the next run finds nothing to recompute
      logged.length = 0;
      const next = addDays(DAY, 1);
      lake.objects.set(`NMI0001/${next.compact}/a.json`, dayOf(next, 0.3));
      const again = await analyseDay(lake, reports, next, { now: runAt(next), households, log: (e) => logged.push(e as Record<string, unknown>) });
      expect([again.reportsRevised, logged.filter((e) => String(e.message).startsWith("household first day")).length]).to.deep.equal([0, 0]);
    });

    it("ignores a stored first day that is not a day, saying so, and fails alone a meter whose household cannot be read", async () => {
      const logged: Record<string, unknown>[] = [];
      const households: Households = {
        async firstDays(meterId) {
          if (meterId === "NMI0002") throw new Error("profiles: throttled");
          return ["18/11/2026"];
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
    it("from the supplier's claims to the report: the linked household keeps its first day when a code is issued for the next", async () => {
      // the profile table the operator's `claims issue` writes, read as the analysis' Lambda reads it
      const tables = new CustomerTables();
      const households = dynamoHouseholds(tables.operatorClient(), LOCAL_PROFILE_TABLE);
      const lake = meterLake();
      const reports = new MemoryReports();
      const runAt = (d: ReportDay) => () => new Date(d.startMs + 86_400_000 + 31 * 60_000);
      for (let k = 14; k >= 4; k--) await analyseDay(lake, reports, addDays(DAY, -k), { now: runAt(addDays(DAY, -k)), households });
      // the new household moves in on the 18th; the supplier issues its code that day, and the customer links with it
      await issueClaim(tables.operatorClient(), LOCAL_PROFILE_TABLE, "NMI0001", DEFAULT_CLAIM_TTL_HOURS, new Date("2026-11-18T10:00:00Z"), undefined, MOVED_IN);
      await tables.link("customer-1", (await tables.claim("NMI0001"))!, new Date("2026-11-18T12:00:00Z"));
      for (let k = 3; k >= 0; k--) await analyseDay(lake, reports, addDays(DAY, -k), { now: runAt(addDays(DAY, -k)), households });
      const report = (d: string) => JSON.parse(reports.objects.get(`reports/NMI0001/${d}.json`)!) as ClientReport;
      expect(report("20261121").comparison).to.include({ days: 3, averageKwh: 14.4, since: MOVED_IN });
      expect(JSON.parse(reports.objects.get("reports/NMI0002/20261121.json")!).comparison).to.include({ days: 14, since: null });
      // the household announces its move out: a code for the next one, from 10 December, replaces the claim item
      await issueClaim(
        tables.operatorClient(),
        LOCAL_PROFILE_TABLE,
        "NMI0001",
        DEFAULT_CLAIM_TTL_HOURS,
        new Date("2026-11-22T09:00:00Z"),
        undefined,
        "2026-12-10",
      );
      const next = addDays(DAY, 1);
      lake.objects.set(`NMI0001/${next.compact}/late.json`, JSON.stringify({ timestamp: "2026-11-19T00:00:00.000Z", kwh: 0.6, intervalMinutes: 30 }) + "\n");
      await analyseDay(lake, reports, next, { now: runAt(next), households });
      expect(report("20261119").sources.latePartitions).to.deep.equal(["2026-11-22"]);
      expect(report("20261119").comparison).to.include({ days: 1, averageKwh: 14.4, since: MOVED_IN });
    });
  });
});
