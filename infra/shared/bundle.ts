import * as esbuild from "esbuild";
import * as path from "path";

/** Lambda code folders under `functions/`; each has a `handler.ts` exporting `handler`. */
export type FunctionSource =
  "supplierParser" | "dailyAnalysis" | "authorizer" | "profileApi" | "reportUrl" | "firehoseTransform" | "redshiftLoader" | "usageSummary" | "trainAnomaly";

export const FUNCTIONS_DIR = path.resolve(__dirname, "..", "..", "functions");

/**
 * Bundles `functions/<source>/handler.ts` into one CommonJS file at deploy time. `@aws-sdk/*` stays external:
 * the Node.js Lambda runtime ships SDK v3, and bundling it would add megabytes per function.
 */
export function bundleHandler(source: FunctionSource): string {
  const result = esbuild.buildSync({
    entryPoints: [path.join(FUNCTIONS_DIR, source, "handler.ts")],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["@aws-sdk/*"],
    write: false,
    legalComments: "none",
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}
