import { EventEmitter } from "events";
import { connect as mqttConnect, IClientOptions, MqttClient } from "mqtt";
import {
  AnomalyEntry,
  AnomalyNotice,
  ShadowRefusal,
  acknowledgementsOf,
  applyReport,
  desiredAnomalies,
  readAnomalyShadow,
  shadowRefusal,
} from "./anomalyInbox";
import { EdgeDetector } from "./edgeDetector";
import { Outbox } from "./outbox";
import { OutboxJournal } from "./outboxJournal";
import { Reconciliation, reconcileEpisodes } from "./reconcile";

/** The first and the longest wait before asking again for a shadow whose get was refused (not 404), ms. */
const GET_RETRY_MS = [1000, 30_000] as const;

/** One reading of the train's sensors (sensor name → value), at `timestamp` (epoch ms). */
export interface SensorReading {
  readonly timestamp: number;
  readonly sensors: Readonly<Record<string, number>>;
}

export interface TrainAgentOptions {
  /** mqtt://127.0.0.1:1883 locally; mqtts://<prefix>-ats.iot.<region>.amazonaws.com:8883 on AWS IoT. */
  readonly brokerUrl: string;
  /** The thing name, `train-<id>`: client id, telemetry topic and shadow. */
  readonly thingName: string;
  /** Named shadow the cloud writes anomalies into; the train only reads it. Default `anomaly`. */
  readonly shadowName?: string;
  /** Named shadow the train acknowledges anomalies in (`state.reported.anomalies`). Default `anomaly-ack`. */
  readonly ackShadowName?: string;
  /** Extra MQTT options (TLS key, certificate and CA for AWS IoT). */
  readonly mqtt?: IClientOptions;
  /** Messages kept while offline; past it the oldest are dropped and counted. Default 60 000 (~7 days of 10 s readings). */
  readonly capacity?: number;
  /**
   * Folder the outbox persists in (outboxJournal.ts), so a restarted agent sends what the last one had not,
   * first and in order. Memory only when absent.
   */
  readonly outboxDir?: string;
  /** Longest time between fsyncs of the outbox files, ms (0: every line). Default 1000. */
  readonly fsyncMs?: number;
  /** Unacknowledged publishes at once. Default 10. */
  readonly inflight?: number;
  /** First and longest wait before reconnecting, ms. Default 500 and 30 000. */
  readonly reconnectMs?: readonly [number, number];
  /**
   * The cloud's detector run on the train (edgeDetector.ts): every reading queued is scored here too, online
   * and offline, and the cloud's anomalies are reconciled with its episodes. None when absent.
   */
  readonly edge?: EdgeDetector;
  /** For tests: how to open a connection. */
  readonly connect?: (url: string, options: IClientOptions) => MqttClient;
}

export interface AgentStatus {
  readonly connected: boolean;
  readonly buffered: number;
  readonly inflight: number;
  readonly acknowledged: number;
  readonly dropped: number;
  /** Readings found in the outbox folder at start. */
  readonly restored: number;
  /** Unreadable outbox lines skipped at start (a torn last line after a crash). */
  readonly torn: number;
}

/**
 * A train's link to the cloud: publishes telemetry (QoS 1) on `trains/<thing>/telemetry`, keeps it in an
 * outbox while offline and flushes it in order on reconnect, and follows its anomaly shadow.
 * Events: "connected", "disconnected", "anomaly" (AnomalyNotice, with `edgeIds` when the edge saw it too),
 * "flushed" (outbox empty), "dropped" (the outbox was full and dropped its oldest reading; the total dropped so
 * far), "warning" (Error; a refused connection while offline is one, so it is not the throwing "error" event),
 * and with an edge detector "edge" (EdgeChange) and "reconciled" (Reconciliation, after each shadow read).
 * Each connection is a fresh MQTT client without its own resend queue: the outbox alone decides what is sent.
 */
/** A connection that lasted this long was a working one: the reconnect wait starts over after it. */
export const STABLE_CONNECTION_MS = 10_000;

export class TrainAgent extends EventEmitter {
  readonly shadowName: string;
  readonly ackShadowName: string;
  private readonly outbox: Outbox;
  /** What this train acknowledged, from its ack shadow; unknown until that shadow was read on this connection. */
  private acknowledged?: Record<string, AnomalyEntry>;
  private client?: MqttClient;
  private generation = 0;
  private connected = false;
  private stopped = true;
  private retryMs: number;
  private timer?: NodeJS.Timeout;
  private getPending = false;
  /** A delta came while a get was pending: that answer may predate it, so ask again. */
  private getAgain = false;
  /** The wait before asking again for a shadow whose get was refused for another reason than 404. */
  private getRetryMs: number = GET_RETRY_MS[0];
  private getRetryTimer?: NodeJS.Timeout;
  /** The edge's episodes against the shadow's, as of the last shadow read on any connection. */
  reconciliation?: Reconciliation;

