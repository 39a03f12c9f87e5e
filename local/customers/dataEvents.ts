import { randomUUID } from "crypto";
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";

/** The local account, region and the principal that signs report URLs (the reportUrl function's role). */
export const LOCAL_ACCOUNT = "000000000000";
export const LOCAL_REGION = "eu-west-1";
const SIGNER_ARN = `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/gridrail-local-reportUrl/gridrail-local-reportUrl`;

/** The fields of a CloudTrail data event the summary and the data team's queries read. */
interface TrailEvent<Source extends string, Name extends string, Parameters> {
  readonly eventVersion: string;
  readonly userIdentity: { readonly type: string; readonly principalId: string; readonly arn: string; readonly accountId: string };
  readonly eventTime: string;
  readonly eventSource: Source;
  readonly eventName: Name;
  readonly awsRegion: string;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
  readonly errorCode?: string;
  readonly requestParameters: Parameters;
  readonly eventID: string;
  readonly readOnly: boolean;
  readonly eventType: "AwsApiCall";
  readonly managementEvent: false;
  readonly eventCategory: "Data";
}

/** An S3 object read, as the reports bucket's trail records a download. */
export type DataEvent = TrailEvent<"s3.amazonaws.com", "GetObject", { readonly bucketName: string; readonly key: string; readonly "X-Amz-Expires"?: string }>;

/** A write to the profile table, as its trail records it: the item's key only, never its other attributes. */
export type TableEvent = TrailEvent<
  "dynamodb.amazonaws.com",
  "PutItem" | "UpdateItem" | "TransactWriteItems",
  { readonly tableName: string; readonly key?: { readonly customerId: string }; readonly keys?: readonly { readonly customerId: string }[] }
>;

/** The role the local customer functions run as (one for the sketch: the trail names the writer, not the customer). */
const FUNCTION_ARN = `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/gridrail-local-customers/gridrail-local-customers`;

/**
 * A profile-table write: PutItem or UpdateItem name one key, TransactWriteItems the keys of its items (a local
 * shorthand: the real event lists each transact item with its table and key; the summary reads neither).
 * `errorCode` for a write DynamoDB refused (a failed condition).
 */
export function tableWriteEvent(table: string, eventName: TableEvent["eventName"], keys: readonly string[], at: Date, errorCode?: string): TableEvent {
  const named = keys.map((customerId) => ({ customerId }));
  return {
    eventVersion: "1.09",
    userIdentity: { type: "AssumedRole", principalId: "AROALOCALCUSTOMERS:gridrail-local-customers", arn: FUNCTION_ARN, accountId: LOCAL_ACCOUNT },
    eventTime: at.toISOString().replace(/\.\d{3}Z$/, "Z"),
    eventSource: "dynamodb.amazonaws.com",
    eventName,
    awsRegion: LOCAL_REGION,
    sourceIPAddress: "lambda.amazonaws.com",
    userAgent: "lambda.amazonaws.com",
    ...(errorCode ? { errorCode } : {}),
    requestParameters: eventName === "TransactWriteItems" ? { tableName: table, keys: named } : { tableName: table, key: named[0] },
    eventID: randomUUID(),
    readOnly: false,
    eventType: "AwsApiCall",
    managementEvent: false,
    eventCategory: "Data",
  };
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
export function writeTrail(root: string, events: readonly (DataEvent | TableEvent)[], name = "customers"): string[] {
  const byDay = new Map<string, (DataEvent | TableEvent)[]>();
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
