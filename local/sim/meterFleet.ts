import { connect, MqttClient } from "mqtt";
import { seeded } from "./trainSource";

/**
 * Simulated smart meters: each publishes one reading per half-hour of the simulated day on
 * `meters/{ClientID}/readings` (docs/contracts.md), walking through the day's 48 half-hours over the run.
 * Households differ (seeded base load, breakfast and evening peaks); one meter in ten has an unusual
 * half-hour (something left on) for the daily analysis to find.
 */
export interface MeterPlan {
  readonly clientIds: readonly string[];
  /** Client id → index of its unusual half-hour. */
  readonly unusual: Readonly<Record<string, number>>;
  /**
   * The meter that was offline for the whole day OUTAGE_DAYS_AGO before the run's: that day is missing from its
   * history, and it sends the day's stored readings when the run starts, for the day's analysis to revise.
   */
  readonly backFromOutage: string;
}

/** The day, before the run's, that `backFromOutage` was offline. */
export const OUTAGE_DAYS_AGO = 2;

export const meterIdOf = (i: number) => `NMI${String(6_100_000_001 + i)}`;

export function planMeters(count: number, seed: number): MeterPlan {
  const random = seeded(seed * 104_729 + 3);
  const clientIds = Array.from({ length: count }, (_, i) => meterIdOf(i));
  const unusual: Record<string, number> = {};
  clientIds.forEach((id, i) => {
    if (i % 10 === 2) unusual[id] = 2 + Math.floor(random() * 10); // at night, where it stands out
  });
  return { clientIds, unusual, backFromOutage: clientIds[clientIds.length - 1] };
}

/** kWh of half-hour `slot` for meter `i` (seeded household shape). */
export function householdKwh(i: number, slot: number, seed: number, unusualSlot?: number): number {
  const random = seeded(seed * 31 + i * 1009 + slot);
  const hour = slot / 2;
  const base = 0.1 + 0.05 * ((i * 7) % 5);
  const morning = hour >= 6.5 && hour < 9 ? 0.35 + 0.1 * (i % 3) : 0;
  const evening = hour >= 17.5 && hour < 22 ? 0.6 + 0.15 * (i % 4) : 0;
  const kwh = slot === unusualSlot ? 2.5 : base + morning + evening + 0.05 * random();
  return Math.round(kwh * 1000) / 1000;
}

export interface MeterFleetOptions {
  readonly brokerUrl: string;
  readonly plan: MeterPlan;
  readonly seed: number;
  /** 00:00 UTC of the simulated day, epoch ms. */
  readonly dayStartMs: number;
  /** Wall-clock ms between half-hours. */
  readonly slotEveryMs: number;
  readonly onReading?: (clientId: string, t: number, kwh: number) => void;
}

export class MeterFleet {
  private readonly clients = new Map<string, MqttClient>();
  private timer?: NodeJS.Timeout;
  private slot = 0;
  published = 0;
  /** Readings of an earlier day sent by the meter back from its outage (not in `published`). */
  storedPublished = 0;
  private finished!: () => void;
  readonly done = new Promise<void>((resolve) => (this.finished = resolve));

  constructor(private readonly o: MeterFleetOptions) {}

  async start(): Promise<void> {
    await Promise.all(
      this.o.plan.clientIds.map(
        (id) =>
          new Promise<void>((resolve, reject) => {
            const c = connect(this.o.brokerUrl, { clientId: id, reconnectPeriod: 200 });
            c.once("connect", () => resolve());
            c.once("error", reject);
            this.clients.set(id, c);
          }),
      ),
    );
    this.sendStored();
    this.timer = setInterval(() => this.tick(), this.o.slotEveryMs);
  }

  /** The meter back from its outage sends the readings it stored on the day it was offline. */
  private sendStored(): void {
    const id = this.o.plan.backFromOutage;
    const i = this.o.plan.clientIds.indexOf(id);
    for (const { t, kwh } of pastDayReadings(i, this.o.seed, this.o.dayStartMs - OUTAGE_DAYS_AGO * 86_400_000)) {
      this.clients.get(id)!.publish(`meters/${id}/readings`, JSON.stringify({ timestamp: new Date(t).toISOString(), kwh, intervalMinutes: 30 }), { qos: 1 });
      this.storedPublished++;
    }
  }

  private tick(): void {
    const slot = this.slot++;
    if (slot >= 48) {
      clearInterval(this.timer);
      this.finished();
      return;
    }
    this.o.plan.clientIds.forEach((id, i) => {
      const t = this.o.dayStartMs + slot * 1_800_000;
      const kwh = householdKwh(i, slot, this.o.seed, this.o.plan.unusual[id]);
      this.clients.get(id)!.publish(`meters/${id}/readings`, JSON.stringify({ timestamp: new Date(t).toISOString(), kwh, intervalMinutes: 30 }), { qos: 1 });
      this.published++;
      this.o.onReading?.(id, t, kwh);
    });
  }

  /** The run is cut short: no more half-hours; the meters stay connected until `stop`. */
  halt(): void {
    clearInterval(this.timer);
    this.finished();
  }

  async stop(): Promise<void> {
    this.halt();
    await Promise.all([...this.clients.values()].map((c) => new Promise<void>((resolve) => c.end(false, {}, () => resolve()))));
  }
}

/** Meter `i`'s 48 half-hours of a day before the run's: start time and kWh. No unusual half-hours. */
export function pastDayReadings(i: number, seed: number, dayStartMs: number): { t: number; kwh: number }[] {
  return Array.from({ length: 48 }, (_, slot) => ({
    t: dayStartMs + slot * 1_800_000,
    kwh: householdKwh(i, slot, seed * 7 + Math.floor(dayStartMs / 86_400_000)),
  }));
}

/**
 * Earlier days of readings as the meter lake would hold them, one object a reading in the day's partition
 * (`{ClientID}/{YYYYMMDD}/{receivedAt}-history-{slot}.json`, as the readings rule's S3 action writes them), so
 * the daily analysis has each household's recent history to compare the run's day with; `omit` names a meter
 * that sent nothing that day.
 */
export function meterHistory(plan: MeterPlan, seed: number, dayStartMs: number, omit?: string): { key: string; body: string }[] {
  const day = new Date(dayStartMs).toISOString().slice(0, 10).replace(/-/g, "");
  return plan.clientIds.flatMap((clientId, i) => {
    if (clientId === omit) return [];
    return pastDayReadings(i, seed, dayStartMs).map(({ t, kwh }, slot) => {
      const receivedAt = t + 60_000;
      const body = JSON.stringify({ timestamp: new Date(t).toISOString(), kwh, intervalMinutes: 30, clientId, day, receivedAt });
      return { key: `${clientId}/${day}/${receivedAt}-history-${slot}.json`, body };
    });
  });
}
