/**
 * SDK v3 packages the anomaly Lambda may use. The Node.js Lambda runtime ships them, so they are excluded from
 * the serialized archive. Pulumi matches exclusions by exact package name (no globs), so the list is every
 * `@aws-sdk/*` production dependency plus the clients issue 4 is expected to add.
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
