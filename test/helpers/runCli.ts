import { spawnSync } from "child_process";
import { join } from "path";

const ROOT = join(__dirname, "..", "..");

/**
 * Runs `tsx cli/<name>.ts args...` from the project root, as `npm run --silent <name> -- args` does, with `input`
 * (if given) on its standard input and `env` (if given) as its environment.
 */
export function runCli(name: string, args: string[], input?: string, env?: NodeJS.ProcessEnv): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), join(ROOT, "cli", `${name}.ts`), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
    input,
    ...(env ? { env } : {}),
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
