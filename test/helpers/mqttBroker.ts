/** The loopback MQTT broker now lives in local/ (the local stack uses it too); `until` is a test-only wait. */
export { LoopbackBroker, Publish, startBroker } from "../../local/iot/broker";

/** Resolves when `check` holds, polling every 10 ms; rejects after `ms` naming what it waited for. */
export async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
