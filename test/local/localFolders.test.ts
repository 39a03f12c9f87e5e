import { expect } from "chai";
import { existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from "fs";
import { join } from "path";
import { RUN_MARKER, RunFolders, runFolderProblem, startRunFolder } from "../../local/start/folders";
import { BufferedDelivery } from "../../local/start/delivery";
import { SupplierIngestion, supplierFiles } from "../../local/start/supplierDrops";
import { tempDir } from "../helpers/tempDir";

describe("local stack: which folder a run may empty", () => {
  let root: string;
  beforeEach(() => (root = tempDir("gridrail-runfolder-")));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  // [what, how the folder is made, the problem (ROOT: the test's folder), the --out asked for under it]
  const cases: [string, (dir: string) => void, string | undefined, string?][] = [
    ["a folder not there yet", () => undefined, undefined],
    ["an empty folder", (d) => mkdirSync(d), undefined],
    ["an earlier run's folder, marked", (d) => (mkdirSync(d), writeFileSync(join(d, RUN_MARKER), ""), writeFileSync(join(d, "notes.txt"), "")), undefined],
    [
      "a folder that only looks like a run's: no marker",
      (d) => (
        mkdirSync(join(d, "reports"), { recursive: true }),
        writeFileSync(join(d, "reports", "q3-final.txt"), "x"),
        writeFileSync(join(d, "report.json"), "{}")
      ),
      "holds files (report.json, reports) and is not an earlier run's (no .gridrail-run in it); the run empties its folder first: give a new or empty folder",
    ],
    ["a file", (d) => writeFileSync(d, "hi"), "is a file, not a folder"],
    ["a folder to be made under a file", (d) => writeFileSync(d, "hi"), "is under ROOT/out, which is a file, not a folder", "run"],
    [
      "a folder of other files",
      (d) => (mkdirSync(join(d, "src"), { recursive: true }), writeFileSync(join(d, "meter-lake"), ""), writeFileSync(join(d, "notes.txt"), "")),
      "holds files (meter-lake, notes.txt, src) and is not an earlier run's (no .gridrail-run in it); the run empties its folder first: give a new or empty folder",
    ],
  ];
  for (const [what, make, problem, sub] of cases) {
    it(`${what}: ${problem ?? "may be emptied"}`, () => {
      const dir = join(root, "out");
      make(dir);
      expect(runFolderProblem(sub === undefined ? dir : join(dir, sub))).to.equal(problem?.replace("ROOT", root));
    });
  }

  it("starts a run in an emptied, marked folder", () => {
    const dir = join(root, "out");
    mkdirSync(join(dir, "telemetry"), { recursive: true });
    startRunFolder(dir);
    expect([readdirSync(dir), existsSync(join(dir, "telemetry"))]).to.deep.equal([[RUN_MARKER], false]);
  });
});

describe("local stack: the run's folders", () => {
  let root: string;
  let folders: RunFolders;
  beforeEach(() => {
    root = tempDir("gridrail-folders-");
    folders = new RunFolders(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const escapes = ["../outside.json", "a/../../outside.json", "/etc/passwd"];
  for (const key of escapes) {
    it(`refuses the key ${JSON.stringify(key)}, which would leave its folder`, () => {
      expect(() => folders.write("meter-lake", key, "x")).to.throw(`key ${JSON.stringify(key)} escapes meter-lake/`);
    });
  }

  it("lists keys under a prefix in order, as S3 would", async () => {
    folders.write("meter-lake", "B/20261122/2.json", "b");
    folders.write("meter-lake", "A/20261122/1.json", "a");
    folders.write("meter-lake", "processed/20261122/A.jsonl", "p");
    expect(folders.list("meter-lake")).to.deep.equal(["A/20261122/1.json", "B/20261122/2.json", "processed/20261122/A.jsonl"]);
    expect(await folders.lake().topLevelPrefixes()).to.deep.equal(["A", "B", "processed"]);
    expect(await folders.lake().list("A/")).to.deep.equal(["A/20261122/1.json"]);
    expect(folders.list("nothing-here")).to.deep.equal([]);
    // with atMost, the first atMost + 1 keys: enough to tell that a partition holds more
    for (const n of [3, 4, 5]) folders.write("meter-lake", `A/20261122/${n}.json`, "a");
    expect([await folders.lake().list("A/", 2), await folders.lake().list("A/", 4)]).to.deep.equal([
      ["A/20261122/1.json", "A/20261122/3.json", "A/20261122/4.json"],
      ["A/20261122/1.json", "A/20261122/3.json", "A/20261122/4.json", "A/20261122/5.json"],
    ]);
  });

  it("sends the supplier parser's quarantine reports to quarantine/ and its readings to the lake", async () => {
    const store = folders.supplierStore();
    await store.put("quarantine/20261122/A.json", "{}", "application/json");
    await store.put("processed/20261122/A.jsonl", "", "application/x-ndjson");
    expect(folders.list("quarantine")).to.deep.equal(["20261122/A.json"]);
    expect(folders.list("meter-lake")).to.deep.equal(["processed/20261122/A.jsonl"]);
  });

  it("lists a supplier upload's spellings (.csv, .CSV) with their times, as the parser asks S3", async () => {
    folders.write("supplier", "20261122/A.csv", "x");
    folders.write("supplier", "20261122/A.CSV", "x");
    folders.write("supplier", "20261122/A.csv.bak", "x");
    folders.write("supplier", "20261122/AB.csv", "x");
    utimesSync(folders.path("supplier", "20261122/A.csv"), 1, 1);
    const found = await folders.supplierStore().spellings!("20261122/A.csv");
    expect(found.map((s) => [s.key, s.lastModified > 1000])).to.deep.equal([
      ["20261122/A.CSV", true],
      ["20261122/A.csv", false],
    ]);
  });

  it("keeps reports under reports/ and reads a missing one as none", async () => {
    const reports = folders.reports();
    await reports.put("reports/A/20261122.json", '{"totalKwh":1}', "application/json");
    expect(await reports.json("reports/A/20261122.json")).to.deep.equal({ totalKwh: 1 });
    expect(await reports.json("reports/A/20261121.json")).to.equal(undefined);
  });

  it("gives every supplier upload a client of its own, the meters' first, however few meters there are", () => {
    const ids = Array.from({ length: 20 }, (_, i) => `M${i}`);
    const many = supplierFiles(undefined, "20261122", ids).map((f) => f.key);
    expect(many).to.deep.equal(["20261122/M0.csv", "20261122/M5.csv", "20261122/M19.csv", "uploads/final-FINAL.xlsx", "20261122/M4.CSV"]);
    const one = supplierFiles(undefined, "20261122", ["M0"]).map((f) => f.key.toLowerCase());
    expect(new Set(one).size).to.equal(one.length);
  });

  it("ingests supplier drops through the queue: real files parsed, broken ones refused or dead-lettered, none lost", async function () {
    this.timeout(20_000);
    const files = supplierFiles(undefined, "20261122", ["NMI1", "NMI2", "NMI3"]);
    expect(files.map((f) => [f.key, f.note])).to.deep.equal([
      ["20261122/NMI1.csv", "built-in plain timestamp,kwh"],
      ["20261122/NMI3.csv", "malformed: garbage"],
      ["20261122/NMI2.csv", "malformed: empty"],
      ["uploads/final-FINAL.xlsx", "malformed: not a supplier key"],
      ["20261122/NMI1-3.CSV", "malformed: impossible value and offset, .CSV"],
    ]);
    const ingestion = new SupplierIngestion(folders);
    for (const f of [files[0], files[1], files[3], files[4]]) ingestion.drop(f);
    ingestion.start(10);
    await ingestion.stop();
    const s = ingestion.stats;
    expect(s.dropped).to.equal(4);
    expect(s.accepted + s.rejected + s.deadLettered).to.equal(4);
    expect([s.accepted, s.deadLettered, s.rowsAccepted, s.rowsRejected]).to.deep.equal([2, 0, 49, 4]);
    expect(folders.list("quarantine")).to.include("_invalid-keys/uploads%2Ffinal-FINAL.xlsx.json");
  });
});

describe("local stack: Firehose-like buffering", () => {
  it("writes one object per partition per flush, and everything left on close", async () => {
    const written: [string, string[], number][] = [];
    const d = new BufferedDelivery(async (p, lines, seq) => void written.push([p, lines, seq]), 60_000);
    d.add("A/20261122", "1");
    d.add("B/20261122", "2");
    d.add("A/20261122", "3");
    await d.flush();
    d.add("A/20261122", "4");
    await d.close();
    expect(written).to.deep.equal([
      ["A/20261122", ["1", "3"], 0],
      ["B/20261122", ["2"], 1],
      ["A/20261122", ["4"], 2],
    ]);
    expect(d.records).to.equal(4);
  });
});

describe("local stack: the reports folder keeps the bucket's conditional writes", () => {
  let root: string;
  beforeEach(() => (root = tempDir("gridrail-reports-")));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("tags a report by its bytes and refuses a write over a version it did not read", async () => {
    const reports = new RunFolders(root).reports();
    await reports.put("reports/A/20261118.json", '{"v":1}', "application/json", { ifNoneMatch: "*" });
    const first = await reports.tagged("reports/A/20261118.json");
    expect([first?.text, await reports.json("reports/A/20261118.json"), await reports.tagged("reports/A/none.json")]).to.deep.equal([
      '{"v":1}',
      { v: 1 },
      undefined,
    ]);
    await reports.put("reports/A/20261118.json", '{"v":2}', "application/json", { ifMatch: first!.tag });
    const refused: string[] = [];
    for (const condition of [{ ifMatch: first!.tag }, { ifNoneMatch: "*" as const }]) {
      await reports.put("reports/A/20261118.json", '{"v":3}', "application/json", condition).catch((e: Error) => refused.push(e.name));
    }
    expect([await reports.json("reports/A/20261118.json"), refused]).to.deep.equal([{ v: 2 }, ["ReportChangedError", "ReportChangedError"]]);
  });
});

describe("local stack: the lake folder lists when each object was written", () => {
  it("gives each key's modification time, as S3's LastModified", async () => {
    const root = tempDir("gridrail-lake-");
    try {
      const folders = new RunFolders(root);
      const before = Date.now() - 1000;
      folders.write("meter-lake", "processed/20261118/A.jsonl", "{}\n");
      const [listed] = await folders.lake().listModified("processed/20261118/");
      expect(listed.key).to.equal("processed/20261118/A.jsonl");
      expect(listed.modifiedMs).to.be.within(before, Date.now() + 1000);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
