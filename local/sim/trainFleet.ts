import { rmSync } from "fs";
import { join } from "path";
import { AnomalyNotice } from "../../devices/trainAgent/anomalyInbox";
import { EdgeChange, EdgeDetector } from "../../devices/trainAgent/edgeDetector";
import { Reconciliation } from "../../devices/trainAgent/reconcile";
import { SensorReading, TrainAgent } from "../../devices/trainAgent/trainAgent";
import { applyFault, faultAt, FaultSpan } from "./faults";
import { FleetPlan } from "./fleetPlan";
import { replaySource, SensorSource, Sensors, simulatedSource } from "./trainSource";

/**
 * The simulated trains of the local stack: one real MQTT agent per train (devices/trainAgent: QoS 1, offline
 * outbox, shadow inbox), fed from the MetroPT-3 replay (or the APU simulator) at `rate` readings per second,
 * with the plan's faults injected and its offline spans acted out (the agent disconnects and buffers; with
 * `reboot`, the first offline train's agent is replaced halfway through by a new one on the same outbox folder).
 * With `edge`, one train's agent also runs the cloud's detector on board (`--edge-detect`).
 */
export interface FleetListener {
  reading?(trainId: string, reading: SensorReading, fault: FaultSpan | undefined): void;
  faultStarted?(fault: FaultSpan, atMs: number, wallMs: number): void;
  online?(trainId: string, online: boolean, wallMs: number): void;
  notice?(trainId: string, notice: AnomalyNotice, wallMs: number): void;
  /** The edge train's detector opened or cleared an episode. */
  edge?(trainId: string, change: EdgeChange, wallMs: number): void;
  /** The edge train reconciled its episodes with its shadow's. */
  reconciled?(trainId: string, reconciliation: Reconciliation): void;
}

export interface FleetOptions {
  readonly brokerUrl: string;
  readonly plan: FleetPlan;
  readonly seed: number;
  /** Real MetroPT-3 rows to replay; the APU simulator when absent. */
  readonly rows?: readonly Sensors[];
  /** Reading time of live reading 0, epoch ms; readings are `intervalMs` apart (MetroPT-3: 10 s). */
  readonly startMs: number;
  readonly intervalMs?: number;
  /** Live readings per second per train (wall clock). */
  readonly rate: number;
  readonly listener?: FleetListener;
  /** Folder for the agents' outboxes on disk (`<folder>/<train>`, emptied at start); memory only when absent. */
  readonly outboxRoot?: string;
  /** Reboot the first offline train halfway through its outage: a new agent on the same outbox. Needs `outboxRoot`. */
  readonly reboot?: boolean;
  /** The train whose agent detects at the edge, and its detector (given the agent's outbox folder). */
  readonly edge?: { readonly trainId: string; open(outboxDir: string | undefined): EdgeDetector };
}

/** What the rebooted train's outbox held when its agent stopped, and what the new agent found in it. */
export interface RebootReport {
  readonly trainId: string;
  readonly bufferedAtReboot: number;
  readonly restored: number;
  readonly readingsLostAcrossReboot: number;
}

export class TrainFleet {
  readonly agents = new Map<string, TrainAgent>();
  private readonly sources = new Map<string, SensorSource>();
  private timer?: NodeJS.Timeout;
  private index = 0;
  published = 0;
  reboot: RebootReport | null = null;
  private finished!: () => void;
  /** Resolves when every live reading has been handed to its agent. */
  readonly done = new Promise<void>((resolve) => (this.finished = resolve));

  constructor(private readonly o: FleetOptions) {
    o.plan.trainIds.forEach((trainId, i) => {
      const seed = o.seed * 1000 + i;
      this.sources.set(trainId, o.rows ? replaySource(o.rows, seed) : simulatedSource(seed));
    });
  }

  get sourceKind(): SensorSource["kind"] {
    return [...this.sources.values()][0]?.kind ?? "simulated";
  }

  private get intervalMs(): number {
    return this.o.intervalMs ?? 10_000;
  }

  /** `count` fault-free readings per train that come before live reading 0: the models' history. */
  history(count: number): Map<string, SensorReading[]> {
    const out = new Map<string, SensorReading[]>();
    for (const [trainId, source] of this.sources) {
      out.set(
        trainId,
        Array.from({ length: count }, (_, j) => ({ timestamp: this.o.startMs - (count - j) * this.intervalMs, sensors: source.next() })),
      );
    }
    return out;
  }

