import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "./deployment";

/**
 * The last argument of every infra helper, as awsx components take it: `(name, args, opts)`. The parent and any
 * other resource option a caller sets (provider, protect, aliases, ...) pass through to what the helper creates.
 */
export type HelperOptions = pulumi.CustomResourceOptions & { readonly parent: pulumi.Resource };

/** The options of a resource the helper creates: the caller's, plus what the helper adds (dependsOn, retainOnDelete). */
export function childOptions(opts: HelperOptions, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  return { ...opts, ...extra };
}

/** The stack-wide settings a helper applies (retention, destroy behaviour, alarm actions), passed in its args. */
export interface WithDeployment {
  readonly deployment: Deployment;
}
