import { isDecimalText } from "../../anomaly/io/timestamp";
import { SENSORS, sensorNamed } from "../../functions/trainAnomaly/sensors";
import { requiredSensors, TRAIN_DETECTOR_DEFAULTS } from "../../functions/trainAnomaly/settings";
import { SensorReading } from "./trainAgent";

/** A MetroPT-3 style CSV that cannot be read: names the file, line and column. */
export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.message = message;
    this.name = "CsvError";
  }
}

/** Columns that are not sensors (the pandas index and the time). */
const NOT_SENSORS = ["", "Unnamed: 0", "timestamp"];

/**
 * Readings from a MetroPT-3 CSV (`Unnamed: 0,timestamp,TP2,TP3,…`): timestamps `YYYY-MM-DD HH:MM:SS` taken
 * as UTC, every other column a sensor value. Replays the data set's air production unit as a train. Columns the
 * telemetry contract would refuse (a sensor it does not know, none for one the detector reads) are an error here,
 * before anything is sent.
 */
export function readMetroptCsv(text: string, file: string): SensorReading[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) throw new CsvError(`${file}: empty`);
  const header = lines[0].split(",");
  const timeColumn = header.indexOf("timestamp");
  if (timeColumn < 0) throw new CsvError(`${file}:1: no timestamp column`);
  const sensorColumns = header.map((name, i) => [name, i] as const).filter(([name]) => !NOT_SENSORS.includes(name));
  if (sensorColumns.length === 0) throw new CsvError(`${file}:1: no sensor column besides ${header.map((h) => JSON.stringify(h)).join(", ")}`);
  // the cloud refuses a reading with a sensor it does not know, or without one its detector reads
  const unknown = sensorColumns.filter(([name]) => !sensorNamed(name)).map(([name]) => JSON.stringify(name));
  if (unknown.length > 0)
    throw new CsvError(`${file}:1: column(s) ${unknown.join(", ")} are not MetroPT-3 sensors (known: ${SENSORS.map((x) => x.name).join(", ")})`);
  const missing = requiredSensors(TRAIN_DETECTOR_DEFAULTS).filter((name) => !header.includes(name));
  if (missing.length > 0) throw new CsvError(`${file}:1: no column for sensor(s) ${missing.join(", ")}, which the train detector reads`);
  if (lines.length === 1) throw new CsvError(`${file}: no reading after the header`);
  let previous = -Infinity;
  return lines.slice(1).map((line, k) => {
    const cells = line.split(",");
    const where = `${file}:${k + 2}`;
    if (cells.length !== header.length) throw new CsvError(`${where}: ${cells.length} cells, the header has ${header.length}`);
    const time = utcTime(cells[timeColumn]);
    if (Number.isNaN(time)) throw new CsvError(`${where}: timestamp ${JSON.stringify(cells[timeColumn])} is not a time YYYY-MM-DD HH:MM:SS`);
    if (time < previous) throw new CsvError(`${where}: timestamp ${cells[timeColumn]} is earlier than the row before (${new Date(previous).toISOString()})`);
    previous = time;
    const sensors: Record<string, number> = {};
    for (const [name, i] of sensorColumns) {
      if (!isDecimalText(cells[i])) throw new CsvError(`${where}: column ${name} is ${JSON.stringify(cells[i])}, not a number`);
      sensors[name] = Number(cells[i]);
    }
    return { timestamp: time, sensors };
  });
}

/** `YYYY-MM-DD HH:MM:SS` as UTC epoch ms, or NaN for another form or a time that does not exist (2020-02-30). */
function utcTime(text: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(text);
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  return back.getUTCDate() === d && back.getUTCMonth() === mo - 1 && h < 24 && mi < 60 && s < 60 ? t : NaN;
}
