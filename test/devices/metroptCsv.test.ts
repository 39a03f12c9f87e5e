import { expect } from "chai";
import { readMetroptCsv } from "../../devices/trainAgent/metroptCsv";

/** The index, the time and the seven sensors the train detector reads. */
const HEADER = ",timestamp,TP2,Oil_temperature,TP3,H1,DV_pressure,Reservoirs,Motor_current";
/** The five sensors after the first two, the same in every row here. */
const REST = "9.3,9.3,-0.02,9.3,0.04";
const REST_SENSORS = { TP3: 9.3, H1: 9.3, DV_pressure: -0.02, Reservoirs: 9.3, Motor_current: 0.04 };
const row = (i: number, time: string, tp2: string, oil: string) => `${i},${time},${tp2},${oil},${REST}`;

describe("train agent: readings from a MetroPT-3 CSV", () => {
  it("reads each row as a reading at its UTC time, every column but the index and the time a sensor", () => {
    const text = `${HEADER}\n${row(0, "2020-02-01 00:00:00", "-0.012", "53.6")}\n${row(1, "2020-02-01 00:00:10", "9.5", "53.7")}\n`;
    expect(readMetroptCsv(text, "f.csv")).to.deep.equal([
      { timestamp: Date.UTC(2020, 1, 1), sensors: { TP2: -0.012, Oil_temperature: 53.6, ...REST_SENSORS } },
      { timestamp: Date.UTC(2020, 1, 1, 0, 0, 10), sensors: { TP2: 9.5, Oil_temperature: 53.7, ...REST_SENSORS } },
    ]);
  });

  const refused: [string, string, string][] = [
    ["an empty file", "", "f.csv: empty"],
    ["no time column", "a,b\n1,2\n", "f.csv:1: no timestamp column"],
    ["no sensor column", ",timestamp\n0,2020-02-01 00:00:00\n", 'f.csv:1: no sensor column besides "", "timestamp"'],
    [
      "a column that is no sensor the cloud knows",
      "timestamp,value,TP2\n2020-02-01 00:00:00,1,2\n",
      'f.csv:1: column(s) "value" are not MetroPT-3 sensors (known: TP2, TP3, H1, DV_pressure, Reservoirs, Oil_temperature, Motor_current, COMP, DV_eletric, Towers, MPG, LPS, Pressure_switch, Oil_level, Caudal_impulses)',
    ],
    [
      "no column for a sensor the detector reads",
      ",timestamp,TP2,Oil_temperature\n0,2020-02-01 00:00:00,1,2\n",
      "f.csv:1: no column for sensor(s) TP3, H1, DV_pressure, Reservoirs, Motor_current, which the train detector reads",
    ],
    ["a header alone", `${HEADER}\n`, "f.csv: no reading after the header"],
    [
      "a day that does not exist",
      `${HEADER}\n${row(0, "2020-02-30 00:00:00", "1", "2")}\n`,
      'f.csv:2: timestamp "2020-02-30 00:00:00" is not a time YYYY-MM-DD HH:MM:SS',
    ],
    [
      "another time form",
      `${HEADER}\n${row(0, "2020-02-01T00:00:00Z", "1", "2")}\n`,
      'f.csv:2: timestamp "2020-02-01T00:00:00Z" is not a time YYYY-MM-DD HH:MM:SS',
    ],
    [
      "a row earlier than the one before",
      `${HEADER}\n${row(0, "2020-02-01 00:00:10", "1", "2")}\n${row(1, "2020-02-01 00:00:00", "1", "2")}\n`,
      "f.csv:3: timestamp 2020-02-01 00:00:00 is earlier than the row before (2020-02-01T00:00:10.000Z)",
    ],
    ["a hexadecimal value", `${HEADER}\n${row(0, "2020-02-01 00:00:00", "0x10", "2")}\n`, 'f.csv:2: column TP2 is "0x10", not a number'],
    ["an empty value", `${HEADER}\n${row(0, "2020-02-01 00:00:00", "", "2")}\n`, 'f.csv:2: column TP2 is "", not a number'],
    ["a short row", `${HEADER}\n0,2020-02-01 00:00:00,1\n`, "f.csv:2: 3 cells, the header has 9"],
  ];
  for (const [what, text, message] of refused) {
    it(`refuses ${what}: ${message}`, () => {
      expect(() => readMetroptCsv(text, "f.csv")).to.throw(message);
    });
  }
});
