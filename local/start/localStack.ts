import { InputError } from "../../anomaly/errors";
import { join } from "path";
import { RunSummary } from "../../functions/dailyAnalysis/analyseDay";
import { dayFromMs } from "../../functions/dailyAnalysis/reportDay";
import { TRAIN_DETECTOR_DEFAULTS } from "../../functions/trainAnomaly/settings";
import { trainDefaults } from "../../infra/trainTelemetry/defaults";
import { Summary } from "../../functions/usageSummary/summary";
import { LIVE_RATE, READING_INTERVAL_MS, liveReadingsOf, planFleet, trainTimelineStart } from "../sim/fleetPlan";
import { MeterFleet, planMeters } from "../sim/meterFleet";
import { RebootReport } from "../sim/trainFleet";
import { metroptSampleFile, readMetroptRows } from "../sim/trainSource";
import { CustomersReport } from "../customers/customersReport";
import { LiveEvent } from "../web/liveEvents";
import { WebView } from "../web/webView";
import { RunFolders, runFolderProblem, startRunFolder } from "./folders";
import { EdgeRun, EdgeSection, withEdgeOutage } from "./edgeReport";
import { episodesWritten, FaultOutcome, MetricsSummary, RunMetrics } from "./runMetrics";
import { SupplierIngestion, supplierFiles } from "./supplierDrops";
import { DevicesRun, DevicesSection, devicesLine } from "./devicesReport";
import { createTrainPath } from "./trainPath";
import { TrainFleet } from "../sim/trainFleet";
import { TrainPipeline } from "./trainPipeline";
import { MeterReadingItem, RunStats, startFeeds } from "./liveFeeds";
import { RuleWiring, wireRules } from "./ruleWiring";
import { analyseMeterHistory, analyseRunDay, RunDayResults } from "./runDay";
import { Closer, startServices } from "./services";

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
  /** Present when the run was cut short (Ctrl-C): seconds it ran before that; the fleets published nothing after. */
  readonly interruptedAfterS?: number;
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
  /** Faults whose alert was in the train's shadow but not yet read by the train when the run ended. */
  readonly inFlight: number;
  readonly detectionLatencyMs: { readonly p50: number | null; readonly p99: number | null };
  readonly faults: readonly FaultOutcome[];
  readonly meterReadingsPublished: number;
  /** Readings of an earlier day sent by the meter back from its outage. */
  readonly meterReadingsStored: number;
  readonly supplierFiles: {
    readonly accepted: number;
    readonly rejected: number;
    readonly rowsAccepted: number;
    readonly rowsRejected: number;
    /** Readings of days no daily report reads their file for. */
    readonly readingsUnreported: number;
  };
  readonly sharedRows: number;
  readonly dailyAnalysis: RunSummary;
  readonly summary: Summary;
  /** The scripted customers' walk from sign-up to their report's download, and their refused attempts on each other's. */
  readonly customers: CustomersReport;
  readonly outDir: string;
  readonly webUrl: string | null;
}

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
  const problem = runFolderProblem(o.outDir);
  if (problem) throw new InputError(`--out ${o.outDir}: ${problem}`);
  startRunFolder(o.outDir);
  const folders = new RunFolders(o.outDir);
  const startedAt = Date.now();
  const day = dayFromMs(Math.floor(startedAt / 86_400_000) * 86_400_000);
  const closers: Closer[] = [];
  let web: WebView | undefined;
  const publish = (e: LiveEvent) => web?.publish(e);
  try {
    const services = await startServices(o.web, closers);
    const { broker, kinesis, stream } = services;
    web = services.web;

    // --- plan and metrics
    const liveReadings = liveReadingsOf(o.durationS, rate);
    // a second train, not the one that reboots, is offline around its fault and detects at the edge
    const { plan, edgeTrainId } = withEdgeOutage(planFleet({ trains: o.trains, seed: o.seed, liveReadings }));
    const meterPlan = planMeters(o.meters, o.seed);
    // every device joins through fleet provisioning before it publishes
    const devices = await DevicesRun.provision(broker, meterPlan.clientIds, plan.trainIds);
    const metrics = new RunMetrics(intervalMs);
    // when each alert lands in its train's shadow: an alert there but unread at the end is in flight, not lost
    closers.push(
      services.shadows.onEvent((e) => {
        if (e.shadowName === trainDefaults.shadowName && e.topic === "update/accepted") metrics.shadowWritten(e.thingName, episodesWritten(e.body), Date.now());
      }),
    );
    const rows = o.sharedData ? readMetroptRows(metroptSampleFile(o.sharedData)) : undefined;
    // the trains' own timeline: from midnight UTC of the run's day, 10 s a reading, so a seed replays the same
    // readings at the same times of day (the detector's calendar features see them), whatever the wall clock.
    // The cloud refuses readings dated ahead of their arrival: a run early in the UTC day, whose timeline would
    // pass the wall clock, starts from the previous midnight instead
    const liveStart = trainTimelineStart(day.startMs, startedAt, liveReadings * intervalMs);
    const edgeRun = edgeTrainId === null ? undefined : new EdgeRun(edgeTrainId, TRAIN_DETECTOR_DEFAULTS, join(o.outDir, "edge"), liveStart);

    // --- the train path
    const { pipeline, fleet, pendingReadings } = createTrainPath({
      brokerUrl: broker.url,
      dataPlaneEndpoint: services.dataPlaneEndpoint,
      plan,
      seed: o.seed,
      rows,
      startMs: liveStart,
      intervalMs,
      rate,
      outboxRoot: join(o.outDir, "outbox"),
      edgeRun,
      metrics,
      publish,
    });
    o.print(
      `pre-training ${o.trains} train model(s) on ${o.historyReadings ?? 8640} readings of history (${fleet.sourceKind === "metropt3" ? "MetroPT-3 replay" : "APU simulator"})...`,
    );
    await pipeline.pretrain(fleet.history(o.historyReadings ?? 8640));
    await edgeRun?.prepare(pipeline.deps.checkpoints);
    await pipeline.start(kinesis, stream.name, stream.arn);
    closers.push(() => pipeline.stop());

    // --- IoT rules, the program's own SQL
    const rules = wireRules(broker, services, folders, o.print);
    closers.push(() => rules.close());

    // --- meters and suppliers
    const meters = new MeterFleet({
      brokerUrl: broker.url,
      plan: meterPlan,
      seed: o.seed,
      dayStartMs: day.startMs,
      slotEveryMs: Math.max(50, (o.durationS * 1000 * 0.8) / 48),
      onReading: (clientId, t, kwh) => pendingMeters.push({ clientId, t, kwh }),
    });
    const pendingMeters: MeterReadingItem[] = [];
    // the meters' last week, analysed as the daily schedule would have, so the run's day has history
    await analyseMeterHistory(folders, meterPlan, o.seed, day);
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
    const stats = (): RunStats => {
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
    closers.push(startFeeds({ stats, pendingReadings, pendingMeters, publish, print: o.print, startedAt }));
    drops.forEach((f, i) => setTimeout(() => suppliers.drop(f), ((i + 1) * o.durationS * 1000) / (drops.length + 2)).unref());

    // --- run until the fleet is done or the user stops us
    let interruptedAfterS: number | undefined;
    const cut = o.interrupted?.then(() => {
      interruptedAfterS = Math.round((Date.now() - startedAt) / 1000);
    });
    await Promise.race([Promise.all([fleet.done, meters.done]), cut ?? new Promise(() => undefined)]);
    // cut short: the fleets publish no more, so what was published is what the pipeline must account for
    if (interruptedAfterS !== undefined) {
      fleet.halt();
      meters.halt();
    }
    o.print("stopping: waiting for offline trains to flush and the pipeline to drain...");
    await until(() => fleet.drained, 15_000);
    const published = fleet.published;
    await until(
      () => pipeline.stats.scored + pipeline.stats.deadLettered + pipeline.stats.skipped + rules.failures() >= published && rules.pendingPuts() === 0,
      20_000,
    );
    // give the last alerts time to reach their trains: an offline train hears of its alert some 5 s after it
    // reconnects (its buffered readings are scored first), and longer on a loaded machine
    await until(() => metrics.summary().faults.every((f) => f.episodeId === null || f.latencyMs !== null), 15_000);
    const trainSummary = metrics.summary();
    await meters.stop();
    await fleet.stop();
    await suppliers.stop();
    await rules.close();
    publish({ type: "stats", values: stats() });

    // --- the day's analysis and the data team's summary, over the run's folders
    const results = await analyseRunDay(folders, o.outDir, meterPlan, day);
    const report = assembleReport(
      o,
      { fleet, pipeline, rules, trainSummary, meters, suppliers, devices, edgeRun, published, webUrl: web?.url ?? null, interruptedAfterS },
      results,
    );
    for (const line of journeyLines(report)) o.print(line);
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

/** The report's lines on the devices' journeys: provisioning, the rebooted train, the train that detected at the edge. */
export function journeyLines(report: Pick<LocalReport, "devices" | "reboot" | "edge">): string[] {
  const { reboot } = report;
  return [
    devicesLine(report.devices),
    ...(reboot
      ? [
          `reboot: ${reboot.trainId} restarted offline with ${reboot.bufferedAtReboot} readings in its outbox, ${reboot.restored} restored, ${reboot.readingsLostAcrossReboot} lost across the reboot`,
        ]
      : []),
    ...(report.edge ? [EdgeRun.line(report.edge)] : []),
  ];
}

/** The run's parts, as the report reads them once the run has stopped. */
interface RunParts {
  readonly fleet: TrainFleet;
  readonly pipeline: TrainPipeline;
  readonly rules: RuleWiring;
  /** The trains' faults as they stood when the trains stopped. */
  readonly trainSummary: MetricsSummary;
  readonly meters: MeterFleet;
  readonly suppliers: SupplierIngestion;
  readonly devices: DevicesRun;
  readonly edgeRun: EdgeRun | undefined;
  readonly published: number;
  readonly webUrl: string | null;
  readonly interruptedAfterS: number | undefined;
}

function assembleReport(o: LocalStackOptions, r: RunParts, results: RunDayResults): LocalReport {
  const m = r.trainSummary;
  return {
    seed: o.seed,
    durationS: o.durationS,
    ...(r.interruptedAfterS !== undefined ? { interruptedAfterS: r.interruptedAfterS } : {}),
    trains: o.trains,
    meters: o.meters,
    trainData: r.fleet.sourceKind,
    readingsPublished: r.published,
    readingsScored: r.pipeline.stats.scored,
    readingsDeadLettered: r.pipeline.stats.deadLettered,
    readingsSkipped: r.pipeline.stats.skipped + r.rules.failures(),
    readingsLost: r.published - r.pipeline.stats.scored - r.pipeline.stats.deadLettered - r.pipeline.stats.skipped - r.rules.failures(),
    devices: r.devices.section(),
    reboot: r.fleet.reboot,
    edge: r.edgeRun?.section() ?? null,
    anomaliesInjected: m.anomaliesInjected,
    anomaliesDetected: m.anomaliesDetected,
    falseAlarms: m.falseAlarms,
    shadowDeliveries: m.shadowDeliveries,
    inFlight: m.inFlight,
    detectionLatencyMs: { p50: m.detectionLatencyMs.p50, p99: m.detectionLatencyMs.p99 },
    faults: [...m.faults],
    meterReadingsPublished: r.meters.published,
    meterReadingsStored: r.meters.storedPublished,
    supplierFiles: {
      accepted: r.suppliers.stats.accepted,
      rejected: r.suppliers.stats.rejected + r.suppliers.stats.deadLettered,
      rowsAccepted: r.suppliers.stats.rowsAccepted,
      readingsUnreported: r.suppliers.stats.readingsUnreported,
      rowsRejected: r.suppliers.stats.rowsRejected,
    },
    sharedRows: r.rules.sharedStats.rows,
    ...results,
    outDir: o.outDir,
    webUrl: r.webUrl,
  };
}
