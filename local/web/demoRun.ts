import type { LiveEvent, TrainReading } from "./liveEvents";
import { generator } from "../../devices/trainAgent/apuSimulator";

/** The demo's sensors: what a Metro do Porto air production unit shows best in a small chart. */
export const DEMO_SENSORS = ["Reservoirs", "Motor_current", "Oil_temperature"];
const TRAINS = ["train-0001", "train-0002", "train-0003"];
const METERS = ["MTR0001", "MTR0002", "MTR0003", "MTR0004", "MTR0005"];
const RUN_S = 300;
const WARM_UP = 32;
const FAULT = { trainId: "train-0002", kind: "air leak", fromS: 150, toS: 235 };
const ALERT_OPEN_S = 176;
const ALERT_CLEAR_S = 262;
const OFFLINE = { trainId: "train-0003", fromS: 196, toS: 238 };

/** A small seeded generator (mulberry32), so the demo and its screenshot are the same every time. */
const random = generator;

/**
 * One compressor: the reservoirs lose air to the brakes and doors, the compressor starts at 8.2 bar and stops at
 * 10 bar, drawing ~5.5 A and heating its oil while it runs. A leak makes the pressure fall about three times faster.
 */
function trainSeries(trainId: string, startedAt: number, seed: number): TrainReading[] {
  const rnd = random(seed);
  let pressure = 8.6 + rnd() * 1.3,
    oil = 58 + rnd() * 6,
    on = rnd() < 0.3,
    baseline = 0.12;
  const out: TrainReading[] = [];
  for (let s = 0; s < RUN_S; s++) {
    const leak = trainId === FAULT.trainId && s >= FAULT.fromS && s < FAULT.toS;
    pressure += on ? 0.065 + rnd() * 0.01 : -(0.016 + rnd() * 0.004) * (leak ? 3.2 : 1);
    if (pressure <= 8.2) on = true;
    if (pressure >= 10) on = false;
    oil += on ? 0.22 + rnd() * 0.05 : -0.07 * ((oil - 52) / 20);
    const current = on ? 5.4 + rnd() * 0.5 : 0.04 + rnd() * 0.02;
    baseline += (0.12 - baseline) * 0.1 + (rnd() - 0.5) * 0.04;
    const ramp = leak ? Math.min(1, (s - FAULT.fromS) / 22) : trainId === FAULT.trainId && s >= FAULT.toS ? Math.max(0, 1 - (s - FAULT.toS) / 14) : 0;
    const score = s < WARM_UP ? null : Math.min(1, Math.max(0, baseline + ramp * (0.68 + rnd() * 0.12)));
    out.push({
      trainId,
      t: startedAt + s * 1000,
      score: score === null ? null : Math.round(score * 1000) / 1000,
      values: { Reservoirs: round(pressure, 3), Motor_current: round(current, 4), Oil_temperature: round(oil, 2) },
    });
  }
  return out;
}

