import { SettingsError } from "./errors";

export interface LoaderSettings {
  readonly clusterId: string;
  readonly database: string;
  readonly secretArn: string;
  readonly rawBucket: string;
  readonly copyRoleArn: string;
}

const VARIABLES = {
  clusterId: "CLUSTER_ID",
  database: "DATABASE",
  secretArn: "SECRET_ARN",
  rawBucket: "RAW_BUCKET",
  copyRoleArn: "COPY_ROLE_ARN",
} as const;

/** The loader's environment (set by infra/dataSharing/warehouse.ts); names every missing variable at once. */
export function loaderSettings(env: Readonly<Record<string, string | undefined>>): LoaderSettings {
  const missing = Object.values(VARIABLES).filter((name) => !env[name]);
  if (missing.length === 1) throw new SettingsError(`environment variable ${missing[0]} must be set`);
  if (missing.length > 1) throw new SettingsError(`environment variables ${missing.join(", ")} must be set`);
  const entries = Object.entries(VARIABLES).map(([field, name]) => [field, env[name] as string]);
  return Object.fromEntries(entries) as unknown as LoaderSettings;
}
