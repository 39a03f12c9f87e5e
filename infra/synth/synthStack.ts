import * as fs from "fs";
import * as path from "path";
import { STACK_NAME } from "../../functions/provisioningHook/serials";
import { parseStackConfig } from "../config";
import { placeholderWarnings } from "../placeholders";
import { createStack } from "../stack";
import { Synthesis, synthesize } from "./recorder";
import { parseStackFile, StackFileError } from "./stackFile";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Raw config of `Pulumi.<stack>.yaml`, as `pulumi.runtime.allConfig()` would return it. */
export function readStackConfig(stack: string): Record<string, string> {
  // a stack name is never a path: `--stack ../x` must not read a file outside the checkout
  if (!STACK_NAME.test(stack))
    throw new StackFileError(`stack name ${JSON.stringify(stack)} must be 1-21 lowercase letters, digits or -, starting with a letter`);
  const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) throw new StackFileError(`no stack file ${path.relative(process.cwd(), file)} for stack "${stack}"`);
  return parseStackFile(fs.readFileSync(file, "utf8"), path.basename(file));
}

/**
 * Runs the real program (`createStack`) for `stack` under mocks. `overrides` replace single config keys,
 * which lets tests exercise variants without more stack files.
 */
export function synthStack(stack: string, overrides: Record<string, string | undefined> = {}): Promise<Synthesis> {
  const raw: Record<string, string> = { ...readStackConfig(stack) };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete raw[k];
    else raw[k] = v;
  }
  const config = parseStackConfig(stack, raw);
  return inProjectRoot(() => synthesize(stack, raw, () => createStack(config)));
}

/**
 * Runs `work` with the project root as the working folder, as `pulumi up` runs the program: Pulumi's function
 * serialization looks for package.json from there, so a command run from a subfolder would fail.
 */
async function inProjectRoot<T>(work: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(REPO_ROOT);
  try {
    return await work();
  } finally {
    process.chdir(before);
  }
}

/** What `pulumi up` would warn of in the stack's config (example values a deployment must replace). */
export function stackWarnings(stack: string): string[] {
  return placeholderWarnings(parseStackConfig(stack, readStackConfig(stack)));
}