  constructor(readonly options: TrainAgentOptions) {
    super();
    this.shadowName = options.shadowName ?? "anomaly";
    this.ackShadowName = options.ackShadowName ?? "anomaly-ack";
    const journal = options.outboxDir === undefined ? undefined : new OutboxJournal(options.outboxDir, { fsyncMs: options.fsyncMs });
    this.outbox = new Outbox(options.capacity, 0, journal);
    this.retryMs = (options.reconnectMs ?? [500, 30_000])[0];
  }

  get telemetryTopic(): string {
    return `trains/${this.options.thingName}/telemetry`;
  }

  private shadowTopic(suffix: string, shadow = this.shadowName): string {
    return `$aws/things/${this.options.thingName}/shadow/name/${shadow}/${suffix}`;
  }

  private ackTopic(suffix: string): string {
    return this.shadowTopic(suffix, this.ackShadowName);
  }

  get status(): AgentStatus {
    return {
      connected: this.connected,
      buffered: this.outbox.size,
      inflight: this.outbox.inflightCount,
      acknowledged: this.outbox.acknowledged,
      dropped: this.outbox.dropped,
      restored: this.outbox.restored,
      torn: this.outbox.torn,
    };
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  /** Queues a reading; it is published now if connected, else on reconnect. */
  send(reading: SensorReading): number {
    const thing = this.options.thingName;
    const dropped = this.outbox.dropped;
    const { seq } = this.outbox.add((s) => JSON.stringify({ trainId: thing, timestamp: reading.timestamp, seq: s, sensors: reading.sensors }));
    if (this.outbox.dropped > dropped) this.emit("dropped", this.outbox.dropped);
    if (this.options.edge) {
      const step = this.options.edge.observe(reading, !this.connected);
      for (const change of step.changes) this.emit("edge", change);
      if (step.rejection) this.emit("warning", new Error(step.rejection));
    }
    this.pump();
    return seq;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.getRetryTimer);
    const client = this.client;
    this.client = undefined;
    this.endConnection();
    this.outbox.close();
    this.options.edge?.close();
    if (client) await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
  }

