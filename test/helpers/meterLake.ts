import { MemoryLake } from "../../functions/dailyAnalysis/memoryPorts";
import { ReportDay } from "../../functions/dailyAnalysis/reportDay";

/** A JSON line of the meter lake, as the IoT rule writes it, for client NMI0001. */
export const lakeLine = (startMs: number, kwh: number, receivedAt: number) =>
  JSON.stringify({ timestamp: new Date(startMs).toISOString(), kwh, intervalMinutes: 30, clientId: "NMI0001", day: "x", receivedAt });

/** Lake lines of half-hours `from`..`to` (exclusive) of a day, each `kwh`, received when `receivedAt` says. */
export const halfHours = (day: ReportDay, from: number, to: number, kwh: number, receivedAt: (startMs: number) => number) =>
  Array.from({ length: to - from }, (_, i) => day.startMs + (from + i) * 1_800_000).map((t) => lakeLine(t, kwh, receivedAt(t)));

/** The schedule's clock for a day's run: 00:30 UTC of `day`. */
export const at0030 = (day: ReportDay) => () => new Date(day.startMs + 1_800_000);

/** When a meter sends a half-hour's reading: as the half-hour ends. */
export const onTime = (startMs: number) => startMs + 1_800_000;

/** An in-memory meter lake of these objects, each a text or its lines. */
export const lakeOf = (objects: Readonly<Record<string, string | readonly string[]>>) =>
  new MemoryLake(new Map(Object.entries(objects).map(([key, body]) => [key, typeof body === "string" ? body : body.join("\n")])));
