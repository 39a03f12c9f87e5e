import { mkdirSync } from "fs";
import { dirname } from "path";
import { launchChromium } from "./chromium";

export interface ScreenshotSize {
  readonly width: number;
  readonly height: number;
}

/** The page throttles redraws to one per 250 ms; this waits past two of them after the first event. */
const SETTLE_MS = 700;

/**
 * Opens the live page at `url` in headless Chromium, waits until it has drawn what the server sent, and saves the
 * viewport as a PNG. Fails when the page logs an error, so a screenshot never hides a broken page.
 */
export async function takeScreenshot(url: string, file: string, size: ScreenshotSize): Promise<void> {
  for (const [field, value] of Object.entries(size)) {
    if (!Number.isInteger(value) || value < 100 || value > 4000) throw new Error(`screenshot: ${field} must be an integer 100..4000, got ${value}`);
  }
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: size.width, height: size.height } });
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    // a string, evaluated in the page: the project compiles without the DOM library
    await page.waitForFunction("Number(document.body.dataset.events || 0) > 0", undefined, { timeout: 15_000 });
    await page.waitForTimeout(SETTLE_MS);
    if (errors.length > 0) throw new Error(`screenshot: the page at ${url} logged errors: ${errors.join(" | ")}`);
    mkdirSync(dirname(file), { recursive: true });
    await page.screenshot({ path: file });
  } finally {
    await browser.close();
  }
}
