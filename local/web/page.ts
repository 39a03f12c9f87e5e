import { createHash } from "crypto";
import { readFileSync } from "fs";
import { join } from "path";

export interface Page {
  readonly html: string;
  /** Allows exactly the page's own inline style and script (by hash) and its event stream. */
  readonly contentSecurityPolicy: string;
}

/**
 * The live page, self-contained: the machine running `npm start` may have no internet, so no CDN and no
 * external asset. Style and script live in assets/ to be edited as CSS and JavaScript, and are inlined here.
 */
export function renderPage(assets = join(__dirname, "assets")): Page {
  const css = readFileSync(join(assets, "view.css"), "utf8");
  const js = readFileSync(join(assets, "view.js"), "utf8");
  if (/<\/style/i.test(css)) throw new Error("web view: view.css must not contain </style");
  if (/<\/script/i.test(js)) throw new Error("web view: view.js must not contain </script");
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gridrail live</title>
<link rel="icon" href="data:,">
<style>${css}</style>
</head>
<body>
<header>
  <h1>gridrail · local stack</h1>
  <div class="run"><span id="run-state" class="state" data-testid="run-state" data-state="waiting">waiting</span><span id="run-info" data-testid="run-info">connecting…</span></div>
  <div id="stats" data-testid="stats"></div>
</header>
<main>
  <section>
    <h3 class="section-title">Trains · sensors, anomaly score, injected faults (shaded) and alerts (▼)</h3>
    <div id="trains" data-testid="trains"></div>
  </section>
  <section class="panel" data-testid="meters-panel">
    <h3 class="section-title">Smart meters · consumption per interval</h3>
    <div class="meters">
      <div><div id="meters-legend" class="legend"></div><canvas id="meters-chart" class="meter-chart" data-testid="meters-chart"></canvas></div>
      <table><thead><tr><th>meter</th><th>readings</th><th>total kWh</th></tr></thead><tbody id="meter-rows"></tbody></table>
    </div>
  </section>
  <section id="report" class="panel" data-testid="report-panel" hidden>
    <h3 class="section-title">Final report</h3>
    <dl id="report-numbers" data-testid="report-numbers"></dl>
    <details data-testid="report-json"><summary>report JSON</summary><pre id="report-json"></pre></details>
  </section>
</main>
<script>${js}</script>
</body>
</html>
`;
  const hash = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
  const contentSecurityPolicy = [
    "default-src 'none'",
    `style-src ${hash(css)}`,
    `script-src ${hash(js)}`,
    "connect-src 'self'",
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return { html, contentSecurityPolicy };
}
