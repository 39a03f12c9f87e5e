/** A function's environment as Lambda gives it (`process.env`), or as a test builds it. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The values of `names`, every one required: a missing or empty one fails with one message naming all that are
 * missing, built by `fail` (each function keeps its own error class).
 */
export function requireVariables<N extends string>(
  env: Environment,
  names: readonly N[],
  fail: (message: string) => Error = (m) => new Error(m),
): Record<N, string> {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) throw fail(`environment variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")} must be set`);
  return Object.fromEntries(names.map((name) => [name, env[name] as string])) as Record<N, string>;
}
