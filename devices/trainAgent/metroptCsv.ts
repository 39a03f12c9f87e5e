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
 * as UTC, every other column a sensor value. Replays the data set's air production unit as a train.
 */
export function readMetroptCsv(text: string, file: string): SensorReading[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) throw new CsvError(`${file}: empty`);
  const header = lines[0].split(",");
  const timeColumn = header.indexOf("timestamp");
  if (timeColumn < 0) throw new CsvError(`${file}:1: no timestamp column`);
  const sensorColumns = header.map((name, i) => [name, i] as const).filter(([name]) => !NOT_SENSORS.includes(name));
  return lines.slice(1).map((line, k) => {
    const cells = line.split(",");
    const where = `${file}:${k + 2}`;
    if (cells.length !== header.length) throw new CsvError(`${where}: ${cells.length} cells, the header has ${header.length}`);
    const time = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(cells[timeColumn]) ? Date.parse(`${cells[timeColumn].replace(" ", "T")}Z`) : NaN;
    if (Number.isNaN(time)) throw new CsvError(`${where}: timestamp ${JSON.stringify(cells[timeColumn])} is not YYYY-MM-DD HH:MM:SS`);
    const sensors: Record<string, number> = {};
    for (const [name, i] of sensorColumns) {
      const v = Number(cells[i]);
      if (cells[i].trim() === "" || !Number.isFinite(v)) throw new CsvError(`${where}: column ${name} is ${JSON.stringify(cells[i])}, not a number`);
      sensors[name] = v;
    }
    return { timestamp: time, sensors };
  });
}
