import { rmSync } from "fs";
import { join } from "path";
import { analyseDay, RunSummary } from "../../functions/dailyAnalysis/analyseDay";
import { addDays, dayFromMs } from "../../functions/dailyAnalysis/reportDay";
import { TRAIN_DETECTOR_DEFAULTS } from "../../functions/trainAnomaly/settings";
import { DuckDbEngine } from "../../functions/usageSummary/duckdbEngine";
import { Summary, summarize } from "../../functions/usageSummary/summary";
import { parseSummaryDay } from "../../functions/usageSummary/summaryDay";
import { METER_READINGS_SQL, SHARED_RULES, TRAIN_TELEMETRY_SQL } from "../../infra/shared/ruleSql";
import { trainDefaults } from "../../infra/trainTelemetry/defaults";
import { startBroker } from "../iot/broker";
import { startDataPlaneServer } from "../iot/dataPlaneServer";
import { trainPublishCheck } from "../iot/devicePolicy";
import { ShadowService } from "../iot/shadowService";
import { attachToBroker } from "../iot/shadowTopics";
import { TopicRuleEngine } from "../iot/topicRules";
import { startKinesis } from "../kinesis/kinesisServer";
import { orderedSender } from "../kinesis/orderedSender";
import { LIVE_RATE, READING_INTERVAL_MS, liveReadingsOf, offlineAt, planFleet, trainTimelineStart } from "../sim/fleetPlan";
import { MeterFleet, meterHistory, planMeters } from "../sim/meterFleet";
import { FleetListener, RebootReport, TrainFleet } from "../sim/trainFleet";
import { metroptSampleFile, readMetroptRows } from "../sim/trainSource";
import { CustomersReport } from "../customers/customersReport";
import { scriptedMeters, walkCustomers } from "../customers/walkCustomers";
import { LiveEvent } from "../web/liveEvents";
import { WebView, startWebView } from "../web/webView";
import { meterLakeDelivery, sharedDelivery } from "./delivery";
import { RunFolders } from "./folders";
import { EdgeRun, EdgeSection, withEdgeOutage } from "./edgeReport";
import { episodeStartMs, RunMetrics } from "./runMetrics";
import { SupplierIngestion, supplierFiles } from "./supplierDrops";
import { TrainPipeline } from "./trainPipeline";
import { DevicesRun, DevicesSection, devicesLine } from "./devicesReport";

/** `npm start`: both systems end to end on loopback; see docs/local-stack.md. */
export interface LocalStackOptions {
  readonly durationS: number;
  readonly trains: number;
  readonly meters: number;
  readonly seed: number;
  readonly web: boolean;
  readonly outDir: string;
  /** ../shared/data, when present. */
  readonly sharedData?: string;
  /** Live readings per second per train. Default 20. */
  readonly rate?: number;
  /** History readings each train's model was trained on before the run. Default 8640 (one day at 10 s). */
  readonly historyReadings?: number;
  /** Printed progress lines (the terminal view). */
  readonly print: (line: string) => void;
  /** Resolves to stop early (Ctrl-C). */
  readonly interrupted?: Promise<void>;
}

export interface LocalReport {
  readonly seed: number;
  readonly durationS: number;
  readonly trains: number;
  readonly meters: number;
  readonly trainData: "metropt3" | "simulated";
  readonly readingsPublished: number;
  readonly readingsScored: number;
  readonly readingsDeadLettered: number;
  readonly readingsSkipped: number;
  readonly readingsLost: number;
  /** The train whose agent restarted during its outage, and what its outbox on disk kept (null: no offline train). */
  /** Every meter and train provisioned by claim before the fleets start, and publishes refused for want of it. */
  readonly devices: DevicesSection;
  readonly reboot: RebootReport | null;
  /** The train that detected at the edge during its outage, and how that compared with the cloud (null: none). */
  readonly edge: EdgeSection | null;
  readonly anomaliesInjected: number;
  readonly anomaliesDetected: number;
  readonly falseAlarms: number;
  readonly shadowDeliveries: number;
  readonly detectionLatencyMs: { readonly p50: number | null; readonly p99: number | null };
  readonly faults: unknown[];
  readonly meterReadingsPublished: number;
  readonly supplierFiles: { readonly accepted: number; readonly rejected: number; readonly rowsAccepted: number; readonly rowsRejected: number };
  readonly sharedRows: number;
  readonly dailyAnalysis: RunSummary;
  readonly summary: Summary;
  /** The scripted customers' walk from sign-up to their report's download, and their refused attempts on each other's. */
  readonly customers: CustomersReport;
  readonly outDir: string;
  readonly webUrl: string | null;
}

/** Days of meter history (and their reports) written before the run. */
export const HISTORY_DAYS = 7;

