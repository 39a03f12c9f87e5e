import { expect } from "chai";
import { TelemetryError } from "../../../functions/trainAnomaly/errors";
import { ANALOG_SENSORS } from "../../../functions/trainAnomaly/sensors";
import { boundsProblem, parseTelemetry } from "../../../functions/trainAnomaly/telemetry";

/** The first row of MetroPT-3, as a train would send it. */
const SENSORS = {
  TP2: -0.012,
  TP3: 9.358,
  H1: 9.34,
  DV_pressure: -0.024,
  Reservoirs: 9.358,
  Oil_temperature: 53.6,
  Motor_current: 0.04,
  COMP: 1,
  DV_eletric: 0,
  Towers: 1,
  MPG: 1,
  LPS: 0,
  Pressure_switch: 1,
  Oil_level: 1,
  Caudal_impulses: 1,
};
const VALID = { trainId: "train-0042", timestamp: "2020-02-01T00:00:00Z", sensors: SENSORS };
const WHERE = "record 4959";

describe("train telemetry schema", () => {
  it("accepts a MetroPT-3 reading with an ISO time, as the IoT rule forwards it", () => {
    const t = parseTelemetry({ ...VALID, seq: 7, receivedAt: 1580515200123 }, ANALOG_SENSORS, WHERE);
    expect(t).to.deep.equal({ trainId: "train-0042", timestamp: 1580515200000, seq: 7, sensors: SENSORS, receivedAt: 1580515200123 });
  });

  it("accepts values on their bounds, and checks against the bounds it is given", () => {
    const edge = { ...SENSORS, TP2: 20, TP3: -1, Oil_temperature: -40, Motor_current: 50 };
    expect(parseTelemetry({ ...VALID, sensors: edge }, ANALOG_SENSORS, WHERE)).to.deep.equal({
      trainId: "train-0042",
      timestamp: 1580515200000,
      sensors: edge,
    });
    expect(parseTelemetry({ ...VALID, sensors: edge }, ANALOG_SENSORS, WHERE, { TP2: { min: -1, max: 12 } }).outOfBounds).to.deep.equal({
      TP2: { min: -1, max: 12 },
    });
  });

  // a value outside its sensor's bounds is a broken sensor, not a broken message: the reading is kept, the sensor listed
  const outside: [string, Record<string, number>, Record<string, { min: number; max: number }>][] = [
    ["a huge pressure", { TP2: 1e200 }, { TP2: { min: -1, max: 20 } }],
    ["a pressure below vacuum", { Reservoirs: -1.5 }, { Reservoirs: { min: -1, max: 20 } }],
    ["a boiling compressor", { Oil_temperature: 150.5 }, { Oil_temperature: { min: -40, max: 150 } }],
    [
      "a motor current in kA and a frozen oil",
      { Motor_current: 4000, Oil_temperature: -41 },
      { Motor_current: { min: -1, max: 50 }, Oil_temperature: { min: -40, max: 150 } },
    ],
  ];
  for (const [what, values, listed] of outside) {
    it(`keeps a reading with ${what}, listing the sensor and its bounds`, () => {
      const t = parseTelemetry({ ...VALID, sensors: { ...SENSORS, ...values } }, ANALOG_SENSORS, WHERE);
      expect([t.sensors, t.outOfBounds]).to.deep.equal([{ ...SENSORS, ...values }, listed]);
    });
  }

  it("refuses a train that lists its own sensors outside their bounds: only the cloud decides what goes unread", () => {
    expect(() => parseTelemetry({ ...VALID, outOfBounds: { TP2: { min: -1, max: 20 } } }, ANALOG_SENSORS, WHERE)).to.throw(
      TelemetryError,
      'record 4959: unknown field "outOfBounds" (known: trainId, timestamp, seq, sensors, receivedAt)',
    );
  });

  it("names a value outside its bounds with the sensor's unit", () => {
    expect(boundsProblem("TP2", 1e200, { min: -1, max: 20 })).to.equal('field "sensors.TP2" is 1e+200 bar, outside its bounds -1..20 bar');
    expect(boundsProblem("Oil_temperature", 150.5, { min: -40, max: 150 })).to.equal(
      'field "sensors.Oil_temperature" is 150.5 °C, outside its bounds -40..150 °C',
    );
  });

  it("accepts epoch milliseconds and a zone offset, and only the required sensors", () => {
    const analog = { TP2: 0, TP3: 9, H1: 9, DV_pressure: 0, Reservoirs: 9, Oil_temperature: 50, Motor_current: 4 };
    expect(parseTelemetry({ trainId: "train-7", timestamp: 1580515200000, sensors: analog }, ANALOG_SENSORS, WHERE).timestamp).to.equal(1580515200000);
    expect(parseTelemetry({ trainId: "train-7", timestamp: "2020-02-01T01:00:00.5+01:00", sensors: analog }, ANALOG_SENSORS, WHERE).timestamp).to.equal(
      1580515200500,
    );
  });

  const cases: [string, unknown, string, string][] = [
    ["an array", [1, 2], "", "record 4959: telemetry must be a JSON object, got [1,2]"],
    ["null", null, "", "record 4959: telemetry must be a JSON object, got null"],
    ["a typo in a field name", { ...VALID, sensor: {} }, "sensor", 'record 4959: unknown field "sensor" (known: trainId, timestamp, seq, sensors, receivedAt)'],
    ["no train id", { ...VALID, trainId: undefined }, "trainId", 'record 4959: field "trainId" is required'],
    [
      "a bus",
      { ...VALID, trainId: "bus-7" },
      "trainId",
      `record 4959: field "trainId" must be a thing name train-<id> (letters, digits, ':', '_', '-'; at most 128), got "bus-7"`,
    ],
    [
      "a local time",
      { ...VALID, timestamp: "2020-02-01 00:00:00" },
      "timestamp",
      'record 4959: field "timestamp" must be epoch milliseconds or an ISO 8601 time with a zone, got "2020-02-01 00:00:00"',
    ],
    [
      "epoch seconds",
      { ...VALID, timestamp: 1580515200 },
      "timestamp",
      'record 4959: field "timestamp" 1580515200 is outside 2000-01-01..2100-01-01 (epoch seconds instead of milliseconds?)',
    ],
    [
      "fractional milliseconds",
      { ...VALID, timestamp: 1580515200000.5 },
      "timestamp",
      'record 4959: field "timestamp" must be integer epoch milliseconds, got 1580515200000.5',
    ],
    [
      "February 30th",
      { ...VALID, timestamp: "2020-02-30T00:00:00Z" },
      "timestamp",
      'record 4959: field "timestamp" is not a valid time, got "2020-02-30T00:00:00Z"',
    ],
    ["a negative seq", { ...VALID, seq: -1 }, "seq", 'record 4959: field "seq" must be a non-negative integer, got -1'],
    ["sensors as a list", { ...VALID, sensors: [1] }, "sensors", 'record 4959: field "sensors" must be an object of sensor name to number, got [1]'],
    [
      "an unknown sensor",
      { ...VALID, sensors: { ...SENSORS, TP9: 1 } },
      "sensors.TP9",
      'record 4959: field "sensors.TP9" is not a known sensor (known: TP2, TP3, H1, DV_pressure, Reservoirs, Oil_temperature, Motor_current, COMP, DV_eletric, Towers, MPG, LPS, Pressure_switch, Oil_level, Caudal_impulses)',
    ],
    [
      "a text value",
      { ...VALID, sensors: { ...SENSORS, TP2: "-0.012" } },
      "sensors.TP2",
      'record 4959: field "sensors.TP2" must be a finite number, got "-0.012"',
    ],
    ["a missing value", { ...VALID, sensors: { ...SENSORS, TP3: null } }, "sensors.TP3", 'record 4959: field "sensors.TP3" must be a finite number, got null'],
    [
      "a receipt time that is not epoch ms",
      { ...VALID, receivedAt: "now" },
      "receivedAt",
      'record 4959: field "receivedAt" must be integer epoch milliseconds (set by the IoT rule), got "now"',
    ],
    [
      "a half-open valve",
      { ...VALID, sensors: { ...SENSORS, COMP: 0.5 } },
      "sensors.COMP",
      'record 4959: field "sensors.COMP" must be 0 or 1 (digital), got 0.5',
    ],
    [
      "a missing detector input",
      { ...VALID, sensors: { ...SENSORS, Oil_temperature: undefined } },
      "sensors.Oil_temperature",
      'record 4959: field "sensors.Oil_temperature" is required (a detector input)',
    ],
    [
      "two problems at once",
      { trainId: "train-1", timestamp: "yesterday", sensors: { ...SENSORS, LPS: 2 } },
      "timestamp",
      'record 4959: field "timestamp" must be epoch milliseconds or an ISO 8601 time with a zone, got "yesterday"; field "sensors.LPS" must be 0 or 1 (digital), got 2',
    ],
  ];
  it("names the first ten problems of a record with thousands, and counts the rest", () => {
    const unknown = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`X${i}`, 1]));
    let caught: TelemetryError | undefined;
    try {
      parseTelemetry({ ...VALID, sensors: { ...SENSORS, ...unknown } }, ANALOG_SENSORS, WHERE);
    } catch (e) {
      caught = e as TelemetryError;
    }
    const parts = caught!.message.split("; ");
    expect([parts.length, parts[0].startsWith('record 4959: field "sensors.X0" is not a known sensor'), parts[10]]).to.deep.equal([
      11,
      true,
      "and 2990 more problem(s)",
    ]);
  });

  for (const [what, message, field, error] of cases) {
    it(`rejects ${what} naming the field and the value`, () => {
      let caught: TelemetryError | undefined;
      try {
        parseTelemetry(JSON.parse(JSON.stringify(message) ?? "null"), ANALOG_SENSORS, WHERE);
      } catch (e) {
        caught = e as TelemetryError;
      }
      expect([caught?.name, caught?.reason, caught?.field, caught?.message]).to.deep.equal(["TelemetryError", "schema", field, error]);
    });
  }
});
