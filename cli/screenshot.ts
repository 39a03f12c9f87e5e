import { join } from "path";
import { demoEvents } from "../local/web/demoRun";
import { takeScreenshot } from "../local/web/screenshot";
import { startWebView } from "../local/web/webView";
import { Command, ParsedArgs, runCommand } from "./args";
import { checkOutputFile } from "./outputPaths";

/** Regenerates docs/screenshot.png: starts a web view, feeds it the scripted demo run and photographs the page. */
const USAGE = `usage: gridrail screenshot [--out FILE.png]
Photographs the local web view after the scripted demo run (headless Chromium); default docs/screenshot.png.`;

async function main(args: ParsedArgs): Promise<void> {
  const file = (args.out as string | undefined) ?? join(__dirname, "..", "docs", "screenshot.png");
  checkOutputFile("--out", file);
  const view = await startWebView();
  try {
    for (const event of demoEvents()) view.publish(event);
    await takeScreenshot(view.url, file, { width: 1280, height: 900 });
    process.stdout.write(`wrote ${file}\n`);
  } finally {
    await view.close();
  }
}

export const command: Command = {
  name: "screenshot",
  usage: USAGE,
  flags: { out: "string" },
  run: main,
};

if (require.main === module) runCommand(command);
