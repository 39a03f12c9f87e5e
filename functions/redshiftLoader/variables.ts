import { variableNames } from "../shared/environment";

/** The loader's environment: the cluster and database, the admin secret the Data API uses, the raw bucket, the COPY role. */
export const REDSHIFT_LOADER_VARIABLES = variableNames(["CLUSTER_ID", "DATABASE", "SECRET_ARN", "RAW_BUCKET", "COPY_ROLE_ARN"], ["METRIC_NAMESPACE"]);
