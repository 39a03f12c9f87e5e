import { expect } from "chai";
import { existsSync } from "fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { CHROMIUM_PATH, launchChromium } from "../../local/web/chromium";
import type { LiveEvent } from "../../local/web/liveEvents";
import { WebView, startWebView } from "../../local/web/webView";

const T0 = Date.UTC(2026, 2, 14, 9, 0, 0);
const MESSAGE = "grade 0.81: reservoir pressure falling fast";

/** 40 s of two trains, a fault on train-0002 found and delivered, two meters, counters; `end` is separate. */
function scriptedRun(): LiveEvent[] {
  const events: LiveEvent[] = [
    {
      type: "hello",
      startedAt: T0,
      durationS: 40,
      trains: ["train-0001", "train-0002"],
      meters: ["MTR0001", "MTR0002"],
      sensors: ["Reservoirs", "Motor_current"],
    },
    { type: "train", trainId: "train-0001", online: true, t: T0 },
    { type: "train", trainId: "train-0002", online: true, t: T0 },
  ];
  for (let s = 0; s < 40; s++) {
    events.push({
      type: "readings",
      items: ["train-0001", "train-0002"].map((trainId) => ({
        trainId,
        t: T0 + s * 1000,
        values: { Reservoirs: 9 + Math.sin(s / 4), Motor_current: s % 10 < 3 ? 5.5 : 0.04 },
        score: s < 10 ? null : trainId === "train-0002" && s >= 25 ? 0.85 : 0.1,
      })),
    });
    if (s === 20) events.push({ type: "fault", trainId: "train-0002", kind: "air leak", startedAt: T0 + 20_000, endsAt: T0 + 35_000 });
  }
  events.push(
    {
      type: "alert",
      trainId: "train-0002",
      episodeId: "ep-0002-01",
      state: "open",
      t: T0 + 26_000,
      message: MESSAGE,
      sensors: ["Reservoirs", "Motor_current"],
    },
    { type: "delivered", trainId: "train-0002", episodeId: "ep-0002-01", latencyMs: 143, offlineDelivery: false },
    {
      type: "meter",
      items: [
        { clientId: "MTR0001", t: T0, kwh: 0.25 },
        { clientId: "MTR0002", t: T0, kwh: 0.5 },
      ],
    },
    {
      type: "meter",
      items: [
        { clientId: "MTR0001", t: T0 + 1_800_000, kwh: 0.5 },
        { clientId: "MTR0002", t: T0 + 1_800_000, kwh: 0.125 },
      ],
    },
    { type: "stats", values: { readingsPublished: 80, readingsScored: 60, anomaliesDetected: 1, shadowDeliveries: 1, supplierFilesAccepted: 2 } },
  );
  return events;
}
const END: LiveEvent = { type: "end", report: { readingsPublished: 80, detection: { faultsInjected: 1, faultsDetected: 1 } } };

async function textOf(page: Page, selector: string): Promise<string | null> {
  const found = await page.$(selector);
  return found ? found.textContent() : null;
}

/** Polls until the element's text is `expected` (the page redraws at most 4 times a second), then asserts it. */
async function expectText(page: Page, testId: string, expected: string, inner = ""): Promise<void> {
  const selector = `[data-testid="${testId}"]${inner}`;
  const deadline = Date.now() + 5000;
  let actual = await textOf(page, selector);
  while (actual !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    actual = await textOf(page, selector);
  }
  expect(actual, selector).to.equal(expected);
}

/** What a page shows after the scripted run and its end, whether it watched live or joined late. */
async function expectFinishedRun(page: Page): Promise<void> {
  await expectText(page, "run-state", "finished");
  for (const id of ["train-0001", "train-0002"]) expect(await page.isVisible(`[data-testid="train-card-${id}"]`), id).to.equal(true);
  await expectText(page, "alert-message-ep-0002-01", `${MESSAGE} (Reservoirs, Motor_current)`);
  await expectText(page, "delivery-ep-0002-01", "delivered to the train in 143 ms");
  await expectText(page, "train-alerts-train-0001", "");
  await expectText(page, "stat-readingsPublished", "80");
  await expectText(page, "stat-anomaliesDetected", "1");
  await expectText(page, "stat-supplierFilesAccepted", "2");
  await expectText(page, "meter-total-MTR0001", "0.75");
  await expectText(page, "meter-total-MTR0002", "0.63");
  await expectText(page, "meter-total-all", "1.38");
  expect(await page.isVisible('[data-testid="report-panel"]')).to.equal(true);
  await expectText(page, "report-detection.faultsDetected", "1", " dd");
  await expectText(page, "report-detection.faultsDetected", "detection · faults detected", " dt");
  expect(JSON.parse((await textOf(page, "#report-json")) ?? "null")).to.deep.equal((END as { report: unknown }).report);
}

