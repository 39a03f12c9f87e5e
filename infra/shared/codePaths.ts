import type * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";

/**
 * SDK v3 packages the inline Lambdas (train anomaly, usage summary, warehouse loader) may use. The Node.js
 * Lambda runtime ships them, so they are excluded from the serialized archives. Pulumi matches exclusions by
 * exact package name (no globs), so the list is every `@aws-sdk/*` production dependency plus the clients an
 * inline Lambda may come to use.
 */
export const EXPECTED_SDK_CLIENTS: readonly string[] = [
  "@aws-sdk/client-cloudwatch",
  "@aws-sdk/client-dynamodb",
  "@aws-sdk/client-iot-data-plane",
  "@aws-sdk/client-sqs",
  "@aws-sdk/lib-dynamodb",
];

export interface PackageJsonLike {
  readonly dependencies?: Readonly<Record<string, string>>;
}

/** Sorted, de-duplicated `@aws-sdk/*` names to pass as `codePathOptions.extraExcludePackages`. */
export function awsSdkExcludes(pkg: PackageJsonLike): string[] {
  const fromDeps = Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith("@aws-sdk/"));
  return [...new Set([...EXPECTED_SDK_CLIENTS, ...fromDeps])].sort();
}

/**
 * Production dependencies the inline Lambdas load at run time and the Node.js runtime does not ship (Powertools).
 * Pulumi puts every production dependency into a CallbackFunction's archive unless excluded.
 */
export const LAMBDA_RUNTIME_PACKAGES: readonly string[] = ["@aws-lambda-powertools/logger", "@aws-lambda-powertools/metrics", "@aws-lambda-powertools/tracer"];

/**
 * Dependencies of the X-Ray SDK (under the Powertools tracer) that hold type declarations only: nothing `require`s
 * them at run time, and `@types/node` alone would add megabytes to the archive. `@aws-sdk/types` is in the runtime.
 */
export const TYPE_ONLY_PACKAGES: readonly string[] = ["@aws-sdk/types", "@types/cls-hooked", "@types/node", "undici-types"];

/**
 * Everything to exclude from an inline Lambda's archive: the SDK clients (in the runtime), type-only packages,
 * and every other production dependency it does not load (mqtt is the train agent's, DuckDB the local summary's,
 * @pulumi/* deploy-time), so
 * the archive holds only `LAMBDA_RUNTIME_PACKAGES` and their dependencies.
 */
export function archiveExcludes(pkg: PackageJsonLike): string[] {
  const unused = Object.keys(pkg.dependencies ?? {}).filter((d) => !LAMBDA_RUNTIME_PACKAGES.includes(d));
  return [...new Set([...awsSdkExcludes(pkg), ...TYPE_ONLY_PACKAGES, ...unused])].sort();
}

function packageJson(): PackageJsonLike {
  return JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8"));
}

/** `codePathOptions` of every inline `CallbackFunction`; exported so the archive tests use exactly these. */
export function callbackCodePathOptions(): pulumi.runtime.CodePathOptions {
  return { extraExcludePackages: archiveExcludes(packageJson()) };
}
