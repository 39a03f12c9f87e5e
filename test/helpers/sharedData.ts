import { existsSync } from "fs";
import { join } from "path";

/** ../shared/data from the project root; tests that need it skip with this message where it is absent. */
export const SHARED_DATA = join(__dirname, "..", "..", "..", "shared", "data");

export function sharedPath(...parts: string[]): string {
  return join(SHARED_DATA, ...parts);
}

/** Skips the calling test (or suite) when a shared file is missing, saying which. */
export function requireShared(ctx: Mocha.Context, ...parts: string[]): string {
  const p = sharedPath(...parts);
  if (!existsSync(p)) {
    console.warn(`      skipped: ${p} is absent (the shared data folder lives beside the project)`);
    ctx.skip();
  }
  return p;
}