/** Pixels drawn on a canvas (non-transparent), counted in the page. */
function inkOn(page: Page, testId: string): Promise<number> {
  return page.evaluate(`(() => {
    const c = document.querySelector('[data-testid="${testId}"]');
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  })()`);
}

describe("local web view: the page in headless Chromium", function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let view: WebView | undefined;
  let errors: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM_PATH)) {
      console.warn(`      skipped: ${CHROMIUM_PATH} is absent (apt-get install chromium to run the browser tests)`);
      this.skip();
    }
    browser = await launchChromium();
  });
  after(async () => browser?.close());
  beforeEach(async () => {
    errors = [];
    context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    view = await startWebView();
  });
  afterEach(async () => {
    await context?.close();
    await view?.close();
  });

  async function open(): Promise<Page> {
    const page = await context!.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(view!.url);
    return page;
  }

  it("shows a run as it happens: cards, online badges, alert with its delivery, counters, then the finished state and report", async () => {
    const page = await open();
    await expectText(page, "run-state", "waiting");

    for (const e of scriptedRun()) view!.publish(e);
    await expectText(page, "run-state", "running");
    await expectText(page, "train-online-train-0002", "online");
    view!.publish({ type: "train", trainId: "train-0001", online: false, t: T0 + 40_000 });
    await expectText(page, "train-online-train-0001", "offline");
    expect(await page.isVisible('[data-testid="report-panel"]')).to.equal(false);
    expect(await page.isVisible('[data-testid="train-alerting-train-0002"]')).to.equal(true);
    view!.publish(END);

    await expectFinishedRun(page);
    expect(await inkOn(page, "train-chart-train-0002")).to.be.greaterThan(2000);
    expect(await inkOn(page, "meters-chart")).to.be.greaterThan(1000);
    expect(errors).to.deep.equal([]);
  });

  it("brings a page that joins late up to date from the snapshot", async () => {
    for (const e of [...scriptedRun(), END]) view!.publish(e);

    const page = await open();

    await expectFinishedRun(page);
    await expectText(page, "train-online-train-0001", "online");
    expect(errors).to.deep.equal([]);
  });

  it("shows data as text, never as markup", async () => {
    const page = await open();
    const hostile = '<img src=x onerror="window.pwned=1"><b>bold</b>';

    view!.publish({ type: "alert", trainId: "train-<i>7</i>", episodeId: "ep-<x>", state: "open", t: T0, message: hostile, sensors: ["<s>"] });

    await expectText(page, "alert-message-ep-<x>", `${hostile} (<s>)`);
    await expectText(page, "train-card-train-<i>7</i>", "train-<i>7</i>", " h2");
    const markup =
      "[document.querySelectorAll('img, i, s').length, [...document.querySelectorAll('b')].filter((b) => b.textContent === 'bold').length, typeof window.pwned]";
    expect(await page.evaluate(markup)).to.deep.equal([0, 0, "undefined"]);
    expect(errors).to.deep.equal([]);
  });

  it("sums a large fleet of meters into one line and lists the first 40 of them", async () => {
    const page = await open();
    const ids = Array.from({ length: 300 }, (_, i) => `MTR${String(i + 1).padStart(4, "0")}`);

    for (let k = 0; k < 200; k++) view!.publish({ type: "meter", items: ids.map((clientId) => ({ clientId, t: T0 + k * 1_800_000, kwh: 0.5 })) });

    await expectText(page, "meter-more", "and 260 more meters");
    await expectText(page, "meter-total-all", "30000.00");
    expect(await page.$$eval("#meters-legend > span", (spans) => spans.map((s) => s.textContent))).to.deep.equal(["all meters"]);
    expect(await page.$$eval('[data-testid^="meter-total-MTR"]', (cells) => cells.length)).to.equal(40);
    expect(errors).to.deep.equal([]);
  });

  it("redraws at most about four times a second under 200 readings a second", async () => {
    const page = await open();
    view!.publish(scriptedRun()[0]);
    await expectText(page, "run-state", "running");
    const framesBefore = Number(await page.evaluate("document.body.dataset.frames"));

    for (let tick = 0; tick < 40; tick++) {
      view!.publish({
        type: "readings",
        items: Array.from({ length: 10 }, (_, i) => ({
          trainId: i % 2 ? "train-0001" : "train-0002",
          t: T0 + tick * 50 + i,
          values: { Reservoirs: 9, Motor_current: 1 },
          score: 0.2,
        })),
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));

    const frames = Number(await page.evaluate("document.body.dataset.frames")) - framesBefore;
    expect(frames).to.be.within(1, 12); // 2.5 s at one redraw per 250 ms at most
    expect(errors).to.deep.equal([]);
  });
});
