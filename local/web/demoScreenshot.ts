/**
 * Regenerates docs/screenshot.png: starts a web view, feeds it the scripted demo run and photographs the page.
 *   npx tsx local/web/demoScreenshot.ts [out.png]
 */
import { join } from "path";
import { demoEvents } from "./demoRun";
import { takeScreenshot } from "./screenshot";
import { startWebView } from "./webView";

async function main(): Promise<void> {
  const file = process.argv[2] ?? join(__dirname, "..", "..", "docs", "screenshot.png");
  const view = await startWebView();
  try {
    for (const event of demoEvents()) view.publish(event);
    await takeScreenshot(view.url, file, { width: 1280, height: 900 });
    console.log(`wrote ${file}`);
  } finally {
    await view.close();
  }
}

main().catch((e: Error) => {
  console.error(`demo screenshot: ${e.message}`);
  process.exitCode = 1;
});
