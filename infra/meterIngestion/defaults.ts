/** Meter-ingestion settings; the component applies these unless an arg overrides them. */
export const meterDefaults = {
  /** 00:30 UTC: the previous day's readings are in the lake by then (the rule writes each as it arrives). */
  dailyAnalysisSchedule: "cron(30 0 * * ? *)",
  /**
   * Invocations the daily analysis is split into (clients by a stable hash of their id). One invocation
   * has 15 minutes; prod runs four in parallel, room for some 40,000 clients (docs/meters.md).
   */
  analysisShards: { dev: 1, prod: 4 },
  /**
   * Lake prefixes the supplier parser writes: readings under `processed/`, reports under `quarantine/`. Its
   * role may put objects there only, never into the real-time partitions the readings rule writes.
   */
  parserWritePrefixes: ["processed/", "quarantine/"],
  /** Parser invocations the upload queue's mapping runs at once; the parser reserves at least as many. */
  parserMaxConcurrency: 5,
  /**
   * Seconds. The parser streams, so memory stays flat (a 25 MB upload peaks under 256 MB); its time grows with
   * the file: a 100 MB upload (4 million rows) takes about 40 s on 1024 MB's share of a vCPU, plus its S3 parts.
   */
  parserTimeoutSeconds: 300,
  /** The supplier parser's memory, which sets its share of a vCPU (see `cli/benchParser.ts`). */
  parserMemoryMb: 1024,
  /** Largest supplier upload parsed; a bigger one gets a quarantine report instead of a retry loop. */
  parserMaxObjectMb: 100,
  /** Bound on every supplier reading, kW (times the interval length gives the largest kWh accepted). */
  parserMaxKw: 250,
  analysisTimeoutSeconds: 900,
  /**
   * The analysis function's memory, which sets its share of a vCPU: 1769 MB is one whole vCPU, the most one
   * Node.js thread uses. A client's CPU costs the same GB-seconds at any share, and the whole vCPU handles the
   * most clients an invocation (`npm run bench:analysis`: there its CPU and S3 requests are about equally busy).
   */
  analysisMemoryMb: 1769,
} as const;
