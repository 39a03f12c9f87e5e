import { mkdirSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { gzipSync } from "zlib";
import { tempDir } from "../helpers/tempDir";

/**
 * A local lake with known answers for 2026-02-21: 3 meters with real-time data that day (a 4th only the day
 * before), 2 supplier files (one with 4 rejected rows), 2 trains (train-a: 5 readings, 2 episodes opened;
 * train-b: 2 readings, one of them with two sensors, none), 2 profile updates and 3 report downloads among CloudTrail noise
 * (claim items and failed-claim counters in the same table included).
 */
export const FIXTURE_ANSWER = {
  date: "2026-02-21",
  installationsWithRealtimeData: 3,
  supplierFiles: 2,
  rejectedRows: 4,
  profileUpdates: 2,
  reportDownloads: 3,
  trains: [
    { trainId: "train-a", readings: 5, anomalies: 2 },
    { trainId: "train-b", readings: 2, anomalies: 0 },
  ],
};

const jsonLines = (rows: object[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join("");

function meter(device: string, eventTime: string): object {
  return {
    source: "meters",
    device_id: device,
    event_time: eventTime,
    received_at: Date.parse(eventTime) + 900,
    metric: "kwh",
    value: 0.42,
    detail: '{"intervalMinutes":30}',
  };
}

function train(device: string, eventTime: string, metric = "TP2"): object {
  return { source: "trains", device_id: device, event_time: eventTime, received_at: Date.parse(eventTime) + 50, metric, value: 8.1, detail: null };
}

function anomaly(device: string, eventTime: string, state: "open" | "cleared"): object {
  const detail = JSON.stringify({ episodeId: `${device}-${eventTime}`, state, sensors: ["TP2"] });
  return { source: "anomalies", device_id: device, event_time: eventTime, received_at: Date.parse(eventTime) + 50, metric: "anomaly", value: 0.8, detail };
}

function report(file: string, rows: number, rejected: number): string {
  const errors = Array.from({ length: rejected }, (_, i) => ({ line: i + 2, reason: `interval 1: -${i + 1} is negative` }));
  return `${JSON.stringify({ file, layout: "nem12", rows, accepted: rows - rejected, rejected, errors }, null, 2)}\n`;
}

function event(eventSource: string, eventName: string, eventTime: string, requestParameters: object, errorCode?: string): object {
  return {
    eventVersion: "1.09",
    userIdentity: { type: "AssumedRole", arn: "arn:aws:sts::123456789012:assumed-role/r/s", accountId: "123456789012" },
    eventTime,
    eventSource,
    eventName,
    awsRegion: "eu-west-1",
    sourceIPAddress: "203.0.113.9",
    userAgent: "aws-sdk-js",
    ...(errorCode ? { errorCode, errorMessage: "denied" } : {}),
    requestParameters,
    eventID: `${eventName}-${eventTime}`,
    readOnly: eventName.startsWith("Get"),
    eventCategory: "Data",
  };
}

const profile = (name: string, time: string, errorCode?: string, customerId = "c-1") =>
  event("dynamodb.amazonaws.com", name, time, { tableName: "customers-profiles", key: { customerId } }, errorCode);
const getObject = (key: string, time: string) => event("s3.amazonaws.com", "GetObject", time, { bucketName: "b", Host: "b.s3.amazonaws.com", key });

export function writeFile(root: string, path: string, body: string | Buffer): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, body);
}

/** Writes the fixture lake into a new temp folder and returns its path. */
export function buildFixtureLake(): string {
  const root = tempDir("gridrail-summary-");
  const day = "2026-02-21T";
  writeFile(
    root,
    "telemetry/2026/02/21/readings-1.json",
    jsonLines([
      meter("meter-1", `${day}00:00:00.000Z`),
      meter("meter-1", `${day}00:30:00.000Z`),
      meter("meter-2", `${day}10:00:00.000Z`),
      ...["00:00:00", "00:00:10", "00:00:20"].map((t) => train("train-a", `${day}${t}.000Z`)),
      train("train-b", `${day}08:00:00.000Z`),
      train("train-b", `${day}08:00:00.000Z`, "Motor_current"),
      anomaly("train-a", `${day}00:00:20.000Z`, "open"),
      anomaly("train-a", `${day}00:05:00.000Z`, "cleared"),
    ]),
  );
  writeFile(
    root,
    // named as Firehose names a gzip object without a file extension set
    "telemetry/2026/02/21/gridrail-dev-share-delivery-1-2026-02-21-12-05-03-0b7c2d3e-4f50-4a6b-8c9d-0e1f2a3b4c5d.gz",
    gzipSync(
      jsonLines([
        meter("meter-3", `${day}23:30:00.000Z`),
        train("train-a", `${day}12:00:00.000Z`),
        train("train-a", `${day}12:00:10.000Z`),
        train("train-b", `${day}12:00:00.000Z`),
        anomaly("train-a", `${day}12:00:10.000Z`, "open"),
      ]),
    ),
  );
  writeFile(
    root,
    "telemetry/2026/02/20/readings-1.json",
    jsonLines([meter("meter-4", "2026-02-20T12:00:00.000Z"), train("train-c", "2026-02-20T12:00:00.000Z")]),
  );

  writeFile(
    root,
    "meter-lake/meter-1/20260221/part-1.json",
    jsonLines([
      { timestamp: `${day}00:00:00Z`, kwh: 0.4, intervalMinutes: 30, clientId: "meter-1", day: "20260221", receivedAt: 1771632000900 },
      { timestamp: `${day}00:30:00Z`, kwh: 0.6, intervalMinutes: 30, clientId: "meter-1", day: "20260221", receivedAt: 1771633800900 },
    ]),
  );
  writeFile(
    root,
    "meter-lake/meter-4/20260220/part-1.json",
    jsonLines([{ timestamp: "2026-02-20T12:00:00Z", kwh: 1.5, clientId: "meter-4", day: "20260220", receivedAt: 1771588800900 }]),
  );

  writeFile(root, "supplier/20260221/acme.csv", "200,M1,E1,E1,E1,,X,KWH,30,\r\n300,20260220,0.1,0.2,A\r\n");
  writeFile(root, "supplier/20260221/beta.csv", "timestamp,kwh\n2026-02-20T00:00:00Z,1\n");
  writeFile(root, "supplier/20260220/old.csv", "timestamp,kwh\n");
  writeFile(root, "quarantine/20260221/acme.json", report("20260221/acme.csv", 1, 0));
  writeFile(root, "quarantine/20260221/beta.json", report("20260221/beta.csv", 6, 4));
  writeFile(root, "quarantine/20260220/old.json", report("20260220/old.csv", 9, 7));

  writeFile(
    root,
    "cloudtrail/2026/02/21/123456789012_CloudTrail_eu-west-1_20260221T1200Z_a.json.gz",
    gzipSync(
      JSON.stringify({
        Records: [
          profile("PutItem", `${day}09:00:00Z`),
          profile("UpdateItem", `${day}09:05:00Z`),
          profile("GetItem", `${day}09:06:00Z`),
          profile("UpdateItem", `${day}09:07:00Z`, "AccessDenied"),
          // claim codes and failed-claim counters share the profile table: not profile updates
          profile("PutItem", `${day}09:08:00Z`, undefined, "claim#MTR0001"),
          profile("UpdateItem", `${day}09:09:00Z`, undefined, "attempts#c-1#2026-02-21T09"),
          getObject("reports/c-1/20260220.html", `${day}10:00:00Z`),
          getObject("reports/c-1/20260220.json", `${day}10:00:01Z`),
          getObject("readings/2026/02/21/part.gz", `${day}11:00:00Z`),
          profile("PutItem", "2026-02-20T23:59:59Z"),
        ],
      }),
    ),
  );
  writeFile(
    root,
    "cloudtrail/2026/02/22/123456789012_CloudTrail_eu-west-1_20260222T0005Z_b.json",
    JSON.stringify({ Records: [getObject("reports/c-2/20260220.html", `${day}23:58:30Z`), getObject("reports/c-2/20260221.html", "2026-02-22T00:01:00Z")] }),
  );
  return root;
}
