import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../shared/awsContext";
import { Deployment } from "../shared/deployment";
import { identifier } from "../shared/naming";
import { TableShape, accessLogTable, cloudTrailTable, dailyProjection, readingsTable, summaryQueries } from "./catalogDefinitions";

export interface CatalogArgs {
    readonly rawBucketName: pulumi.Output<string>;
    /** Bucket name and the access-log prefix of the raw bucket. */
    readonly logBucketName: pulumi.Output<string>;
    readonly rawAccessLogPrefix: string;
    readonly resultsBucketName: pulumi.Output<string>;
    readonly kmsKeyArn: pulumi.Output<string>;
    readonly bytesScannedCutoffMb: number;
    readonly ctx: AwsContext;
    readonly deployment: Deployment;
}

function table(name: string, shape: TableShape, database: aws.glue.CatalogDatabase, locationPrefix: pulumi.Output<string>, parent: pulumi.Resource) {
    return new aws.glue.CatalogTable(`${name}-${shape.name.replace(/_/g, "-")}`, {
        name: shape.name,
        databaseName: database.name,
        description: shape.description,
        tableType: "EXTERNAL_TABLE",
        parameters: locationPrefix.apply((prefix) => ({ classification: shape.classification, EXTERNAL: "TRUE", ...dailyProjection(prefix) })),
        partitionKeys: [{ name: "dt", type: "string" }],
        storageDescriptor: {
            location: locationPrefix,
            inputFormat: shape.inputFormat,
            outputFormat: shape.outputFormat,
            serDeInfo: { serializationLibrary: shape.serializationLibrary, parameters: { ...shape.serdeParameters } },
            columns: shape.columns.map((c) => ({ ...c })),
        },
    }, { parent });
}

/** Glue database + projected tables, and the Athena workgroup data scientists and the usage summary query in. */
export function createCatalog(name: string, args: CatalogArgs, parent: pulumi.Resource) {
    const { ctx, deployment } = args;
    const database = new aws.glue.CatalogDatabase(`${name}-database`, {
        name: identifier(["gridrail", deployment.stack, "sharing"], "_", 255),
        description: "Shared IoT data and its usage logs",
    }, { parent });

    const tables = [
        table(name, readingsTable, database, pulumi.interpolate`s3://${args.rawBucketName}/readings/`, parent),
        table(name, accessLogTable, database,
            pulumi.interpolate`s3://${args.logBucketName}/${args.rawAccessLogPrefix}${ctx.accountId}/${ctx.region}/${args.rawBucketName}/`, parent),
        table(name, cloudTrailTable, database,
            pulumi.interpolate`s3://${args.logBucketName}/cloudtrail/AWSLogs/${ctx.accountId}/CloudTrail/${ctx.region}/`, parent),
    ];

    const workgroup = new aws.athena.Workgroup(`${name}-workgroup`, {
        name: identifier(["gridrail", deployment.stack, "data-sharing"]),
        description: "Data-sharing queries: results encrypted, per-query scan limit, settings enforced",
        state: "ENABLED",
        forceDestroy: deployment.forceDestroyBuckets,
        configuration: {
            enforceWorkgroupConfiguration: true,
            publishCloudwatchMetricsEnabled: true,
            bytesScannedCutoffPerQuery: args.bytesScannedCutoffMb * 1024 * 1024,
            engineVersion: { selectedEngineVersion: "AUTO" },
            resultConfiguration: {
                outputLocation: pulumi.interpolate`s3://${args.resultsBucketName}/athena/`,
                encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: args.kmsKeyArn },
                expectedBucketOwner: ctx.accountId,
            },
        },
    }, { parent });

    const queries = summaryQueries("__DB__").map((q) => new aws.athena.NamedQuery(`${name}-${q.name}`, {
        name: q.name,
        description: q.description,
        database: database.name,
        workgroup: workgroup.name,
        query: database.name.apply((db) => summaryQueries(db).find((s) => s.name === q.name)!.query),
    }, { parent }));

    return { database, tables, workgroup, queries };
}
