import { detectorNames } from "../anomaly/registry";
import { ParsedArgs, UsageError } from "./args";

/** The `--detector` flag (default rcf): a name the registry knows, else a usage error listing them. */
export function detectorFlag(args: ParsedArgs): string {
  const detector = (args.detector as string | undefined) ?? "rcf";
  if (!detectorNames().includes(detector)) throw new UsageError(`--detector must be one of ${detectorNames().join(", ")}, got ${JSON.stringify(detector)}`);
  return detector;
}
