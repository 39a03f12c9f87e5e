import { expect } from "chai";
import { demoEvents } from "../../local/web/demoRun";
import type { LiveEvent, TrainReading } from "../../local/web/liveEvents";

describe("the scripted demo run of the live view", () => {
  const events = demoEvents(0);
  const readings = events.flatMap((e) => (e.type === "readings" ? e.items : [])) as TrainReading[];

  it("publishes every train's every second once, and counts each as scored, as the local stack does", () => {
    const seen = new Set(readings.map((r) => `${r.trainId}@${r.t}`));
    expect([readings.length, seen.size]).to.deep.equal([900, 900]);
    const end = events.find((e): e is Extract<LiveEvent, { type: "end" }> => e.type === "end");
    const report = end?.report as { readingsPublished?: number; readingsScored?: number } | undefined;
    expect([report?.readingsPublished, report?.readingsScored]).to.deep.equal([900, 900]);
  });

  it("delivers the offline train's readings from its outbox when it reconnects, not while it is offline", () => {
    const offline = events.findIndex((e) => e.type === "train" && e.trainId === "train-0003" && !e.online);
    const online = events.findIndex((e, i) => i > offline && e.type === "train" && e.trainId === "train-0003" && e.online);
    expect(offline).to.be.greaterThan(0);
    expect(online).to.be.greaterThan(offline);
    const between = events.slice(offline, online).flatMap((e) => (e.type === "readings" ? e.items : []));
    expect(between.filter((r) => r.trainId === "train-0003")).to.deep.equal([]);
    const batch = events.slice(online).find((e) => e.type === "readings");
    const late = (batch?.type === "readings" ? batch.items : []).filter((r) => r.trainId === "train-0003");
    expect(late.map((r) => r.t / 1000)).to.deep.equal(Array.from({ length: 43 }, (_, i) => 196 + i));
  });
});
