import type { AlertRecord, HelloEvent, LiveEvent, MeterSnapshot, Snapshot, TrainSnapshot } from "./liveEvents";

/** Readings kept per train: ten minutes at one reading a second. */
export const READINGS_PER_TRAIN = 600;
/** Readings kept per meter. */
export const READINGS_PER_METER = 200;

export interface LiveStateLimits {
  /** Default READINGS_PER_TRAIN. */
  readonly readingsPerTrain?: number;
  /** Default READINGS_PER_METER. */
  readonly readingsPerMeter?: number;
}

type Delivery = NonNullable<AlertRecord["delivery"]>;

/**
 * Everything the page has been told so far, kept compact so a browser that connects late can be brought up to date
 * with one snapshot: the latest readings per train and meter, every alert, fault and online change, the latest
 * counters and the end report. A later hello updates the run description without forgetting what came before.
 */
export class LiveState {
  private hello: HelloEvent | null = null;
  private readonly trains = new Map<string, TrainSnapshot>();
  private readonly meters = new Map<string, MeterSnapshot>();
  private stats: Record<string, number> = {};
  private finished = false;
  private report: unknown = null;
  /** Deliveries confirmed before their alert arrived, by train and episode. */
  private readonly early = new Map<string, Delivery>();
  private readonly perTrain: number;
  private readonly perMeter: number;

  constructor(limits: LiveStateLimits = {}) {
    this.perTrain = positive("readingsPerTrain", limits.readingsPerTrain ?? READINGS_PER_TRAIN);
    this.perMeter = positive("readingsPerMeter", limits.readingsPerMeter ?? READINGS_PER_METER);
  }

  apply(event: LiveEvent): void {
    switch (event.type) {
      case "hello":
        this.hello = event;
        this.finished = false;
        for (const id of event.trains) this.train(id);
        for (const id of event.meters) this.meter(id);
        return;
      case "readings":
        for (const r of event.items) {
          const kept = this.train(r.trainId).readings;
          kept.push({ t: r.t, values: r.values, score: r.score });
          if (kept.length > this.perTrain) kept.splice(0, kept.length - this.perTrain);
        }
        return;
      case "alert":
        return this.alert(event);
      case "delivered": {
        const delivery = { latencyMs: event.latencyMs, offlineDelivery: event.offlineDelivery };
        const alert = this.train(event.trainId).alerts.find((a) => a.episodeId === event.episodeId);
        if (alert) alert.delivery = delivery;
        else this.early.set(`${event.trainId}\n${event.episodeId}`, delivery);
        return;
      }
      case "train": {
        const train = this.train(event.trainId);
        train.online = event.online;
        train.onlineChangedAt = event.t;
        return;
      }
      case "fault":
        this.train(event.trainId).faults.push({ kind: event.kind, startedAt: event.startedAt, endsAt: event.endsAt });
        return;
      case "meter":
        for (const r of event.items) {
          const meter = this.meter(r.clientId);
          meter.readings.push({ t: r.t, kwh: r.kwh });
          if (meter.readings.length > this.perMeter) meter.readings.splice(0, meter.readings.length - this.perMeter);
          if (Number.isFinite(r.kwh)) meter.totalKwh += r.kwh;
          meter.count += 1;
        }
        return;
      case "stats":
        this.stats = { ...this.stats, ...event.values };
        return;
      case "end":
        this.finished = true;
        this.report = event.report ?? null;
        return;
      default:
        throw new Error(`live event: unknown type ${JSON.stringify((event as { type?: unknown }).type)}`);
    }
  }

  /** A deep copy, so later events do not change it. */
  snapshot(): Snapshot {
    return structuredClone({
      type: "snapshot",
      hello: this.hello,
      trains: [...this.trains.values()],
      meters: [...this.meters.values()],
      stats: this.stats,
      finished: this.finished,
      report: this.report,
    });
  }

  private alert(event: Extract<LiveEvent, { type: "alert" }>): void {
    const alerts = this.train(event.trainId).alerts;
    const known = alerts.find((a) => a.episodeId === event.episodeId);
    if (known) {
      known.state = event.state;
      known.lastAt = event.t;
      known.message = event.message;
      known.sensors = event.sensors;
      if (event.state === "cleared") known.clearedAt = event.t;
      return;
    }
    const key = `${event.trainId}\n${event.episodeId}`;
    alerts.push({
      episodeId: event.episodeId,
      state: event.state,
      openedAt: event.t,
      lastAt: event.t,
      clearedAt: event.state === "cleared" ? event.t : null,
      message: event.message,
      sensors: event.sensors,
      delivery: this.early.get(key) ?? null,
    });
    this.early.delete(key);
  }

  private train(trainId: string): TrainSnapshot {
    let train = this.trains.get(trainId);
    if (!train) {
      train = { trainId, online: null, onlineChangedAt: null, readings: [], alerts: [], faults: [] };
      this.trains.set(trainId, train);
    }
    return train;
  }

  private meter(clientId: string): MeterSnapshot {
    let meter = this.meters.get(clientId);
    if (!meter) {
      meter = { clientId, readings: [], totalKwh: 0, count: 0 };
      this.meters.set(clientId, meter);
    }
    return meter;
  }
}

function positive(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`live state: ${field} must be a positive integer, got ${value}`);
  return value;
}
