import { expect } from "chai";
import { spawn } from "child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { join } from "path";
import { runCli } from "../helpers/runCli";
import { tempDir } from "../helpers/tempDir";

describe("npm start (the local stack), end to end", function () {
  this.timeout(180_000);
  const dir = tempDir("gridrail-start-");
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("runs both systems on loopback, loses no reading, and writes the contract's report", () => {
    const reportFile = join(dir, "report.json");
    const r = runCli("start", [
      "--duration",
      "12",
      "--trains",
      "2",
      "--meters",
      "3",
      "--seed",
      "1",
      "--no-web",
      "--out",
      join(dir, "run"),
      "--report",
      reportFile,
    ]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^pre-training 2 train model\(s\) on 8640 readings of history/m);
    const report = JSON.parse(readFileSync(reportFile, "utf8"));
    for (const key of [
      "readingsPublished",
      "readingsScored",
      "anomaliesInjected",
      "anomaliesDetected",
      "falseAlarms",
      "shadowDeliveries",
      "detectionLatencyMs",
      "supplierFiles",
      "summary",
    ]) {
      expect(report, key).to.have.property(key);
    }
    expect(report.readingsPublished).to.equal(2 * 12 * 20);
    // nothing lost: every published reading was scored, dead-lettered or handed to the on-failure destination
    expect(report.readingsScored + report.readingsDeadLettered + report.readingsSkipped).to.equal(report.readingsPublished);
    expect(report.readingsLost).to.equal(0);
    // every meter and train joined through fleet provisioning before the fleets' first reading; none was refused
    const devices = report.devices.devices;
    expect(devices).to.be.greaterThan(2);
    // and every train's subscriptions and deliveries (its own shadows) passed its device policy
    expect([
      report.devices.provisioned,
      report.devices.provisionedBeforeFirstReading,
      report.devices.publishesByUnprovisionedClients,
      report.devices.subscriptionsRefused,
      report.devices.deliveriesWithheld,
    ]).to.deep.equal([devices, devices, 0, 0, 0]);
    expect(report.devices.refused).to.deep.equal([]);
    expect(r.stdout).to.match(
      new RegExp(
        `^devices: ${devices} of ${devices} provisioned by claim in \\d+ ms, ${devices} before their first reading; 0 publish\\(es\\) by unprovisioned clients, 0 subscription\\(s\\) refused and 0 delivery\\(ies\\) withheld$`,
        "m",
      ),
    );
    // the offline train's agent restarted mid-outage and its new agent found every buffered reading on disk
    expect(report.reboot.trainId).to.match(/^train-000[12]$/);
    expect(report.reboot.bufferedAtReboot).to.be.greaterThan(0);
    expect([report.reboot.restored, report.reboot.readingsLostAcrossReboot]).to.deep.equal([report.reboot.bufferedAtReboot, 0]);
    // the other train detected on board while offline, and its warning and the cloud's episode are one episode
    expect(report.edge.trainId).to.equal(report.reboot.trainId === "train-0001" ? "train-0002" : "train-0001");
    expect([report.edge.raised, report.edge.raisedOffline, report.edge.confirmedByCloud, report.edge.edgeOnly, report.edge.readingsRejected]).to.deep.equal([
      1, 1, 1, 0, 0,
    ]);
    expect(report.edge.readingsScored).to.equal(12 * 20);
    expect(report.edge.faultToEdgeWarningMs).to.be.below(report.edge.faultToCloudDeliveryMs);
    expect(report.anomaliesInjected).to.equal(2);
    expect(report.shadowDeliveries).to.be.at.most(report.anomaliesDetected);
    // each detected fault's alert was told to its train, or is said to be in flight or never written; none unaccounted
    const deliveries = report.faults.map((f: { delivery: string }) => f.delivery);
    expect(deliveries.filter((d: string) => d !== "missed").length).to.equal(report.anomaliesDetected);
    expect([deliveries.filter((d: string) => d === "delivered").length, deliveries.filter((d: string) => d === "in flight").length]).to.deep.equal([
      report.shadowDeliveries,
      report.inFlight,
    ]);
    expect(report.meterReadingsPublished).to.equal(3 * 48);
    // the last meter was offline all day two days before the run and sent that day when the run started: the
    // day's analysis found those readings in its partition and wrote the day they belong to
    expect(report.meterReadingsStored).to.equal(48);
    // and customer-2's household moved in two days before the run, its code issued after: its two reports since are
    // recomputed, compared with its own days only, which the page it downloads says
    expect([report.dailyAnalysis.reportsRevised, report.dailyAnalysis.householdRevisions]).to.deep.equal([3, 2]);
    const movedIn = new Date(Date.parse(report.summary.date) - 2 * 86_400_000).toISOString().slice(0, 10);
    expect(report.customers.outcomes.map((o: { comparedSince: string | null }) => o.comparedSince)).to.deep.equal([null, movedIn, null]);
    const newHousehold = JSON.parse(readFileSync(join(dir, "run", "reports", "NMI6100000002", `${report.summary.date.replace(/-/g, "")}.json`), "utf8"));
    expect(newHousehold.comparison).to.include({ days: 2, since: movedIn });
    const outage = new Date(Date.parse(report.summary.date) - 2 * 86_400_000).toISOString().slice(0, 10).replace(/-/g, "");
    const revised = JSON.parse(readFileSync(join(dir, "run", "reports", "NMI6100000003", `${outage}.json`), "utf8"));
    expect([revised.halfHoursCovered, revised.sources.latePartitions]).to.deep.equal([48, [report.summary.date]]);
    expect(r.stdout).to.match(
      /^meters: 144 readings, and 48 of an earlier day from a meter back from an outage; daily analysis .*, 1 earlier report\(s\) revised with late readings, 2 with a household's first day, /m,
    );
    // a report for every client with data that day: the 3 meters, and the suppliers' uploads that gave readings
    // (beyond 3 meters they come under clients of their own, so none overwrites another; the garbage and the
    // empty upload give none, and leave no readings)
    const today = report.summary.date.replace(/-/g, "");
    const uploaded = readdirSync(join(dir, "run", "supplier", today)).map((f) => f.replace(/\.csv$/i, ""));
    const parsed = readdirSync(join(dir, "run", "meter-lake", "processed", today))
      .filter((f) => f.endsWith(".jsonl"))
      .map((f) => f.replace(/\.jsonl$/, ""));
    expect(uploaded.length - parsed.length).to.equal(2);
    const clients = [...new Set(["NMI6100000001", "NMI6100000002", "NMI6100000003", ...parsed])].sort();
    expect(readdirSync(join(dir, "run", "reports")).sort()).to.deep.equal(clients);
    expect([report.dailyAnalysis.clients, report.dailyAnalysis.reportsWritten]).to.deep.equal([clients.length, clients.length]);
    expect(new Set(uploaded.map((u) => u.toLowerCase())).size).to.equal(uploaded.length);
    expect(report.summary.installationsWithRealtimeData).to.equal(3);
    // the malformed upload (uploads/final-FINAL.xlsx) is a file the summary's tables skip, counted as gridrail summary counts it
    expect(report.summary.skippedFiles).to.equal(1);
    expect(report.summary.trains.map((t: { trainId: string }) => t.trainId)).to.deep.equal(["train-0001", "train-0002"]);
    expect(report.supplierFiles.accepted + report.supplierFiles.rejected).to.be.greaterThan(0);
    // the meters' last week was analysed first, so the day's reports compare with it
    const meterReport = JSON.parse(readFileSync(join(dir, "run", "reports", "NMI6100000001", `${today}.json`), "utf8"));
    expect(meterReport.comparison.days).to.equal(7);
    expect(meterReport.detector.historyHalfHours).to.equal(7 * 48);
    expect(meterReport.halfHoursCovered).to.equal(48);
    // the scripted customers each downloaded their own report; none reached another's
    const { outcomes, attempts, ...customers } = report.customers;
    expect(customers).to.deep.equal({
      date: report.summary.date,
      customers: 3,
      signedUp: 3,
      linked: 3,
      reportsListed: 3,
      downloaded: 3,
      crossCustomer: { attempts: 12, refused: 12, succeeded: 0 },
    });
    expect(outcomes.map((o: { downloadedBytes: number }) => o.downloadedBytes)).to.deep.equal(
      ["NMI6100000001", "NMI6100000002", "NMI6100000003"].map((m) => statSync(join(dir, "run", "reports", m, `${today}.html`)).size),
    );
    expect(attempts.map((a: { status: number }) => a.status)).to.deep.equal([409, 403, 409, 403, 409, 403, 409, 403, 409, 403, 409, 403]);
    // and the daily summary counted their downloads and profile writes from the trail (claim items not among them)
    expect(report.summary.reportDownloads).to.equal(3);
    expect(report.summary.profileUpdates).to.equal(3);
    expect(r.stdout).to.match(
      /^customers \d{4}-\d\d-\d\d: 3 of 3 signed up, 3 linked their meter, 3 listed their report, 3 downloaded it .*; cross-customer: 12 attempts, 12 refused, 0 succeeded; customer-2's report compares only with its household's days, from \d{4}-\d\d-\d\d$/m,
    );
  });

  it("refuses an --out folder of other files, and a --report under --out, before the run, touching nothing", () => {
    const mine = join(dir, "mine");
    mkdirSync(mine);
    writeFileSync(join(mine, "notes.txt"), "keep me");
    const foreign = runCli("start", ["--duration", "5", "--no-web", "--out", mine]);
    expect([foreign.status, foreign.stdout, foreign.stderr]).to.deep.equal([
      1,
      "",
      `error: --out ${mine}: holds files (notes.txt) and is not an earlier run's (no .gridrail-run in it); the run empties its folder first: give a new or empty folder\n`,
    ]);
    expect(readFileSync(join(mine, "notes.txt"), "utf8")).to.equal("keep me");
    const run = join(dir, "run2");
    const under = runCli("start", ["--duration", "5", "--no-web", "--out", run, "--report", join(run, "sub", "r.json")]);
    expect([under.status, under.stdout, under.stderr]).to.deep.equal([
      2,
      "",
      `error: --report ${join(run, "sub", "r.json")}: inside --out ${run}, which the run empties first: write it in ${run} itself or elsewhere\n`,
    ]);
    const itself = runCli("start", ["--duration", "5", "--no-web", "--out", run, "--report", run]);
    expect([itself.status, itself.stdout, itself.stderr]).to.deep.equal([
      2,
      "",
      `error: --report ${run} is the --out folder: give a file in it or elsewhere\n`,
    ]);
    const named = runCli("start", ["--duration", "5", "--no-web", "--out", run, "--report", join(run, "reports")]);
    expect([named.status, named.stdout, named.stderr]).to.deep.equal([
      2,
      "",
      `error: --report ${join(run, "reports")}: the run makes reports in --out ${run}: give another name\n`,
    ]);
    const empty = runCli("start", ["--duration", "5", "--no-web", "--report="]);
    expect([empty.status, empty.stderr]).to.deep.equal([2, "error: --report needs a value, got an empty one\n"]);
  });

  it("finishes the run on one Ctrl-C to its process group: the fleets stop publishing, nothing is lost, the report says so", async () => {
    const out = join(dir, "interrupted");
    const root = join(__dirname, "..", "..");
    // its own process group, as a terminal's foreground job: the signal reaches tsx and the node it runs, as Ctrl-C does
    const child = spawn(
      process.execPath,
      [
        join(root, "node_modules", "tsx", "dist", "cli.mjs"),
        join(root, "cli", "start.ts"),
        "--duration",
        "60",
        "--trains",
        "2",
        "--meters",
        "3",
        "--no-web",
        "--out",
        out,
      ],
      {
        cwd: root,
        detached: true,
      },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const status = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString("utf8");
        // the first progress line: the fleets are publishing
        if (/^\[\s*\d+s\] trains: [1-9]/m.test(stdout)) resolve();
      }),
    );
    process.kill(-child.pid!, "SIGINT");
    expect(await status, stderr).to.equal(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.interruptedAfterS).to.be.within(1, 59);
    expect(report.readingsLost).to.equal(0);
    expect(report.readingsScored + report.readingsDeadLettered + report.readingsSkipped).to.equal(report.readingsPublished);
    expect(stdout).to.contain(`interrupted after ${report.interruptedAfterS} s of 60: the fleets published nothing after it`);
  });

  it("refuses a bad flag value naming it, in one line", () => {
    const r = runCli("start", ["--trains", "zero"]);
    expect([r.status, r.stderr]).to.deep.equal([2, 'error: --trains must be an integer in [1, 200], got "zero"\n']);
  });
});
