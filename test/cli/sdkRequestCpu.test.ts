import { expect } from "chai";
import { listingXml, sdkCpuMs } from "../../cli/sdkRequestCpu";
import { MemoryLake } from "../../functions/dailyAnalysis/memoryPorts";

describe("the analysis benchmark's S3 request counts and SDK cost", () => {
  const cost = { getMs: 0.25, listingMs: 0.4, listedKeyMs: 0.01 };
  const cases = [
    { label: "GETs alone", requests: { gets: 10, listings: 0, listedKeys: 0 }, ms: 2.5 },
    { label: "an empty listing costs its fixed part", requests: { gets: 0, listings: 1, listedKeys: 0 }, ms: 0.4 },
    // a client-day partition of 48 readings: 0.4 + 48 x 0.01
    { label: "a listing of a day's 48 readings", requests: { gets: 0, listings: 1, listedKeys: 48 }, ms: 0.88 },
    { label: "all of them", requests: { gets: 67, listings: 5, listedKeys: 150 }, ms: 67 * 0.25 + 5 * 0.4 + 1.5 },
  ];
  for (const c of cases) it(c.label, () => expect(sdkCpuMs(cost, c.requests)).to.be.closeTo(c.ms, 1e-9));

  it("the memory lake counts a listing a page of 1,000 keys, and the keys it returns", async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => [`NMI1/20261121/${String(i).padStart(5, "0")}.json`, "{}"] as [string, string]);
    const lake = new MemoryLake(new Map([...keys, ["NMI2/20261121/a.json", "{}"]]));
    await lake.list("NMI1/20261121/");
    await lake.list("NMI1/20261121/", 10);
    await lake.list("NMI3/");
    await lake.topLevelPrefixes();
    await lake.text("NMI2/20261121/a.json");
    // 3 pages of 2,500; one of 11 (the bound and one past it); one empty; one of the 2 prefixes; a GET
    expect([lake.requests, lake.listings, lake.listedKeys]).to.deep.equal([7, 6, 2500 + 11 + 0 + 2]);
  });

  it("the listing answer the SDK parses holds the keys asked for", () => {
    const xml = listingXml(3);
    expect([xml.match(/<Contents>/g)?.length, /<KeyCount>3<\/KeyCount>/.test(xml), xml.startsWith('<?xml version="1.0"')]).to.deep.equal([3, true, true]);
  });
});
