/** Lambda gives a function one vCPU at 1769 MB, in proportion below that. */
export const MB_PER_VCPU = 1769;

export interface CapacityInput {
  /** CPU ms one client's analysis takes on a whole core. */
  readonly cpuMsPerClient: number;
  /** The function's memory, which sets its share of a vCPU. */
  readonly lambdaMb: number;
  /** S3 requests a client costs, made one after another, and the latency of each. */
  readonly requestsPerClient: number;
  readonly msPerRequest: number;
  /** Other requests' latency a client, ms, waited on one after another like S3's (the profile table's reads); default 0. */
  readonly otherRequestMsPerClient?: number;
  /** Clients analysed at once (analyseDay's concurrency). */
  readonly inFlight: number;
  /** The invocation's timeout, of which `usable` (0..1) is planned for. */
  readonly timeoutSeconds: number;
  readonly usable: number;
}

/**
 * Clients one invocation can analyse: the slower of the CPU (the function's share of a vCPU, at most one, does
 * one client's CPU work at a time) and requests (each of the `inFlight` clients waits on its S3 requests and
 * its other ones one after another). Where the two are close, the real figure is lower: each waits on the other at times.
 */
export function clientsPerInvocation(c: CapacityInput): { perSecond: number; perInvocation: number; bound: "cpu" | "requests" } {
  // a Node.js run is one thread: memory beyond one vCPU's adds none
  const cpuMs = (c.cpuMsPerClient * MB_PER_VCPU) / Math.min(c.lambdaMb, MB_PER_VCPU);
  const cpuBound = 1000 / cpuMs;
  const requestBound = (c.inFlight * 1000) / (cpuMs + c.requestsPerClient * c.msPerRequest + (c.otherRequestMsPerClient ?? 0));
  const perSecond = Math.min(cpuBound, requestBound);
  return { perSecond, perInvocation: Math.floor(perSecond * c.timeoutSeconds * c.usable), bound: cpuBound <= requestBound ? "cpu" : "requests" };
}
