import { expect } from "chai";
import { readMetroptCsv } from "../../devices/trainAgent/metroptCsv";

const HEADER = ",timestamp,TP2,Oil_temperature";

describe("train agent: readings from a MetroPT-3 CSV", () => {
  it("reads each row as a reading at its UTC time, every column but the index and the time a sensor", () => {
    const text = `${HEADER}\n0,2020-02-01 00:00:00,-0.012,53.6\n1,2020-02-01 00:00:10,9.5,53.7\n`;
    expect(readMetroptCsv(text, "f.csv")).to.deep.equal([
      { timestamp: Date.UTC(2020, 1, 1), sensors: { TP2: -0.012, Oil_temperature: 53.6 } },
      { timestamp: Date.UTC(2020, 1, 1, 0, 0, 10), sensors: { TP2: 9.5, Oil_temperature: 53.7 } },
    ]);
  });

  const refused: [string, string, string][] = [
    ["an empty file", "", "f.csv: empty"],
    ["no time column", "a,b\n1,2\n", "f.csv:1: no timestamp column"],
    ["no sensor column", ",timestamp\n0,2020-02-01 00:00:00\n", 'f.csv:1: no sensor column besides "", "timestamp"'],
    ["a header alone", `${HEADER}\n`, "f.csv: no reading after the header"],
    ["a day that does not exist", `${HEADER}\n0,2020-02-30 00:00:00,1,2\n`, 'f.csv:2: timestamp "2020-02-30 00:00:00" is not a time YYYY-MM-DD HH:MM:SS'],
    ["another time form", `${HEADER}\n0,2020-02-01T00:00:00Z,1,2\n`, 'f.csv:2: timestamp "2020-02-01T00:00:00Z" is not a time YYYY-MM-DD HH:MM:SS'],
    [
      "a row earlier than the one before",
      `${HEADER}\n0,2020-02-01 00:00:10,1,2\n1,2020-02-01 00:00:00,1,2\n`,
      "f.csv:3: timestamp 2020-02-01 00:00:00 is earlier than the row before (2020-02-01T00:00:10.000Z)",
    ],
    ["a hexadecimal value", `${HEADER}\n0,2020-02-01 00:00:00,0x10,2\n`, 'f.csv:2: column TP2 is "0x10", not a number'],
    ["an empty value", `${HEADER}\n0,2020-02-01 00:00:00,,2\n`, 'f.csv:2: column TP2 is "", not a number'],
    ["a short row", `${HEADER}\n0,2020-02-01 00:00:00,1\n`, "f.csv:2: 3 cells, the header has 4"],
  ];
  for (const [what, text, message] of refused) {
    it(`refuses ${what}: ${message}`, () => {
      expect(() => readMetroptCsv(text, "f.csv")).to.throw(message);
    });
  }
});