  private open(): void {
    const gen = ++this.generation;
    const connect = this.options.connect ?? mqttConnect;
    const client = connect(this.options.brokerUrl, {
      ...this.options.mqtt,
      clientId: this.options.thingName,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    this.client = client;
    let connectedAt: number | undefined;
    client.on("connect", () => {
      if (gen !== this.generation) return;
      this.connected = true;
      connectedAt = Date.now();
      this.emit("connected");
      const topics = [
        this.shadowTopic("get/accepted"),
        this.shadowTopic("get/rejected"),
        this.shadowTopic("update/delta"),
        this.ackTopic("get/accepted"),
        this.ackTopic("get/rejected"),
      ];
      client.subscribe(topics, { qos: 1 }, (err) => {
        // what was acknowledged first, then the anomalies (requestShadow waits for the acknowledgements)
        if (!err && gen === this.generation) this.requestAcks();
      });
      this.pump();
    });
    client.on("message", (topic, payload) => gen === this.generation && this.onMessage(topic, payload));
    client.on("error", (err) => this.emit("warning", err));
    client.on("close", () => {
      if (gen !== this.generation) return;
      const was = this.connected;
      this.endConnection();
      client.end(true);
      if (was) this.emit("disconnected");
      if (this.stopped) return;
      const [first, longest] = this.options.reconnectMs ?? [500, 30_000];
      // the wait starts over only after a connection that held; a broker that accepts and then closes at once
      // (IoT Core refusing a thing its policy does not allow) is retried ever more slowly, and said so
      const lasted = connectedAt === undefined ? undefined : Date.now() - connectedAt;
      if (lasted !== undefined && lasted >= STABLE_CONNECTION_MS) this.retryMs = first;
      else if (lasted !== undefined)
        this.emit(
          "warning",
          new Error(`the broker closed the connection ${lasted} ms after accepting it (is the thing provisioned and allowed to connect and publish?)`),
        );
      this.timer = setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, longest);
    });
  }

  /**
   * What a connection knew ends with it, whether it dropped or the agent was stopped: publishes in flight go back
   * to the outbox, and a shadow get still unanswered is forgotten (its answer would arrive on the closed
   * connection, if at all), or the next connection would wait for it forever and never read its anomalies.
   */
  private endConnection(): void {
    this.generation++;
    this.connected = false;
    this.getPending = false;
    this.getAgain = false;
    this.acknowledged = undefined;
    this.outbox.requeueInflight();
  }

  private pump(): void {
    const client = this.client;
    if (!client || !this.connected) return;
    const gen = this.generation;
    const room = (this.options.inflight ?? 10) - this.outbox.inflightCount;
    for (const m of this.outbox.take(Math.max(0, room))) {
      client.publish(this.telemetryTopic, m.payload, { qos: 1 }, (err) => {
        if (err || gen !== this.generation) return; // resent on the next connection
        this.outbox.acknowledge(m.seq);
        if (this.outbox.size === 0) this.emit("flushed");
        this.pump();
      });
    }
  }

  /** Asks for the ack shadow: what this train acknowledged, read before its anomalies. */
  private requestAcks(): void {
    this.client?.publish(this.ackTopic("get"), JSON.stringify({ clientToken: `${this.options.thingName}-ack-${Date.now()}` }), { qos: 1 });
  }

  private requestShadow(): void {
    if (this.acknowledged === undefined) return; // asked for once the ack shadow is read
    if (this.getPending) {
      this.getAgain = true;
      return;
    }
    this.getPending = true;
    this.client?.publish(this.shadowTopic("get"), JSON.stringify({ clientToken: `${this.options.thingName}-${Date.now()}` }), { qos: 1 });
  }

  /**
   * A get refused for another reason than 404 (no such shadow): throttled, an internal failure. Said, and asked
   * again later on this connection, so neither "nothing told yet" nor "nothing acknowledged" is assumed.
   */
  private getRefused(topic: string, refusal: ShadowRefusal, ask: () => void): void {
    const gen = this.generation;
    const wait = this.getRetryMs;
    this.getRetryMs = Math.min(this.getRetryMs * 2, GET_RETRY_MS[1]);
    this.emit("warning", new Error(`${topic}: ${refusal.code ?? "?"} ${refusal.message ?? "refused"}; asking again in ${wait} ms`));
    clearTimeout(this.getRetryTimer);
    this.getRetryTimer = setTimeout(() => gen === this.generation && ask(), wait);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const refusal = topic.endsWith("/get/rejected") ? shadowRefusal(payload) : undefined;
    if (refusal && refusal.code !== 404) {
      if (topic === this.ackTopic("get/rejected")) return this.getRefused(topic, refusal, () => this.requestAcks());
      if (topic === this.shadowTopic("get/rejected")) {
        this.getPending = false;
        return this.getRefused(topic, refusal, () => this.requestShadow());
      }
    }
    // an answer (a document, or 404: none yet): the next refusal waits the shortest time again
    if (topic.endsWith("/get/accepted") || refusal) this.getRetryMs = GET_RETRY_MS[0];
    if (topic === this.ackTopic("get/accepted") || topic === this.ackTopic("get/rejected")) {
      // rejected: 404, nothing acknowledged yet
      let doc: unknown;
      try {
        doc = topic.endsWith("accepted") ? JSON.parse(payload.toString("utf8")) : {};
      } catch {
        return void this.emit("warning", new Error(`shadow document on ${topic} is not JSON`));
      }
      this.acknowledged = acknowledgementsOf(doc);
      return this.requestShadow();
    }
    if (topic === this.shadowTopic("update/delta")) return this.requestShadow();
    if (topic === this.shadowTopic("get/rejected")) {
      this.getPending = false; // 404: the cloud has written no anomaly yet
      if (this.getAgain) {
        this.getAgain = false;
        this.requestShadow();
      }
      return;
    }
    if (topic !== this.shadowTopic("get/accepted")) return;
    this.getPending = false;
    if (this.getAgain) {
      this.getAgain = false;
      this.requestShadow();
    }
    let doc: unknown;
    try {
      doc = JSON.parse(payload.toString("utf8"));
    } catch {
      return void this.emit("warning", new Error(`shadow document on ${topic} is not JSON`));
    }
    const step = readAnomalyShadow(doc as Parameters<typeof readAnomalyShadow>[0], this.acknowledged);
    if (step.malformed) this.emit("warning", new Error(`anomaly shadow entries that are not anomalies, skipped: ${step.malformed.join(", ")}`));
    const edge = this.options.edge;
    const r = edge && reconcileEpisodes(edge.episodes(), desiredAnomalies(doc));
    if (r) {
      this.reconciliation = r;
      this.emit("reconciled", r);
    }
    for (const notice of step.notices) {
      const edgeIds = r?.episodes.find((e) => e.cloudId === notice.id)?.edgeIds ?? [];
      this.emit("anomaly", (edgeIds.length > 0 ? { ...notice, edgeIds } : notice) satisfies AnomalyNotice);
    }
    if (step.report) {
      this.acknowledged = applyReport(this.acknowledged ?? {}, step.report);
      this.client?.publish(this.ackTopic("update"), JSON.stringify({ state: { reported: { anomalies: step.report } } }), { qos: 1 });
    }
  }
}