/** A household's half-hourly use over a day: a night base load, a morning and an evening peak. */
function meterDay(clientId: string, dayStart: number, seed: number): { clientId: string; t: number; kwh: number }[] {
  const rnd = random(seed);
  const scale = 0.7 + rnd() * 0.8;
  return Array.from({ length: 48 }, (_, i) => {
    const hour = i / 2;
    const shape = 0.12 + 0.35 * Math.exp(-((hour - 7.5) ** 2) / 2) + 0.6 * Math.exp(-((hour - 19) ** 2) / 4);
    return { clientId, t: dayStart + i * 30 * 60_000, kwh: round(scale * shape * (0.85 + rnd() * 0.3), 3) };
  });
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/**
 * A realistic scripted run for the docs screenshot: 3 trains over five simulated minutes, one injected air leak
 * found and delivered to the train's shadow, one train briefly offline, 5 smart meters over a day, the end report.
 */
export function demoEvents(startedAt = Date.UTC(2026, 2, 14, 9, 0, 0)): LiveEvent[] {
  const events: LiveEvent[] = [
    { type: "hello", startedAt, durationS: RUN_S, trains: TRAINS, meters: METERS, sensors: DEMO_SENSORS },
    ...TRAINS.map((trainId): LiveEvent => ({ type: "train", trainId, online: true, t: startedAt })),
  ];
  const series = TRAINS.map((id, i) => trainSeries(id, startedAt, 11 + i * 7));
  const at = (s: number) => startedAt + s * 1000;
  // the offline train's readings wait in its outbox and arrive when it reconnects; every reading is scored
  // (a warm-up reading too, without a score), as in the local stack
  const isOffline = (r: TrainReading): boolean => r.trainId === OFFLINE.trainId && r.t >= at(OFFLINE.fromS) && r.t < at(OFFLINE.toS);
  let published = 0;
  for (let s = 0; s < RUN_S; s++) {
    const now = series.flatMap((rs) => rs.filter((r) => r.t === at(s) && !isOffline(r)));
    const items = s === OFFLINE.toS ? [...series.flat().filter(isOffline), ...now] : now;
    published += items.length;
    if (s === OFFLINE.toS) events.push({ type: "train", trainId: OFFLINE.trainId, online: true, t: at(s) });
    events.push({ type: "readings", items });
    if (s === FAULT.fromS) events.push({ type: "fault", trainId: FAULT.trainId, kind: FAULT.kind, startedAt: at(FAULT.fromS), endsAt: at(FAULT.toS) });
    if (s === OFFLINE.fromS) events.push({ type: "train", trainId: OFFLINE.trainId, online: false, t: at(s) });
    if (s === ALERT_OPEN_S) {
      events.push({
        type: "alert",
        trainId: FAULT.trainId,
        episodeId: "ep-0002-01",
        state: "open",
        t: at(s),
        message: "anomaly grade 0.81: reservoir pressure falling fast, compressor running long",
        sensors: ["Reservoirs", "Motor_current"],
      });
      events.push({ type: "delivered", trainId: FAULT.trainId, episodeId: "ep-0002-01", latencyMs: 143, offlineDelivery: false });
    }
    if (s === ALERT_CLEAR_S) {
      events.push({
        type: "alert",
        trainId: FAULT.trainId,
        episodeId: "ep-0002-01",
        state: "cleared",
        t: at(s),
        message: "anomaly grade 0.81: reservoir pressure falling fast, compressor running long",
        sensors: ["Reservoirs", "Motor_current"],
      });
    }
    if (s % 10 === 9) {
      events.push({
        type: "stats",
        values: {
          readingsPublished: published,
          readingsScored: published,
          anomaliesDetected: s >= ALERT_OPEN_S ? 1 : 0,
          shadowDeliveries: s >= ALERT_OPEN_S ? 1 : 0,
          supplierFilesAccepted: s >= 60 ? 2 : 0,
          meterReadings: Math.round(((s + 1) / RUN_S) * 240),
        },
      });
    }
  }
  const day = Date.UTC(2026, 2, 13);
  const meters = METERS.map((id, i) => meterDay(id, day, 101 + i * 13));
  for (let i = 0; i < 48; i++) events.push({ type: "meter", items: meters.map((m) => m[i]) });
  const meterKwh = round(
    meters.flat().reduce((sum, r) => sum + r.kwh, 0),
    2,
  );
  events.push({
    type: "stats",
    values: {
      readingsPublished: published,
      readingsScored: published,
      anomaliesDetected: 1,
      shadowDeliveries: 1,
      supplierFilesAccepted: 2,
      meterReadings: 240,
    },
  });
  events.push({
    type: "end",
    report: {
      durationS: RUN_S,
      trains: TRAINS.length,
      meters: METERS.length,
      readingsPublished: published,
      readingsScored: published,
      detection: { faultsInjected: 1, faultsDetected: 1, falseAlerts: 0, detectionDelayS: ALERT_OPEN_S - FAULT.fromS },
      shadow: { deliveries: 1, offlineDeliveries: 0, latencyMs: 143 },
      meterReadings: 240,
      meterKwh,
      supplierFiles: { accepted: 2, quarantined: 0 },
    },
  });
  return events;
}
