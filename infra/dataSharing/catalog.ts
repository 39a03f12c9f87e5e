import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../shared/awsContext";
import { Deployment } from "../shared/deployment";
import {
  RESULTS_PREFIXES,
  TableShape,
  accessLogTable,
  cloudTrailTable,
  databaseName,
  meterReadingsTable,
  projectionParameters,
  readingsTable,
  summaryQueries,
  supplierReportsTable,
  supplierUploadsTable,
  workgroupName,
} from "./catalogDefinitions";
import { PRESTO_EXPANDED_TEXT, VIEWS, ViewShape, prestoViewText } from "./views";
import { HelperOptions } from "../shared/options";

export interface CatalogArgs {
  readonly rawBucketName: pulumi.Output<string>;
  /** Bucket name and the access-log prefix of the raw bucket. */
  readonly logBucketName: pulumi.Output<string>;
  readonly rawAccessLogPrefix: string;
  /** Meter lake (real-time readings, quarantine reports) and supplier upload buckets, from MeterIngestion. */
  readonly meterLakeBucketName: pulumi.Input<string>;
  readonly supplierUploadBucketName: pulumi.Input<string>;
  readonly resultsBucketName: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly bytesScannedCutoffMb: number;
  readonly ctx: AwsContext;
  readonly deployment: Deployment;
}

function table(name: string, shape: TableShape, database: aws.glue.CatalogDatabase, locationPrefix: pulumi.Output<string>, opts: HelperOptions) {
  return new aws.glue.CatalogTable(
    `${name}-${shape.name.replace(/_/g, "-")}`,
    {
      name: shape.name,
      databaseName: database.name,
      description: shape.description,
      tableType: "EXTERNAL_TABLE",
      parameters: locationPrefix.apply((prefix) => ({ classification: shape.classification, EXTERNAL: "TRUE", ...projectionParameters(shape, prefix) })),
      partitionKeys: shape.partitions.map((p) => ({ name: p.name, type: "string" })),
      storageDescriptor: {
        location: locationPrefix,
        inputFormat: shape.inputFormat,
        outputFormat: shape.outputFormat,
        serDeInfo: { serializationLibrary: shape.serializationLibrary, parameters: { ...shape.serdeParameters } },
        columns: shape.columns.map((c) => ({ ...c })),
      },
    },
    { ...opts },
  );
}

/** An Athena view as Glue stores one: a VIRTUAL_VIEW whose original text is the Presto view definition. */
function view(name: string, shape: ViewShape, database: aws.glue.CatalogDatabase, databaseName: string, dependsOn: pulumi.Resource[], opts: HelperOptions) {
  return new aws.glue.CatalogTable(
    `${name}-${shape.name.replace(/_/g, "-")}`,
    {
      name: shape.name,
      databaseName: database.name,
      description: shape.description,
      tableType: "VIRTUAL_VIEW",
      parameters: { presto_view: "true", comment: "Presto View" },
      viewOriginalText: prestoViewText(shape, databaseName),
      viewExpandedText: PRESTO_EXPANDED_TEXT,
      storageDescriptor: { columns: shape.columns.map((c) => ({ ...c })) },
    },
    { ...opts, dependsOn },
  );
}

/** Glue database + projected tables, and the Athena workgroup data scientists and the usage summary query in. */
export function createCatalog(name: string, args: CatalogArgs, opts: HelperOptions) {
  const { ctx, deployment } = args;
  const database = new aws.glue.CatalogDatabase(
    `${name}-database`,
    {
      name: databaseName(deployment.stack),
      description: "Shared IoT data and its usage logs",
    },
    { ...opts },
  );

  const tables = [
    table(name, readingsTable, database, pulumi.interpolate`s3://${args.rawBucketName}/readings/`, opts),
    table(
      name,
      accessLogTable,
      database,
      pulumi.interpolate`s3://${args.logBucketName}/${args.rawAccessLogPrefix}${ctx.accountId}/${ctx.region}/${args.rawBucketName}/`,
      opts,
    ),
    table(name, cloudTrailTable, database, pulumi.interpolate`s3://${args.logBucketName}/cloudtrail/AWSLogs/${ctx.accountId}/CloudTrail/${ctx.region}/`, opts),
    table(name, meterReadingsTable, database, pulumi.interpolate`s3://${args.meterLakeBucketName}/`, opts),
    table(name, supplierReportsTable, database, pulumi.interpolate`s3://${args.meterLakeBucketName}/quarantine/`, opts),
    table(name, supplierUploadsTable, database, pulumi.interpolate`s3://${args.supplierUploadBucketName}/`, opts),
  ];
  // Athena resolves a view's tables when it is queried; dependsOn only orders creation and deletion.
  const views = VIEWS.map((v) => view(name, v, database, databaseName(deployment.stack), tables, opts));

  const workgroup = new aws.athena.Workgroup(
    `${name}-workgroup`,
    {
      name: workgroupName(deployment.stack),
      description: "Data-sharing queries: results encrypted, per-query scan limit, settings enforced",
      state: "ENABLED",
      forceDestroy: deployment.forceDestroyBuckets,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: args.bytesScannedCutoffMb * 1024 * 1024,
        engineVersion: { selectedEngineVersion: "AUTO" },
        resultConfiguration: {
          outputLocation: pulumi.interpolate`s3://${args.resultsBucketName}/${RESULTS_PREFIXES.queryResults}`,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: args.kmsKeyArn },
          expectedBucketOwner: ctx.accountId,
        },
      },
    },
    { ...opts },
  );

  // The same SQL the summary CLI and Lambda run; `?` placeholders take the day (Athena execution parameters).
  const queries = summaryQueries(databaseName(deployment.stack)).map(
    (q) =>
      new aws.athena.NamedQuery(
        `${name}-${q.name}`,
        {
          name: q.name,
          description: q.description,
          database: database.name,
          workgroup: workgroup.name,
          query: q.query,
        },
        { ...opts },
      ),
  );

  return { database, tables, views, workgroup, queries };
}
