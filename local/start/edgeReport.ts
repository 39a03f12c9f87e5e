import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { AnomalyNotice } from "../../devices/trainAgent/anomalyInbox";
import { EdgeChange, EdgeDetector } from "../../devices/trainAgent/edgeDetector";
import { checkpointFileOf } from "../../devices/trainAgent/edgeModelFile";
import { Reconciliation } from "../../devices/trainAgent/reconcile";
import { CheckpointStore } from "../../functions/trainAnomaly/checkpoint";
import { TrainDetectorSettings } from "../../functions/trainAnomaly/settings";
import { FaultSpan } from "../sim/faults";
import { FleetPlan } from "../sim/fleetPlan";
import { FleetListener } from "../sim/trainFleet";

/**
 * The local stack's edge train: a train that is not already offline gets an outage around its fault (as the
 * plan's offline train does) and runs the cloud's detector on board (`--edge-detect`), starting from its cloud
 * model's checkpoint file. The run report's `edge` section says what it warned of while offline, how that
 * reconciled with the cloud's shadow on reconnect, and how much sooner the edge warned than the cloud delivered.
 */
export interface EdgeSection {
  readonly trainId: string;
  /** Edge episodes of the run (started at or after the first live reading), online or offline. */
  readonly raised: number;
  /** Edge episodes opened while the train was offline. */
  readonly raisedOffline: number;
  readonly confirmedByCloud: number;
  readonly edgeOnly: number;
  /** Cloud episodes of the run (started at or after the first live reading) the edge did not see. */
  readonly cloudOnly: number;
  /** Fault onset (wall clock) to the edge's warning, and to the cloud's delivery of the same episode, ms. */
  readonly faultToEdgeWarningMs: number | null;
  readonly faultToCloudDeliveryMs: number | null;
  readonly readingsScored: number;
  readonly readingsRejected: number;
  /** The edge detector's time per reading (validation, scoring, episodes), ms. */
  readonly msPerReading: number | null;
}

/** The plan with an outage for the edge train: the first train with a fault that is not offline already. */
export function withEdgeOutage(plan: FleetPlan): { plan: FleetPlan; edgeTrainId: string | null } {
  const fault = plan.faults.find((f) => !plan.offline.some((s) => s.trainId === f.trainId));
  if (!fault) return { plan, edgeTrainId: null };
  const span = { trainId: fault.trainId, from: Math.max(0, fault.start - 10), to: Math.min(plan.liveReadings - 1, fault.start + fault.length + 40) };
  return { plan: { ...plan, offline: [...plan.offline, span] }, edgeTrainId: fault.trainId };
}

export class EdgeRun {
  private modelFile?: string;
  private detector?: EdgeDetector;
  private faultWall?: number;
  private warningWall?: number;
  private warnedId?: string;
  private deliveryWall?: number;
  private reconciliation?: Reconciliation;

  constructor(
    readonly trainId: string,
    private readonly settings: TrainDetectorSettings,
    private readonly folder: string,
    private readonly liveStartMs: number,
  ) {}

  /** Writes the edge train's cloud checkpoint (after pre-training) to the file its agent starts from. */
  async prepare(checkpoints: CheckpointStore): Promise<void> {
    const group = Object.keys(this.settings.groups)[0];
    const c = await checkpoints.load(this.trainId, group);
    if (!c) return;
    mkdirSync(this.folder, { recursive: true });
    this.modelFile = join(this.folder, `${this.trainId}.checkpoint.json`);
    writeFileSync(this.modelFile, checkpointFileOf(c));
  }

  /** The edge train's detector (its episode journal beside its outbox). */
  open(outboxDir: string | undefined): EdgeDetector {
    this.detector?.close();
    this.detector = new EdgeDetector(this.trainId, { settings: this.settings, modelFile: this.modelFile, journalDir: outboxDir });
    return this.detector;
  }

  /** `listener` with the edge train's faults, edge changes, notices and reconciliations tapped. */
  listen(listener: FleetListener): FleetListener {
    return {
      ...listener,
      faultStarted: (f: FaultSpan, at: number, wall: number) => {
        if (f.trainId === this.trainId && this.faultWall === undefined) this.faultWall = wall;
        listener.faultStarted?.(f, at, wall);
      },
      edge: (trainId: string, c: EdgeChange, wall: number) => {
        if (trainId !== this.trainId || c.kind !== "opened" || !c.offline || this.faultWall === undefined || this.warningWall !== undefined) return;
        this.warningWall = wall;
        this.warnedId = c.episode.id;
      },
      notice: (trainId: string, n: AnomalyNotice, wall: number) => {
        if (trainId === this.trainId && this.warnedId !== undefined && this.deliveryWall === undefined && n.edgeIds?.includes(this.warnedId))
          this.deliveryWall = wall;
        listener.notice?.(trainId, n, wall);
      },
      reconciled: (trainId: string, r: Reconciliation) => {
        if (trainId === this.trainId) this.reconciliation = r;
        listener.reconciled?.(trainId, r);
      },
    };
  }

  section(): EdgeSection {
    const stats = this.detector?.stats;
    const episodes = (this.reconciliation?.episodes ?? []).filter((e) => !(e.startedAt < this.liveStartMs));
    const count = (kind: string) => episodes.filter((e) => e.kind === kind).length;
    const edgeEpisodes = this.detector?.episodes() ?? [];
    const since = (wall: number | undefined) => (wall === undefined || this.faultWall === undefined ? null : wall - this.faultWall);
    return {
      trainId: this.trainId,
      raised: edgeEpisodes.filter((e) => !(e.startedAt < this.liveStartMs)).length,
      raisedOffline: edgeEpisodes.filter((e) => e.raisedOffline).length,
      confirmedByCloud: count("confirmed by cloud"),
      edgeOnly: count("edge only"),
      cloudOnly: count("cloud only"),
      faultToEdgeWarningMs: since(this.warningWall),
      faultToCloudDeliveryMs: since(this.deliveryWall),
      readingsScored: stats?.scored ?? 0,
      readingsRejected: stats?.rejected ?? 0,
      msPerReading: stats && stats.readings > 0 ? Number((stats.busyMs / stats.readings).toFixed(4)) : null,
    };
  }

  /** The report's summary line. */
  static line(s: EdgeSection): string {
    const ms = (v: number | null) => (v === null ? "never" : `${v} ms`);
    return `edge: ${s.trainId} raised ${s.raised} episode(s), ${s.raisedOffline} while offline; ${s.confirmedByCloud} confirmed by cloud, ${s.edgeOnly} edge only, ${s.cloudOnly} cloud only; fault to edge warning ${ms(s.faultToEdgeWarningMs)}, to cloud delivery ${ms(s.faultToCloudDeliveryMs)}; ${s.msPerReading ?? "-"} ms a reading on the train`;
  }
}
