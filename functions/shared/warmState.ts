/**
 * What a warm Lambda keeps between invocations (logger, SDK clients), held on `globalThis` under `key`. Not a
 * module-level value: an inline CallbackFunction's serializer captures module values by value at deploy time,
 * including whatever an earlier in-process run (a test, the local stack) put there; `globalThis` is the running
 * Lambda's own, empty at a cold start.
 */
export function warmState<T extends object>(key: string): Partial<T> {
  const store = globalThis as unknown as Record<string, Partial<T> | undefined>;
  return (store[`gridrail.warm.${key}`] ??= {});
}
