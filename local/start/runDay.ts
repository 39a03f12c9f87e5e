/**
 * The run's day as the schedules would see it: the meters' last week analysed before the run (so the day has
 * history; one meter was offline OUTAGE_DAYS_AGO and sends that day during the run), and after it the day's analysis, the scripted customers' walk to their reports, and the data
 * team's usage summary over the run's folders.
 */
import { analyseDay, RunSummary } from "../../functions/dailyAnalysis/analyseDay";
import { addDays, ReportDay } from "../../functions/dailyAnalysis/reportDay";
import { DuckDbEngine } from "../../functions/usageSummary/duckdbEngine";
import { Summary, summarize, withSkippedFiles } from "../../functions/usageSummary/summary";
import { parseSummaryDay } from "../../functions/usageSummary/summaryDay";
import { CustomersReport } from "../customers/customersReport";
import { issueHouseholdCodes, scriptedMeters, walkCustomers } from "../customers/walkCustomers";
import { LOCAL_PROFILE_TABLE } from "../customers/customerTables";
import { dynamoHouseholds } from "../../functions/dailyAnalysis/dynamoHouseholds";
import { MeterPlan, meterHistory, OUTAGE_DAYS_AGO } from "../sim/meterFleet";
import { RunFolders } from "./folders";

/** Days of meter history written and analysed before the run. */
export const HISTORY_DAYS = 7;

export async function analyseMeterHistory(folders: RunFolders, plan: MeterPlan, seed: number, day: ReportDay): Promise<void> {
  for (let k = HISTORY_DAYS; k >= 1; k--) {
    const past = addDays(day, -k);
    const offline = k === OUTAGE_DAYS_AGO ? plan.backFromOutage : undefined;
    for (const h of meterHistory(plan, seed, past.startMs, offline)) folders.write("meter-lake", h.key, h.body);
    await analyseDay(folders.lake(), folders.reports(), past, { concurrency: 4 });
  }
}

export interface RunDayResults {
  readonly dailyAnalysis: RunSummary;
  readonly customers: CustomersReport;
  readonly summary: Summary;
}

export async function analyseRunDay(folders: RunFolders, outDir: string, plan: MeterPlan, day: ReportDay): Promise<RunDayResults> {
  // the supplier issues the scripted households' codes before the run: the analysis reads their first days
  const meterIds = scriptedMeters(plan.clientIds);
  const households = await issueHouseholdCodes(meterIds, day.iso);
  const dailyAnalysis = await analyseDay(folders.lake(), folders.reports(), day, {
    concurrency: 4,
    households: dynamoHouseholds(households.tables.operatorClient(), LOCAL_PROFILE_TABLE),
  });
  // the customers' downloads go into the trail before the summary counts them
  const customers = await walkCustomers({ root: outDir, meterIds, date: day.iso, trail: true, households });
  const engine = await DuckDbEngine.open(outDir);
  try {
    // as `gridrail summary --local` counts it: a file the tables cannot read (the malformed upload) is skipped
    return { dailyAnalysis, customers, summary: withSkippedFiles(await summarize(engine, parseSummaryDay(day.iso)), engine.skipped.length) };
  } finally {
    engine.close();
  }
}
