import { expect } from "chai";
import * as fc from "fast-check";
import { handler } from "../../../functions/firehoseTransform/handler";
import { captureOutput, emfMetrics, lambdaContext, logLines } from "../../helpers/captureOutput";
import { MAX_RESPONSE_BYTES, OVERFLOW_REASON, transformEvent } from "../../../functions/firehoseTransform/transformRecords";
import { decodeLines, firehoseEvent, recordId, shared } from "../../helpers/firehoseEvents";

const RECEIVED = Date.UTC(2026, 10, 21, 10, 30, 1);
const METER = { timestamp: "2026-11-21T10:30:00Z", kwh: 0.42, intervalMinutes: 15 };
const TELEMETRY = { trainId: "train-0042", timestamp: "2026-11-21T10:30:10+01:00", seq: 17, sensors: { Motor_current: 4.1, TP2: -0.014, COMP: 1 } };
const AT = Date.UTC(2026, 10, 21, 10, 30);
const ANOMALY = { trainId: "train-0042", timestamp: AT, episodeId: "ep-1", state: "open", grade: 0.8, sensors: ["TP2", "Motor_current"] };

function rowsOf(message: Record<string, unknown>): unknown[] {
  const { response, failures } = transformEvent(firehoseEvent([{ data: message }]));
  expect(failures).to.deep.equal([]);
  expect(response.records[0].result).to.equal("Ok");
  return decodeLines(response.records[0].data ?? "");
}

function reasonOf(data: unknown, base64?: string): string {
  const { response, failures } = transformEvent(firehoseEvent([{ data, base64 }]));
  expect(response.records[0].result).to.equal("ProcessingFailed");
  return failures[0].reason;
}

