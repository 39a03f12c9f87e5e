import { expect } from "chai";
import { clientsPerInvocation } from "../../../functions/dailyAnalysis/capacity";

describe("daily analysis capacity estimate", () => {
  const base = { lambdaMb: 1769, requestsPerClient: 10, inFlight: 8, timeoutSeconds: 900, usable: 0.8 };
  const cases: { label: string; cpuMsPerClient: number; msPerRequest: number; lambdaMb?: number; perInvocation: number; bound: string }[] = [
    // 100 ms CPU on a whole vCPU: 10 a second; 8 waiting on 10 x 30 ms each: 8000 / 400 = 20 a second
    { label: "CPU-bound", cpuMsPerClient: 100, msPerRequest: 30, perInvocation: 7200, bound: "cpu" },
    // 10 ms CPU: 100 a second; 8000 / (10 + 10 x 100) = 7.92 a second
    { label: "request-bound", cpuMsPerClient: 10, msPerRequest: 100, perInvocation: 5702, bound: "requests" },
    // half the memory, half the CPU: 100 ms becomes 200 ms, 5 a second
    { label: "half a vCPU", cpuMsPerClient: 100, msPerRequest: 0, lambdaMb: 884.5, perInvocation: 3600, bound: "cpu" },
    // two vCPUs' memory: still one thread, 10 a second
    { label: "more memory than one vCPU", cpuMsPerClient: 100, msPerRequest: 0, lambdaMb: 3538, perInvocation: 7200, bound: "cpu" },
  ];
  it("waits on other requests too (the profile table's reads): 8000 / (10 + 10 x 100 + 2 x 10) = 7.77 a second", () => {
    const r = clientsPerInvocation({ ...base, cpuMsPerClient: 10, msPerRequest: 100, otherRequestMsPerClient: 20 });
    expect([r.perInvocation, r.bound]).to.deep.equal([5592, "requests"]);
  });

  for (const c of cases) {
    it(c.label, () => {
      const r = clientsPerInvocation({ ...base, lambdaMb: c.lambdaMb ?? base.lambdaMb, cpuMsPerClient: c.cpuMsPerClient, msPerRequest: c.msPerRequest });
      expect([r.perInvocation, r.bound]).to.deep.equal([c.perInvocation, c.bound]);
    });
  }
});
