import type { Browser } from "playwright-core";

/** Debian's Chromium; playwright-core drives it (no browser download: the machine has no internet). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Headless, no sandbox (containers), and nothing that would reach for the network on its own. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchChromium(): Promise<Browser> {
  // loaded on demand: playwright-core is a dev dependency, the web view itself does not need it
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}