  /**
   * Live reading `j` of a train, with the plan's fault applied: call once per train for j = 0, 1, ... in
   * order (each call advances the train's source). `tick` uses it; so does the offline fleet replay.
   */
  liveReading(trainId: string, j: number): { reading: SensorReading; fault: FaultSpan | undefined } {
    const fault = faultAt(
      this.o.plan.faults.filter((f) => f.trainId === trainId),
      j,
    );
    let sensors = this.sources.get(trainId)!.next();
    if (fault) sensors = applyFault(sensors, fault.kind, (j - fault.start) / fault.length);
    return { reading: { timestamp: this.o.startMs + j * this.intervalMs, sensors }, fault };
  }

  private createAgent(trainId: string): TrainAgent {
    const outboxDir = this.o.outboxRoot === undefined ? undefined : join(this.o.outboxRoot, trainId);
    const edge = this.o.edge?.trainId === trainId ? this.o.edge.open(outboxDir) : undefined;
    const agent = new TrainAgent({ brokerUrl: this.o.brokerUrl, thingName: trainId, reconnectMs: [100, 1000], outboxDir, edge });
    agent.on("edge", (c: EdgeChange) => this.o.listener?.edge?.(trainId, c, Date.now()));
    agent.on("reconciled", (r: Reconciliation) => this.o.listener?.reconciled?.(trainId, r));
    agent.on("anomaly", (n: AnomalyNotice) => this.o.listener?.notice?.(trainId, n, Date.now()));
    agent.on("connected", () => this.o.listener?.online?.(trainId, true, Date.now()));
    agent.on("disconnected", () => this.o.listener?.online?.(trainId, false, Date.now()));
    agent.on("warning", () => undefined);
    this.agents.set(trainId, agent);
    return agent;
  }

  start(): void {
    if (this.o.outboxRoot !== undefined) rmSync(this.o.outboxRoot, { recursive: true, force: true });
    for (const trainId of this.o.plan.trainIds) this.createAgent(trainId).start();
    this.timer = setInterval(() => this.tick(), 1000 / this.o.rate);
  }

  /** The train's process restarts while offline: the old agent is gone, a new one opens the same outbox. */
  private rebootAgent(trainId: string): void {
    const old = this.agents.get(trainId)!;
    const bufferedAtReboot = old.status.buffered;
    void old.stop();
    const restored = this.createAgent(trainId).status.restored;
    this.reboot = { trainId, bufferedAtReboot, restored, readingsLostAcrossReboot: bufferedAtReboot - restored };
  }

  private tick(): void {
    const j = this.index++;
    if (j >= this.o.plan.liveReadings) {
      clearInterval(this.timer);
      this.finished();
      return;
    }
    const wall = Date.now();
    for (const trainId of this.o.plan.trainIds) {
      for (const span of this.o.plan.offline) {
        if (span.trainId !== trainId) continue;
        const agent = this.agents.get(trainId)!;
        if (j === span.from) void agent.stop().then(() => this.o.listener?.online?.(trainId, false, Date.now()));
        if (this.o.reboot && this.o.outboxRoot !== undefined && span === this.o.plan.offline[0] && j === Math.floor((span.from + span.to) / 2))
          this.rebootAgent(trainId);
        if (j === span.to) this.agents.get(trainId)!.start();
      }
      const agent = this.agents.get(trainId)!;
      const { reading, fault } = this.liveReading(trainId, j);
      if (fault && j === fault.start) this.o.listener?.faultStarted?.(fault, reading.timestamp, wall);
      agent.send(reading);
      this.published++;
      this.o.listener?.reading?.(trainId, reading, fault);
    }
  }

  /**
   * The run is cut short: no more readings (nor faults), and a train offline now comes back, so its outbox
   * flushes and every reading published so far can be accounted for.
   */
  halt(): void {
    clearInterval(this.timer);
    for (const span of this.o.plan.offline) {
      if (this.index > span.from && this.index <= span.to) this.agents.get(span.trainId)!.start();
    }
    this.finished();
  }

  /** Every agent connected with an empty outbox (offline trains back and flushed). */
  get drained(): boolean {
    return [...this.agents.values()].every((a) => a.status.connected && a.status.buffered === 0 && a.status.inflight === 0);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.finished();
    await Promise.all([...this.agents.values()].map((a) => a.stop()));
  }
}
