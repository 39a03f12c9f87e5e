import { randomUUID } from "crypto";
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";

/** The local account, region and the principal that signs report URLs (the reportUrl function's role). */
export const LOCAL_ACCOUNT = "000000000000";
export const LOCAL_REGION = "eu-west-1";
const SIGNER_ARN = `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/gridrail-local-reportUrl/gridrail-local-reportUrl`;

/** The fields of a CloudTrail S3 data event the summary and the data team's queries read. */
export interface DataEvent {
  readonly eventVersion: string;
  readonly userIdentity: { readonly type: string; readonly principalId: string; readonly arn: string; readonly accountId: string };
  readonly eventTime: string;
  readonly eventSource: "s3.amazonaws.com";
  readonly eventName: "GetObject";
  readonly awsRegion: string;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
  readonly errorCode?: string;
  readonly requestParameters: { readonly bucketName: string; readonly key: string; readonly "X-Amz-Expires"?: string };
  readonly eventID: string;
  readonly readOnly: true;
  readonly eventType: "AwsApiCall";
  readonly managementEvent: false;
  readonly eventCategory: "Data";
}

/**
 * A GetObject data event as CloudTrail records a presigned download: the identity is the URL's signer, not
 * the customer (S3 never sees who holds the URL). `errorCode` for a request S3 authenticated and refused.
 */
export function getObjectEvent(bucket: string, key: string, at: Date, sourceIp: string, userAgent: string, expires?: string, errorCode?: string): DataEvent {
  return {
    eventVersion: "1.09",
    userIdentity: { type: "AssumedRole", principalId: "AROALOCALREPORTURL:gridrail-local-reportUrl", arn: SIGNER_ARN, accountId: LOCAL_ACCOUNT },
    eventTime: at.toISOString().replace(/\.\d{3}Z$/, "Z"),
    eventSource: "s3.amazonaws.com",
    eventName: "GetObject",
    awsRegion: LOCAL_REGION,
    sourceIPAddress: sourceIp,
    userAgent,
    ...(errorCode ? { errorCode } : {}),
    requestParameters: { bucketName: bucket, key, ...(expires ? { "X-Amz-Expires": expires } : {}) },
    eventID: randomUUID(),
    readOnly: true,
    eventType: "AwsApiCall",
    managementEvent: false,
    eventCategory: "Data",
  };
}

/**
 * Writes the events as CloudTrail log files `{ "Records": [...] }`, one per UTC day of their event time, under
 * `<root>/cloudtrail/yyyy/MM/dd/` (the summary's local layout, docs/summary.md); returns the files' paths.
 */
export function writeTrail(root: string, events: readonly DataEvent[], name = "customers"): string[] {
  const byDay = new Map<string, DataEvent[]>();
  for (const e of events) byDay.set(e.eventTime.slice(0, 10), [...(byDay.get(e.eventTime.slice(0, 10)) ?? []), e]);
  const files: string[] = [];
  for (const [day, records] of byDay) {
    const dir = join(root, "cloudtrail", ...day.split("-"));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${LOCAL_ACCOUNT}_CloudTrail_${LOCAL_REGION}_${day.replace(/-/g, "")}_${name}.json`);
    writeFileSync(file, JSON.stringify({ Records: records }));
    files.push(file);
  }
  return files;
}
