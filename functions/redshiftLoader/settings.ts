import { SettingsError } from "./errors";
import { requireVariables } from "../shared/environment";
import { REDSHIFT_LOADER_VARIABLES } from "./variables";

export interface LoaderSettings {
  readonly clusterId: string;
  readonly database: string;
  readonly secretArn: string;
  readonly rawBucket: string;
  readonly copyRoleArn: string;
}

const VARIABLES: Record<keyof LoaderSettings, (typeof REDSHIFT_LOADER_VARIABLES.required)[number]> = {
  clusterId: "CLUSTER_ID",
  database: "DATABASE",
  secretArn: "SECRET_ARN",
  rawBucket: "RAW_BUCKET",
  copyRoleArn: "COPY_ROLE_ARN",
};

/** The loader's environment (set by infra/dataSharing/warehouse.ts); names every missing variable at once. */
export function loaderSettings(env: Readonly<Record<string, string | undefined>>): LoaderSettings {
  const values = requireVariables(env, Object.values(VARIABLES), (message) => new SettingsError(message));
  const entries = Object.entries(VARIABLES).map(([field, name]) => [field, values[name]]);
  return Object.fromEntries(entries) as unknown as LoaderSettings;
}
