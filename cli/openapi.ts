import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { renderOpenApi } from "../functions/customerApi/openapi";
import { Command, ParsedArgs, UsageError, runCommand } from "./args";
import { checkOutputFile } from "./outputPaths";

/** The customer API's OpenAPI 3.1 document, generated from the schemas that validate its requests. */
const USAGE = [
  "usage: gridrail openapi [--out FILE | --check]",
  "  prints the customer API's OpenAPI 3.1 document (JSON)",
  "  --out FILE  write it to FILE instead (docs/openapi.json is the checked-in copy)",
  "  --check     exit 1 when docs/openapi.json differs from the generated document",
].join("\n");

export const CHECKED_IN = join(__dirname, "..", "docs", "openapi.json");

/** Exit code 1 only for a stale --check. */
export function runOpenApi(args: ParsedArgs, out: NodeJS.WritableStream, checkedIn = CHECKED_IN): number {
  const document = renderOpenApi();
  if (args.check) {
    if (args.out !== undefined) throw new UsageError("--check and --out go separately");
    let current: string | undefined;
    try {
      current = readFileSync(checkedIn, "utf8");
    } catch {
      current = undefined;
    }
    if (current === document) {
      out.write(`${checkedIn} is current\n`);
      return 0;
    }
    out.write(`${checkedIn} is stale; regenerate it with: npm run --silent openapi -- --out docs/openapi.json\n`);
    return 1;
  }
  if (typeof args.out === "string") {
    checkOutputFile("--out", args.out);
    writeFileSync(args.out, document);
    out.write(`wrote ${args.out} (${document.length} bytes)\n`);
    return 0;
  }
  out.write(document);
  return 0;
}

export const command: Command = {
  name: "openapi",
  usage: USAGE,
  flags: { out: "string", check: "boolean" },
  run: async (args) => runOpenApi(args, process.stdout),
};

if (require.main === module) runCommand(command);
