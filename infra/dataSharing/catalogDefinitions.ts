/**
 * Glue table shapes and Athena summary queries, as plain data. Every table uses partition projection on a
 * `dt` = `yyyy/MM/dd` key, so new days are queryable at once without crawlers or MSCK REPAIR.
 */

export interface Column {
    readonly name: string;
    readonly type: string;
    readonly comment?: string;
}

export interface TableShape {
    readonly name: string;
    readonly description: string;
    readonly columns: readonly Column[];
    readonly inputFormat: string;
    readonly outputFormat: string;
    readonly serializationLibrary: string;
    readonly serdeParameters: Readonly<Record<string, string>>;
    readonly classification: string;
}

const TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat";
const TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";

/** Projection parameters for a `dt` partition whose S3 location is `<locationPrefix>${dt}/`. */
export function dailyProjection(locationPrefix: string, firstDay = "2024/01/01"): Record<string, string> {
    if (!locationPrefix.startsWith("s3://") || !locationPrefix.endsWith("/")) {
        throw new Error(`projection location must be an s3:// prefix ending in / (got "${locationPrefix}")`);
    }
    return {
        "projection.enabled": "true",
        "projection.dt.type": "date",
        "projection.dt.format": "yyyy/MM/dd",
        "projection.dt.range": `${firstDay},NOW`,
        "projection.dt.interval": "1",
        "projection.dt.interval.unit": "DAYS",
        "storage.location.template": `${locationPrefix}\${dt}/`,
    };
}

/** Records written by the Firehose transform (issue 6): one JSON object per line, gzip. */
export const readingsTable: TableShape = {
    name: "readings",
    description: "Raw meter readings and train telemetry shared with data scientists",
    columns: [
        { name: "source", type: "string", comment: "meters | trains" },
        { name: "device_id", type: "string", comment: "meter client id or train thing name" },
        { name: "received_at", type: "bigint", comment: "IoT Core receive time, epoch ms" },
        { name: "reading", type: "string", comment: "original payload as JSON" },
    ],
    inputFormat: TEXT_INPUT,
    outputFormat: TEXT_OUTPUT,
    serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
    serdeParameters: { "ignore.malformed.json": "true" },
    classification: "json",
};

/** S3 server access log format (https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html). */
export const accessLogTable: TableShape = {
    name: "s3_access_logs",
    description: "Server access logs of the shared raw bucket",
    columns: [
        "bucketowner", "bucket_name", "requestdatetime", "remoteip", "requester", "requestid", "operation", "key",
        "request_uri", "httpstatus", "errorcode", "bytessent", "objectsize", "totaltime", "turnaroundtime", "referrer",
        "useragent", "versionid", "hostid", "sigv", "ciphersuite", "authtype", "endpoint", "tlsversion", "accesspointarn",
        "aclrequired",
    ].map((name) => ({ name, type: name === "bytessent" || name === "objectsize" || name === "totaltime" || name === "turnaroundtime" ? "bigint" : "string" })),
    inputFormat: TEXT_INPUT,
    outputFormat: TEXT_OUTPUT,
    serializationLibrary: "org.apache.hadoop.hive.serde2.RegexSerDe",
    serdeParameters: {
        "input.regex": '([^ ]*) ([^ ]*) \\[(.*?)\\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("[^"]*"|-) (-|[0-9]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("[^"]*"|-) ([^ ]*)(?: ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*))?.*$',
    },
    classification: "s3accesslogs",
};

/** CloudTrail data events (S3 object reads/writes on the raw bucket). */
export const cloudTrailTable: TableShape = {
    name: "cloudtrail_data_events",
    description: "CloudTrail S3 data events of the shared raw bucket",
    columns: [
        { name: "eventversion", type: "string" },
        { name: "useridentity", type: "struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,username:string>" },
        { name: "eventtime", type: "string" },
        { name: "eventsource", type: "string" },
        { name: "eventname", type: "string" },
        { name: "awsregion", type: "string" },
        { name: "sourceipaddress", type: "string" },
        { name: "useragent", type: "string" },
        { name: "errorcode", type: "string" },
        { name: "requestparameters", type: "string" },
        { name: "resources", type: "array<struct<arn:string,accountid:string,type:string>>" },
        { name: "eventid", type: "string" },
        { name: "readonly", type: "string" },
        { name: "vpcendpointid", type: "string" },
    ],
    inputFormat: "com.amazon.emr.cloudtrail.CloudTrailInputFormat",
    outputFormat: TEXT_OUTPUT,
    serializationLibrary: "org.apache.hive.hcatalog.data.JsonSerDe",
    serdeParameters: {},
    classification: "cloudtrail",
};

export interface NamedQueryShape {
    readonly name: string;
    readonly description: string;
    readonly query: string;
}

/** Summary queries saved in the workgroup; `usage` feeds the daily usage summary Lambda. */
export function summaryQueries(database: string): NamedQueryShape[] {
    return [
        {
            name: "daily-readings-summary",
            description: "Devices and readings per source for one day",
            query: `SELECT source, count(DISTINCT device_id) AS devices, count(*) AS readings\nFROM "${database}"."${readingsTable.name}"\nWHERE dt = date_format(current_date - interval '1' day, '%Y/%m/%d')\nGROUP BY source\nORDER BY source`,
        },
        {
            name: "daily-usage-summary",
            description: "Who read how much shared data yesterday (server access logs)",
            query: `SELECT requester, operation, count(*) AS requests, sum(coalesce(bytessent, 0)) AS bytes\nFROM "${database}"."${accessLogTable.name}"\nWHERE dt = date_format(current_date - interval '1' day, '%Y/%m/%d')\nGROUP BY requester, operation\nORDER BY bytes DESC`,
        },
        {
            name: "daily-data-access-by-principal",
            description: "Object-level reads per principal and network path yesterday (CloudTrail)",
            query: `SELECT useridentity.arn AS principal, sourceipaddress, vpcendpointid, eventname, count(*) AS events\nFROM "${database}"."${cloudTrailTable.name}"\nWHERE dt = date_format(current_date - interval '1' day, '%Y/%m/%d')\nGROUP BY 1, 2, 3, 4\nORDER BY events DESC`,
        },
    ];
}
