/**
 * The train path of the local stack: the cloud side (the anomaly pipeline scoring Kinesis batches into shadows)
 * and the fleet of train agents publishing over MQTT, with their events fed to the run's metrics and live view.
 */
import { TRAIN_DETECTOR_DEFAULTS } from "../../functions/trainAnomaly/settings";
import { FleetPlan, offlineAt } from "../sim/fleetPlan";
import { FleetListener, TrainFleet } from "../sim/trainFleet";
import { Sensors } from "../sim/trainSource";
import { LiveEvent } from "../web/liveEvents";
import { EdgeRun } from "./edgeReport";
import { TrainReadingItem } from "./liveFeeds";
import { episodeStartMs, RunMetrics } from "./runMetrics";
import { TrainPipeline } from "./trainPipeline";

export interface TrainPathOptions {
  readonly brokerUrl: string;
  readonly dataPlaneEndpoint: string;
  readonly plan: FleetPlan;
  readonly seed: number;
  /** MetroPT-3 rows to replay; undefined: the APU simulator. */
  readonly rows: Sensors[] | undefined;
  readonly startMs: number;
  readonly intervalMs: number;
  readonly rate: number;
  readonly outboxRoot: string;
  readonly edgeRun: EdgeRun | undefined;
  readonly metrics: RunMetrics;
  readonly publish: (e: LiveEvent) => void;
}

export interface TrainPath {
  readonly pipeline: TrainPipeline;
  readonly fleet: TrainFleet;
  /** Readings for the live view, emptied by its feed. */
  readonly pendingReadings: TrainReadingItem[];
}

const tapEdge = (edge: EdgeRun | undefined, listener: FleetListener) => (edge ? edge.listen(listener) : listener);
const pick = (s: Record<string, number>) => ({ Reservoirs: s.Reservoirs, Motor_current: s.Motor_current, Oil_temperature: s.Oil_temperature });

export function createTrainPath(o: TrainPathOptions): TrainPath {
  const { metrics, publish, plan, edgeRun } = o;
  const latestScore = new Map<string, number>();
  const pendingReadings: TrainReadingItem[] = [];
  const pipeline = new TrainPipeline(TRAIN_DETECTOR_DEFAULTS, o.dataPlaneEndpoint, (report) => {
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
    brokerUrl: o.brokerUrl,
    plan,
    seed: o.seed,
    rows: o.rows,
    startMs: o.startMs,
    intervalMs: o.intervalMs,
    rate: o.rate,
    outboxRoot: o.outboxRoot,
    reboot: true,
    edge: edgeRun && { trainId: edgeRun.trainId, open: (dir) => edgeRun.open(dir) },
    listener: tapEdge(edgeRun, {
      // the score shown is the train's highest in the latest batch the pipeline scored (scores are per batch)
      reading: (trainId, r) => pendingReadings.push({ trainId, t: r.timestamp, values: pick(r.sensors), score: latestScore.get(trainId) ?? null }),
      faultStarted: (f, at, wall) => {
        metrics.faultStarted(f, at, wall, offlineAt(plan, f.trainId, f.start));
        publish({ type: "fault", trainId: f.trainId, kind: f.kind, startedAt: at, endsAt: at + f.length * o.intervalMs });
      },
      online: (trainId, online, wall) => publish({ type: "train", trainId, online, t: wall }),
      notice: (trainId, n, wall) => {
        metrics.notice(trainId, n.id, wall);
        const fault = metrics.summary().faults.find((f) => f.episodeId === n.id);
        publish({ type: "delivered", trainId, episodeId: n.id, latencyMs: fault?.latencyMs ?? null, offlineDelivery: fault?.offline ?? false });
      },
    }),
  });
  return { pipeline, fleet, pendingReadings };
}