const tapEdge = (edge: EdgeRun | undefined, listener: FleetListener) => (edge ? edge.listen(listener) : listener);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) return false;
    await sleep(50);
  }
  return true;
}

export async function runLocalStack(o: LocalStackOptions): Promise<LocalReport> {
  const rate = o.rate ?? LIVE_RATE;
  const intervalMs = READING_INTERVAL_MS;
  rmSync(o.outDir, { recursive: true, force: true });
  const folders = new RunFolders(o.outDir);
  const startedAt = Date.now();
  const day = dayFromMs(Math.floor(startedAt / 86_400_000) * 86_400_000);
  const closers: (() => Promise<void> | void)[] = [];
  let web: WebView | undefined;
  const publish = (e: LiveEvent) => web?.publish(e);
  try {
    // --- services
    // trains publish under the program's own device policy: a refused publish disconnects the train, as on AWS
    const broker = await startBroker(0, { mayPublish: trainPublishCheck({ alerts: trainDefaults.shadowName, acknowledgements: trainDefaults.ackShadowName }) });
    closers.push(() => broker.close());
    const shadows = new ShadowService();
    closers.push(attachToBroker(shadows, broker.broker));
    const dataPlane = await startDataPlaneServer({ shadows, broker: broker.broker });
    closers.push(() => dataPlane.close());
    const kinesis = await startKinesis();
    closers.push(() => kinesis.close());
    const stream = await kinesis.createStream("gridrail-local-telemetry", 2);
    if (o.web) {
      web = await startWebView();
      closers.push(() => web!.close());
    }

    // --- plan and metrics
    const liveReadings = liveReadingsOf(o.durationS, rate);
    // a second train, not the one that reboots, is offline around its fault and detects at the edge
    const { plan, edgeTrainId } = withEdgeOutage(planFleet({ trains: o.trains, seed: o.seed, liveReadings }));
    const meterPlan = planMeters(o.meters, o.seed);
    // every device joins through fleet provisioning before it publishes
    const devices = await DevicesRun.provision(broker, meterPlan.clientIds, plan.trainIds);
    const metrics = new RunMetrics(intervalMs);
    const rows = o.sharedData ? readMetroptRows(metroptSampleFile(o.sharedData)) : undefined;
    // the trains' own timeline: from midnight UTC of the run's day, 10 s a reading, so a seed replays the same
    // readings at the same times of day (the detector's calendar features see them), whatever the wall clock.
    // The cloud refuses readings dated ahead of their arrival: a run early in the UTC day, whose timeline would
    // pass the wall clock, starts from the previous midnight instead
    const liveStart = trainTimelineStart(day.startMs, startedAt, liveReadings * intervalMs);
    const edgeRun = edgeTrainId === null ? undefined : new EdgeRun(edgeTrainId, TRAIN_DETECTOR_DEFAULTS, join(o.outDir, "edge"), liveStart);

    // --- the train path
    const pipeline = new TrainPipeline(TRAIN_DETECTOR_DEFAULTS, dataPlane.endpoint, (report) => {
      metrics.batch(report);
      for (const [trainId, score] of Object.entries(report.maxScore)) latestScore.set(trainId, score);
      for (const e of report.episodes) {
        publish({
          type: "alert",
          trainId: e.trainId,
          episodeId: e.id,
          state: e.kind === "opened" ? "open" : e.kind,
          t: episodeStartMs(e.id),
          message: e.message,
          sensors: [],
        });
      }
    });
    const fleet = new TrainFleet({
      brokerUrl: broker.url,
      plan,
      seed: o.seed,
      rows,
      startMs: liveStart,
      intervalMs,
      rate,
      outboxRoot: join(o.outDir, "outbox"),
      reboot: true,
      edge: edgeRun && { trainId: edgeRun.trainId, open: (dir) => edgeRun.open(dir) },
      listener: tapEdge(edgeRun, {
        // the score shown is the train's highest in the latest batch the pipeline scored (scores are per batch)
        reading: (trainId, r) => pendingReadings.push({ trainId, t: r.timestamp, values: pick(r.sensors), score: latestScore.get(trainId) ?? null }),
        faultStarted: (f, at, wall) => {
          metrics.faultStarted(f, at, wall, offlineAt(plan, f.trainId, f.start));
          publish({ type: "fault", trainId: f.trainId, kind: f.kind, startedAt: at, endsAt: at + f.length * intervalMs });
        },
        online: (trainId, online, wall) => publish({ type: "train", trainId, online, t: wall }),
        notice: (trainId, n, wall) => {
          metrics.notice(trainId, n.id, wall);
          const fault = metrics.summary().faults.find((f) => f.episodeId === n.id);
          publish({ type: "delivered", trainId, episodeId: n.id, latencyMs: fault?.latencyMs ?? null, offlineDelivery: fault?.offline ?? false });
        },
      }),
    });
    const latestScore = new Map<string, number>();
    const pendingReadings: { trainId: string; t: number; values: Record<string, number>; score: number | null }[] = [];
    const pick = (s: Record<string, number>) => ({ Reservoirs: s.Reservoirs, Motor_current: s.Motor_current, Oil_temperature: s.Oil_temperature });
    o.print(
      `pre-training ${o.trains} train model(s) on ${o.historyReadings ?? 8640} readings of history (${fleet.sourceKind === "metropt3" ? "MetroPT-3 replay" : "APU simulator"})...`,
    );
    await pipeline.pretrain(fleet.history(o.historyReadings ?? 8640));
    await edgeRun?.prepare(pipeline.deps.checkpoints);
    await pipeline.start(kinesis, stream.name, stream.arn);
    closers.push(() => pipeline.stop());

    // --- IoT rules, the program's own SQL
    const rules = new TopicRuleEngine(broker.broker);
    let ruleFailures = 0;
    const failed = () => void ruleFailures++;
    const puts: { data: unknown; partitionKey: string }[] = [];
    rules.addRule({
      name: "telemetry",
      sql: TRAIN_TELEMETRY_SQL,
      action: (out) => void puts.push({ data: out, partitionKey: String(out.trainId) }),
      errorAction: failed,
    });
    const lake = meterLakeDelivery(folders, 2000);
    rules.addRule({
      name: "meters",
      sql: METER_READINGS_SQL,
      action: (out) => lake.add(`${out.clientId}/${out.day}`, JSON.stringify(out)),
      errorAction: failed,
    });
    const sharedStats = { rows: 0, failed: 0 };
    const shared = sharedDelivery(folders, 2000, sharedStats);
    for (const t of SHARED_RULES) {
      rules.addRule({
        name: `share-${t.source}`,
        sql: t.sql,
        action: (out) => shared.add("shared", JSON.stringify(out)),
        errorAction: failed,
      });
    }
    const putInOrder = orderedSender(
      (batch: typeof puts) => kinesis.put(stream.name, batch),
      (e) => o.print(`kinesis put failed: ${e.message}`),
    );
    const putTimer = setInterval(() => {
      const batch = puts.splice(0, puts.length);
      if (batch.length) void putInOrder(batch);
    }, 50);

    // --- meters and suppliers
    const meters = new MeterFleet({
      brokerUrl: broker.url,
      plan: meterPlan,
      seed: o.seed,
      dayStartMs: day.startMs,
      slotEveryMs: Math.max(50, (o.durationS * 1000 * 0.8) / 48),
      onReading: (clientId, t, kwh) => pendingMeters.push({ clientId, t, kwh }),
    });
    const pendingMeters: { clientId: string; t: number; kwh: number }[] = [];
    // the meters' last week, analysed as the daily schedule would have, so the run's day has history
    for (let k = HISTORY_DAYS; k >= 1; k--) {
      const past = addDays(day, -k);
      for (const h of meterHistory(meterPlan, o.seed, past.startMs)) folders.write("meter-lake", h.key, h.body);
      await analyseDay(folders.lake(), folders.reports(), past, { concurrency: 4 });
    }
    const suppliers = new SupplierIngestion(folders);
    const drops = supplierFiles(o.sharedData && join(o.sharedData, "meters"), day.compact, meterPlan.clientIds);

    publish({
      type: "hello",
      startedAt,
      durationS: o.durationS,
      trains: [...plan.trainIds],
      meters: [...meterPlan.clientIds],
      sensors: ["Reservoirs", "Motor_current", "Oil_temperature"],
    });
    if (web) o.print(`live view: ${web.url}`);
    devices.fleetsStarting();
    fleet.start();
    await meters.start();
    suppliers.start();
    const stats = () => {
      const m = metrics.summary();
      return {
        readingsPublished: fleet.published,
        readingsScored: pipeline.stats.scored,
        readingsDeadLettered: pipeline.stats.deadLettered,
        anomaliesInjected: m.anomaliesInjected,
        anomaliesDetected: m.anomaliesDetected,
        falseAlarms: m.falseAlarms,
        shadowDeliveries: m.shadowDeliveries,
        meterReadings: meters.published,
        supplierFilesAccepted: suppliers.stats.accepted,
        supplierFilesRejected: suppliers.stats.rejected + suppliers.stats.deadLettered,
      };
    };
    const ticker = setInterval(() => {
      if (pendingReadings.length) publish({ type: "readings", items: pendingReadings.splice(0, pendingReadings.length) });
      if (pendingMeters.length) publish({ type: "meter", items: pendingMeters.splice(0, pendingMeters.length) });
      publish({ type: "stats", values: stats() });
    }, 250);
    const progress = setInterval(() => {
      const s = stats();
      o.print(
        `[${String(Math.round((Date.now() - startedAt) / 1000)).padStart(3)}s] trains: ${s.readingsPublished} published, ${s.readingsScored} scored, ${s.readingsDeadLettered} dead-lettered | anomalies: ${s.anomaliesDetected}/${s.anomaliesInjected} injected detected, ${s.shadowDeliveries} delivered, ${s.falseAlarms} false | meters: ${s.meterReadings} readings | supplier files: ${s.supplierFilesAccepted} ingested, ${s.supplierFilesRejected} rejected`,
      );
    }, 5000);
    closers.push(() => {
      clearInterval(ticker);
      clearInterval(progress);
      clearInterval(putTimer);
    });
    drops.forEach((f, i) => setTimeout(() => suppliers.drop(f), ((i + 1) * o.durationS * 1000) / (drops.length + 2)).unref());

    // --- run until the fleet is done or the user stops us
    await Promise.race([Promise.all([fleet.done, meters.done]), o.interrupted ?? new Promise(() => undefined)]);
    o.print("stopping: waiting for offline trains to flush and the pipeline to drain...");
    await until(() => fleet.drained, 15_000);
    const published = fleet.published;
    await until(() => pipeline.stats.scored + pipeline.stats.deadLettered + pipeline.stats.skipped + ruleFailures >= published && puts.length === 0, 20_000);
    // give the last alerts time to reach their trains: an offline train hears of its alert some 5 s after it
    // reconnects (its buffered readings are scored first), and longer on a loaded machine
    await until(() => metrics.summary().faults.every((f) => f.episodeId === null || f.latencyMs !== null), 15_000);
    await meters.stop();
    await fleet.stop();
    await suppliers.stop();
    rules.close();
    await lake.close();
    await shared.close();
    publish({ type: "stats", values: stats() });

    // --- the day's analysis and the data team's summary, over the run's folders
    const dailyAnalysis = await analyseDay(folders.lake(), folders.reports(), day, { concurrency: 4 });
    // the customers' downloads go into the trail before the summary counts them
    const customers = await walkCustomers({ root: o.outDir, meterIds: scriptedMeters(meterPlan.clientIds), date: day.iso, trail: true });
    const engine = await DuckDbEngine.open(o.outDir);
    let summary: Summary;
    try {
      summary = await summarize(engine, parseSummaryDay(day.iso));
    } finally {
      engine.close();
    }
    const m = metrics.summary();
    const report: LocalReport = {
      seed: o.seed,
      durationS: o.durationS,
      trains: o.trains,
      meters: o.meters,
      trainData: fleet.sourceKind,
      readingsPublished: published,
      readingsScored: pipeline.stats.scored,
      readingsDeadLettered: pipeline.stats.deadLettered,
      readingsSkipped: pipeline.stats.skipped + ruleFailures,
      readingsLost: published - pipeline.stats.scored - pipeline.stats.deadLettered - pipeline.stats.skipped - ruleFailures,
      devices: devices.section(),
      reboot: fleet.reboot,
      edge: edgeRun?.section() ?? null,
      anomaliesInjected: m.anomaliesInjected,
      anomaliesDetected: m.anomaliesDetected,
      falseAlarms: m.falseAlarms,
      shadowDeliveries: m.shadowDeliveries,
      detectionLatencyMs: { p50: m.detectionLatencyMs.p50, p99: m.detectionLatencyMs.p99 },
      faults: [...m.faults],
      meterReadingsPublished: meters.published,
      supplierFiles: {
        accepted: suppliers.stats.accepted,
        rejected: suppliers.stats.rejected + suppliers.stats.deadLettered,
        rowsAccepted: suppliers.stats.rowsAccepted,
        rowsRejected: suppliers.stats.rowsRejected,
      },
      sharedRows: sharedStats.rows,
      dailyAnalysis,
      summary,
      customers,
      outDir: o.outDir,
      webUrl: web?.url ?? null,
    };
    o.print(devicesLine(report.devices));
    if (fleet.reboot)
      o.print(
        `reboot: ${fleet.reboot.trainId} restarted offline with ${fleet.reboot.bufferedAtReboot} readings in its outbox, ${fleet.reboot.restored} restored, ${fleet.reboot.readingsLostAcrossReboot} lost across the reboot`,
      );
    if (report.edge) o.print(EdgeRun.line(report.edge));
    publish({ type: "end", report });
    return report;
  } finally {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (e) {
        o.print(`while closing: ${(e as Error).message}`);
      }
    }
  }
}