describe("Firehose transform", () => {
  describe("rows", () => {
    it("turns a meter reading into one kwh row with the interval in detail", () => {
      expect(rowsOf(shared("meters", "C42", METER))).to.deep.equal([
        {
          source: "meters",
          device_id: "C42",
          event_time: "2026-11-21T10:30:00.000Z",
          received_at: RECEIVED,
          metric: "kwh",
          value: 0.42,
          detail: '{"intervalMinutes":15}',
        },
      ]);
    });

    it("makes the meter's default interval of 30 minutes explicit and accepts epoch milliseconds", () => {
      expect(rowsOf(shared("meters", "C42", { timestamp: AT, kwh: 0 }))).to.deep.equal([
        {
          source: "meters",
          device_id: "C42",
          event_time: "2026-11-21T10:30:00.000Z",
          received_at: RECEIVED,
          metric: "kwh",
          value: 0,
          detail: '{"intervalMinutes":30}',
        },
      ]);
    });

    it("turns train telemetry into one row per sensor, in MetroPT-3 order, time in UTC", () => {
      const base = { source: "trains", device_id: "train-0042", event_time: "2026-11-21T09:30:10.000Z", received_at: RECEIVED, detail: '{"seq":17}' };
      expect(rowsOf(shared("trains", "train-0042", TELEMETRY))).to.deep.equal([
        { ...base, metric: "TP2", value: -0.014 },
        { ...base, metric: "Motor_current", value: 4.1 },
        { ...base, metric: "COMP", value: 1 },
      ]);
    });

    it("keeps a value beyond the detector's physical bounds (a stuck or failing sensor is what the data is for)", () => {
      const base = { source: "trains", device_id: "train-0042", event_time: "2026-11-21T09:30:10.000Z", received_at: RECEIVED, detail: '{"seq":17}' };
      expect(rowsOf(shared("trains", "train-0042", { ...TELEMETRY, sensors: { Oil_temperature: 151, TP2: 1e200, Motor_current: 4.1 } }))).to.deep.equal([
        { ...base, metric: "TP2", value: 1e200 },
        { ...base, metric: "Oil_temperature", value: 151 },
        { ...base, metric: "Motor_current", value: 4.1 },
      ]);
    });

    it("takes the train id from the topic when the body has none, and leaves detail null without seq", () => {
      const { trainId: _t, seq: _s, ...bare } = TELEMETRY;
      expect(rowsOf(shared("trains", "train-7", { ...bare, sensors: { TP3: 9.3 } }))).to.deep.equal([
        {
          source: "trains",
          device_id: "train-7",
          event_time: "2026-11-21T09:30:10.000Z",
          received_at: RECEIVED,
          metric: "TP3",
          value: 9.3,
          detail: null,
        },
      ]);
    });

    it("turns an anomaly event into one row: metric anomaly, value the grade, the rest in detail", () => {
      expect(rowsOf(shared("anomalies", "train-0042", ANOMALY))).to.deep.equal([
        {
          source: "anomalies",
          device_id: "train-0042",
          event_time: "2026-11-21T10:30:00.000Z",
          received_at: RECEIVED,
          metric: "anomaly",
          value: 0.8,
          detail: '{"episodeId":"ep-1","state":"open","sensors":["TP2","Motor_current"]}',
        },
      ]);
    });
  });

  describe("validation", () => {
    const r = `record ${recordId(0)}`;
    const cases: [string, unknown, string, string?][] = [
      ["damaged base64", null, `${r}: data is not base64`, "eyJh!"],
      ["bytes that are not UTF-8", null, `${r}: data is not UTF-8 text`, Buffer.from([0xff, 0xfe, 0x7b]).toString("base64")],
      ["an empty message", "\n", `${r}: data is empty`],
      ["text that is not JSON", "kwh=1\n", `${r}: data is not JSON: "kwh=1"`],
      ["a JSON array", "[1]\n", `${r}: message must be a JSON object, got [1]`],
      ["no source", METER, `${r}: field "source" must be one of meters, trains, anomalies (the IoT rule adds it), got undefined`],
      ["an unknown source", shared("bikes", "C42", METER), `${r}: field "source" must be one of meters, trains, anomalies (the IoT rule adds it), got "bikes"`],
      [
        "a meter without the rule's fields",
        { ...METER, source: "meters" },
        `${r}: field "deviceId" is required (the IoT rule adds it); field "receivedAt" is required (the IoT rule adds it)`,
      ],
      [
        "a bad meter client id",
        shared("meters", "C 42", METER),
        `${r}: field "deviceId" must be a meter client id (1-64 of A-Z, a-z, 0-9, _ or -), got "C 42"`,
      ],
      ["receivedAt in seconds", shared("meters", "C42", METER, 1763721001), `${r}: field "receivedAt" must be epoch milliseconds, got 1763721001`],
      [
        "a meter typo",
        shared("meters", "C42", { ...METER, kWh: 1 }),
        `${r}: unknown field "kWh" (known: timestamp, kwh, intervalMinutes, source, deviceId, receivedAt)`,
      ],
      ["no kwh", shared("meters", "C42", { timestamp: METER.timestamp }), `${r}: field "kwh" is required`],
      ["negative kwh", shared("meters", "C42", { ...METER, kwh: -0.1 }), `${r}: field "kwh" must be a finite number >= 0, got -0.1`],
      ["kwh as text", shared("meters", "C42", { ...METER, kwh: "0.4" }), `${r}: field "kwh" must be a finite number >= 0, got "0.4"`],
      ["an odd interval", shared("meters", "C42", { ...METER, intervalMinutes: 10 }), `${r}: field "intervalMinutes" must be one of 5, 15, 30, 60, got 10`],
      ["no timestamp", shared("meters", "C42", { kwh: 1 }), `${r}: field "timestamp" is required`],
      [
        "a time without zone",
        shared("meters", "C42", { ...METER, timestamp: "2026-11-21T10:30:00" }),
        `${r}: field "timestamp" must be epoch milliseconds or an ISO 8601 time with a zone, got "2026-11-21T10:30:00"`,
      ],
      [
        "February 30th",
        shared("meters", "C42", { ...METER, timestamp: "2026-02-30T10:30:00Z" }),
        `${r}: field "timestamp" is not a valid time, got "2026-02-30T10:30:00Z"`,
      ],
      ["fractional epoch", shared("meters", "C42", { ...METER, timestamp: 1.5 }), `${r}: field "timestamp" must be integer epoch milliseconds, got 1.5`],
      [
        "epoch seconds",
        shared("meters", "C42", { ...METER, timestamp: 1763721000 }),
        `${r}: field "timestamp" 1763721000 is outside 2000-01-01..2100-01-01 (epoch seconds instead of milliseconds?)`,
      ],
      [
        "several meter problems at once",
        shared("meters", "C42", { kwh: -1, intervalMinutes: 7 }),
        `${r}: field "timestamp" is required; field "kwh" must be a finite number >= 0, got -1; field "intervalMinutes" must be one of 5, 15, 30, 60, got 7`,
      ],
      ["a train on a meter-like topic", shared("trains", "C42", TELEMETRY), `${r}: field "deviceId" must be a train thing name train-<id>, got "C42"`],
      [
        "a body naming another train",
        shared("trains", "train-7", TELEMETRY),
        `${r}: field "trainId" "train-0042" does not match the topic's thing name "train-7"`,
      ],
      ["telemetry without values", shared("trains", "train-0042", { ...TELEMETRY, sensors: {} }), `${r}: field "sensors" has no values`],
      [
        "an unknown sensor",
        shared("trains", "train-0042", { ...TELEMETRY, sensors: { TP9: 1 } }),
        `${r}: field "sensors.TP9" is not a known sensor (known: TP2, TP3, H1, DV_pressure, Reservoirs, Oil_temperature, Motor_current, COMP, DV_eletric, Towers, MPG, LPS, Pressure_switch, Oil_level, Caudal_impulses)`,
      ],
      [
        "a digital sensor at 2",
        shared("trains", "train-0042", { ...TELEMETRY, sensors: { COMP: 2 } }),
        `${r}: field "sensors.COMP" must be 0 or 1 (digital), got 2`,
      ],
      [
        "a sensor value that is not a finite number",
        shared("trains", "train-0042", { ...TELEMETRY, sensors: { TP2: "1e400" } }),
        `${r}: field "sensors.TP2" must be a finite number, got "1e400"`,
      ],
      [
        "a telemetry typo",
        shared("trains", "train-0042", { ...TELEMETRY, sensor: {} }),
        `${r}: unknown field "sensor" (known: trainId, timestamp, seq, sensors, receivedAt)`,
      ],
      ["a negative seq", shared("trains", "train-0042", { ...TELEMETRY, seq: -1 }), `${r}: field "seq" must be a non-negative integer, got -1`],
      ["telemetry without timestamp", shared("trains", "train-0042", { trainId: "train-0042", sensors: { TP2: 1 } }), `${r}: field "timestamp" is required`],
      [
        "an anomaly for another train",
        shared("anomalies", "train-7", ANOMALY),
        `${r}: field "trainId" "train-0042" does not match the topic's thing name "train-7"`,
      ],
      [
        "an anomaly typo",
        shared("anomalies", "train-0042", { ...ANOMALY, score: 1 }),
        `${r}: unknown field "score" (known: trainId, timestamp, episodeId, state, grade, sensors, source, deviceId, receivedAt)`,
      ],
      [
        "an anomaly without fields",
        shared("anomalies", "train-0042", {}),
        `${r}: field "timestamp" is required; field "episodeId" is required; field "state" is required; field "grade" is required; field "sensors" is required`,
      ],
      [
        "an empty episode id",
        shared("anomalies", "train-0042", { ...ANOMALY, episodeId: "" }),
        `${r}: field "episodeId" must be a string of 1-128 characters, got ""`,
      ],
      [
        "an unknown state",
        shared("anomalies", "train-0042", { ...ANOMALY, state: "closed" }),
        `${r}: field "state" must be one of open, cleared, got "closed"`,
      ],
      ["a grade above 1", shared("anomalies", "train-0042", { ...ANOMALY, grade: 1.2 }), `${r}: field "grade" must be a number in 0..1, got 1.2`],
      [
        "sensors as text",
        shared("anomalies", "train-0042", { ...ANOMALY, sensors: "TP2" }),
        `${r}: field "sensors" must be an array of sensor names, got "TP2"`,
      ],
      [
        "an unknown anomaly sensor",
        shared("anomalies", "train-0042", { ...ANOMALY, sensors: ["TP2", "XX"] }),
        `${r}: field "sensors[1]" is not a known sensor, got "XX"`,
      ],
      ["a repeated anomaly sensor", shared("anomalies", "train-0042", { ...ANOMALY, sensors: ["TP2", "TP2"] }), `${r}: field "sensors[1]" repeats "TP2"`],
    ];
    for (const [name, data, reason, base64] of cases) {
      it(`fails ${name}`, () => {
        expect(reasonOf(data, base64)).to.equal(reason);
      });
    }

    it("hands a failed record's data back unchanged so Firehose writes the original under the error prefix", () => {
      const event = firehoseEvent([{ data: shared("meters", "C42", METER) }, { data: shared("meters", "C42", { ...METER, kwh: -1 }) }]);
      const { response } = transformEvent(event);
      expect(response.records.map((r) => r.result)).to.deep.equal(["Ok", "ProcessingFailed"]);
      expect(response.records[1]).to.deep.equal({ recordId: recordId(1), result: "ProcessingFailed", data: event.records[1].data });
    });

    it("fails only the record whose value is nested too deep to print, not its batch", () => {
      const nested = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
      const poison = `{"timestamp":"2026-11-21T10:30:00Z","kwh":${nested},"source":"meters","deviceId":"C666","receivedAt":${RECEIVED}}\n`;
      const { response, failures } = transformEvent(firehoseEvent([{ data: shared("meters", "C42", METER) }, { data: poison }]));
      expect(response.records.map((r) => r.result)).to.deep.equal(["Ok", "ProcessingFailed"]);
      expect(failures[0].reason).to.equal(
        `record ${recordId(1)}: field "kwh" must be a finite number >= 0, got <array that cannot be shown: nested too deep or not JSON>`,
      );
    });

    it("refuses an invocation that is not a Firehose transformation event", () => {
      expect(() => transformEvent({})).to.throw('not a Firehose transformation event: no "records" array');
      expect(() => transformEvent({ records: [{ data: "" }] })).to.throw("Firehose record 0 has no recordId");
      const twice = firehoseEvent([
        { data: "x", recordId: "a" },
        { data: "y", recordId: "a" },
      ]);
      expect(() => transformEvent(twice)).to.throw('Firehose record 1 repeats recordId "a"');
    });
  });

  describe("response size", () => {
    it("fails the records that would overflow the response instead of dropping them, and stays under the limit", () => {
      const event = firehoseEvent(Array.from({ length: 6 }, () => ({ data: shared("trains", "train-0042", TELEMETRY) })));
      const full = JSON.stringify(transformEvent(event).response).length;
      const limit = full - 100;
      const { response, failures } = transformEvent(event, limit);
      expect(response.records.map((r) => r.result)).to.deep.equal(["Ok", "Ok", "Ok", "Ok", "Ok", "ProcessingFailed"]);
      expect(failures).to.deep.equal([{ recordId: recordId(5), reason: `record ${recordId(5)}: ${OVERFLOW_REASON}` }]);
      expect(JSON.stringify(response).length).to.be.at.most(limit);
      expect(response.records[5].data).to.equal(event.records[5].data);
    });

    it("keeps a margin below Lambda's 6 MiB response payload", () => {
      expect(MAX_RESPONSE_BYTES).to.equal(6_000_000);
      expect(MAX_RESPONSE_BYTES).to.be.below(6 * 1024 * 1024);
    });
  });

  describe("invariants", () => {
    const message = fc.oneof(
      fc.record({ kwh: fc.double({ min: -1, max: 10, noNaN: true }), timestamp: fc.constant(METER.timestamp) }).map((m) => shared("meters", "C42", m)),
      fc
        .record({ TP2: fc.double({ min: -2, max: 12, noNaN: true }), COMP: fc.integer({ min: 0, max: 2 }) })
        .map((sensors) => shared("trains", "train-0042", { ...TELEMETRY, sensors })),
      fc.double({ min: -0.5, max: 1.5, noNaN: true }).map((grade) => shared("anomalies", "train-0042", { ...ANOMALY, grade })),
      fc.string().map((s) => s as unknown),
    );

    it("answers every record exactly once, in order, within the size limit", () => {
      fc.assert(
        fc.property(fc.array(message, { maxLength: 40 }), fc.integer({ min: 2_000, max: 20_000 }), (messages, limit) => {
          const event = firehoseEvent(messages.map((data) => ({ data })));
          const { response, failures } = transformEvent(event, limit + JSON.stringify(event.records).length);
          expect(response.records.map((r) => r.recordId)).to.deep.equal(event.records.map((r) => r.recordId));
          expect(new Set(response.records.map((r) => r.recordId)).size).to.equal(event.records.length);
          expect(failures.map((f) => f.recordId)).to.deep.equal(response.records.filter((r) => r.result !== "Ok").map((r) => r.recordId));
          expect(response.records.every((r) => r.result !== "Dropped")).to.equal(true);
        }),
        { numRuns: 200 },
      );
    });
  });

  describe("handler", () => {
    it("logs one structured line per failed record with its reason, then a summary, and counts the outcome", async () => {
      const { result, lines } = await captureOutput(() =>
        handler(firehoseEvent([{ data: shared("meters", "C42", METER) }, { data: "oops\n" }]), lambdaContext("req-fh-1")),
      );

      expect(result!.records.map((r) => r.result)).to.deep.equal(["Ok", "ProcessingFailed"]);
      const pick = (l: Record<string, unknown>) => ({
        level: l.level,
        message: l.message,
        service: l.service,
        function_request_id: l.function_request_id,
        invocationId: l.invocationId,
        recordId: l.recordId,
        reason: l.reason,
        records: l.records,
        failed: l.failed,
        rows: l.rows,
      });
      expect(logLines(lines).map(pick)).to.deep.equal([
        {
          level: "WARN",
          message: "Firehose record failed transformation",
          service: "firehoseTransform",
          function_request_id: "req-fh-1",
          invocationId: "5c1a0bd4-7d8e-4a53-9c8b-0b1f6a3e2d11",
          recordId: recordId(1),
          reason: `record ${recordId(1)}: data is not JSON: "oops"`,
          records: undefined,
          failed: undefined,
          rows: undefined,
        },
        {
          level: "INFO",
          message: "Firehose batch transformed",
          service: "firehoseTransform",
          function_request_id: "req-fh-1",
          invocationId: "5c1a0bd4-7d8e-4a53-9c8b-0b1f6a3e2d11",
          recordId: undefined,
          reason: undefined,
          records: 2,
          failed: 1,
          rows: 1,
        },
      ]);
      expect(emfMetrics(lines)).to.deep.equal([
        { namespace: "gridrail", dimensions: [["service"]], service: "firehoseTransform", RecordsTransformed: 1, RecordsFailed: 1, RowsWritten: 1 },
      ]);
    });

    it("fails fast on an event that is not from Firehose (it needs no environment)", async () => {
      let message = "resolved";
      const { error, lines } = await captureOutput(() => handler({}, lambdaContext("req-fh-2")));
      message = error?.message ?? message;
      expect(logLines(lines, "invocation failed").map((l) => [l.level, (l.error as { message: string }).message])).to.deep.equal([["ERROR", message]]);
      expect(message).to.equal('not a Firehose transformation event: no "records" array');
    });
  });
});
