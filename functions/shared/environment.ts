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

/**
 * The names a function reads from its environment: `required` ones fail the invocation when missing, `optional`
 * ones have defaults. Each function exports its own (`functions/<name>/variables.ts`); the Pulumi program sets
 * them through `variableValues`, so a missing or misspelt name is a type error, not a failed invocation.
 */
export interface VariableNames<R extends string = string, O extends string = string> {
  readonly required: readonly R[];
  readonly optional: readonly O[];
}

export function variableNames<const R extends string, const O extends string = never>(
  required: readonly R[],
  optional: readonly O[] = [],
): VariableNames<R, O> {
  return { required, optional };
}

/** A value for every required name, and for any of the optional ones: nothing else. */
export function variableValues<R extends string, O extends string, T>(
  _names: VariableNames<R, O>,
  values: Record<R, T> & Partial<Record<O, T>>,
): Record<string, T> {
  return values as Record<string, T>;
}
