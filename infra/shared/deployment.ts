import * as pulumi from "@pulumi/pulumi";
import type { ReservedConcurrency } from "../reservedConcurrency";
import { HelperOptions } from "./options";

/** The per-stack knobs every component needs; built once from `StackConfig` in `createStack`. */
export interface Deployment {
  /** Stack name, part of physical names. */
  readonly stack: string;
  /** `dev` builds cheap and disposable, `prod` keeps data. */
  readonly environment: "dev" | "prod";
  /** Retention of every log group the component creates. */
  readonly logRetentionDays: number;
  /** Let `pulumi destroy` delete non-empty buckets (dev only). */
  readonly forceDestroyBuckets: boolean;
  /** Keep stateful resources in AWS when they leave the program. */
  readonly retainOnDelete: boolean;
  /** Alarm/OK actions (the alert topic in prod, none in dev). */
  readonly alarmActions: readonly pulumi.Input<string>[];
  /** Reserved concurrent executions of each function (`gridrail:reservedConcurrency`). */
  readonly reservedConcurrency: ReservedConcurrency;
}

/** Resource options for stateful resources (buckets, tables, keys, streams, clusters). */
export function statefulOptions(deployment: Deployment, opts: HelperOptions): pulumi.CustomResourceOptions {
  return { ...opts, retainOnDelete: deployment.retainOnDelete };
}
