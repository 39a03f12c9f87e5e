import { expect } from "chai";
import { runCli } from "../helpers/runCli";

describe("bench:analysis", () => {
  it("times a day of real-time clients, and with --supplier a day that also completes the day before", function () {
    this.timeout(180_000);
    const run = (extra: string[]) => {
      const r = runCli("benchAnalysis", ["--clients", "4", "--json", ...extra]);
      expect(r.status, r.stderr).to.equal(0);
      return JSON.parse(r.stdout) as { clients: number; supplierFiles: boolean; reportsRevised: number; requestsPerClient: number; getItemsPerClient: number };
    };
    const realtime = run([]);
    const supplier = run(["--supplier"]);
    expect([realtime.clients, realtime.supplierFiles, realtime.reportsRevised]).to.deep.equal([4, false, 0]);
    expect([supplier.supplierFiles, supplier.reportsRevised]).to.deep.equal([true, 4]);
    // each client's household read once a run, its revision included: the claim item and the owner item
    expect([realtime.getItemsPerClient, supplier.getItemsPerClient]).to.deep.equal([2, 2]);
    // the revision reads the day before again: more requests a client, not fewer
    expect(supplier.requestsPerClient).to.be.greaterThan(realtime.requestsPerClient * 1.5);
    // but not the day's objects again, which the day's reports read (carriedReadings.ts): reading them again costs 2.7 times a real-time client's
    expect(supplier.requestsPerClient).to.be.lessThan(realtime.requestsPerClient * 2.2);
  });
});
