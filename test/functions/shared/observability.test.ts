import { expect } from "chai";
import { readdirSync, readFileSync } from "fs";
import { join, relative } from "path";
import {
  Observability,
  count,
  createObservability,
  invocation,
  logLevelFrom,
  logPort,
  responseMetric,
  silentObservability,
} from "../../../functions/shared/observability";
import { captureOutput, emfMetrics, lambdaContext, logLines } from "../../helpers/captureOutput";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

describe("function observability", () => {
  describe("log level from the environment", () => {
    const cases: [Record<string, string>, string, string | undefined][] = [
      [{}, "INFO", undefined],
      [{ POWERTOOLS_LOG_LEVEL: "debug" }, "DEBUG", undefined],
      [{ AWS_LAMBDA_LOG_LEVEL: "WARN", POWERTOOLS_LOG_LEVEL: "DEBUG" }, "WARN", undefined],
      [{ AWS_LAMBDA_LOG_LEVEL: "FATAL" }, "CRITICAL", undefined],
      [{ AWS_LAMBDA_LOG_LEVEL: "", POWERTOOLS_LOG_LEVEL: "ERROR" }, "ERROR", undefined],
      [
        { POWERTOOLS_LOG_LEVEL: "loud" },
        "INFO",
        'environment variable POWERTOOLS_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT, got "loud"; logging at INFO',
      ],
      [
        { AWS_LAMBDA_LOG_LEVEL: "verbose" },
        "INFO",
        'environment variable AWS_LAMBDA_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT, got "verbose"; logging at INFO',
      ],
    ];
    for (const [env, level, problem] of cases) {
      it(`reads ${JSON.stringify(env)} as ${level}`, () => {
        expect(logLevelFrom(env)).to.deep.equal(problem ? { level, problem } : { level });
      });
    }
  });

  describe("response metric per status class", () => {
    const cases: [number, string][] = [
      [200, "Responses2xx"],
      [304, "Responses3xx"],
      [404, "Responses4xx"],
      [415, "Responses4xx"],
      [500, "Responses5xx"],
      [503, "Responses5xx"],
    ];
    for (const [status, name] of cases) it(`counts ${status} as ${name}`, () => expect(responseMetric(status)).to.equal(name));
    it("refuses a status that is not HTTP", () => {
      expect(() => responseMetric(42)).to.throw("statusCode must be an HTTP status from 100 to 599, got 42");
    });
  });

  it("writes a core's log entries at their level with their fields, and a bad log level once at WARN", async () => {
    const { lines } = await captureOutput(async () => {
      const o = createObservability("probe", { env: { POWERTOOLS_LOG_LEVEL: "loud" } });
      await invocation(o, lambdaContext("req-ob-1"), { clientId: "C42" }, async () => {
        const log = logPort(o.logger);
        log({ level: "ERROR", message: "client failed", error: "Access Denied" });
        log({ level: "WARN", message: "readings refused", count: 2 });
        log({ message: "progress", done: 1 });
      });
    });
    expect(logLines(lines).map((l) => [l.level, l.message, l.service, l.function_request_id ?? null, l.clientId ?? null])).to.deep.equal([
      [
        "WARN",
        'environment variable POWERTOOLS_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT, got "loud"; logging at INFO',
        "probe",
        null,
        null,
      ],
      ["ERROR", "client failed", "probe", "req-ob-1", "C42"],
      ["WARN", "readings refused", "probe", "req-ob-1", "C42"],
      ["INFO", "progress", "probe", "req-ob-1", "C42"],
    ]);
  });

  it("logs a failed invocation at ERROR, still flushes its metrics, and drops its correlation ids afterwards", async () => {
    const o = createObservability("probe", { env: {} });
    const { error, lines } = await captureOutput(async () => {
      await invocation(o, lambdaContext("req-ob-2"), { trainId: "train-0001" }, async () => {
        count(o, "LoadsFailed", 1);
        throw new Error("statement aborted");
      });
    });
    expect(error?.message).to.equal("statement aborted");
    const [line] = logLines(lines, "invocation failed");
    expect([line.level, line.trainId, (line.error as { message: string }).message]).to.deep.equal(["ERROR", "train-0001", "statement aborted"]);
    expect(emfMetrics(lines)).to.deep.equal([{ namespace: "gridrail", dimensions: [["service"]], service: "probe", LoadsFailed: 1 }]);
    const after = await captureOutput(async () => o.logger.info("later"));
    expect(logLines(after.lines)[0].trainId).to.equal(undefined);
  });

  it("publishes under the stack's namespace from METRIC_NAMESPACE, and an explicit one over it", async () => {
    const namespaces: string[] = [];
    for (const options of [{ env: { METRIC_NAMESPACE: "gridrail/prod" } }, { env: { METRIC_NAMESPACE: "gridrail/prod" }, namespace: "Other/Ns" }]) {
      const o = createObservability("probe", options);
      const { lines } = await captureOutput(async () => {
        await invocation(o, lambdaContext("req-ob-ns"), {}, async () => count(o, "ReportsWritten", 2));
      });
      namespaces.push(...emfMetrics(lines).map((m) => m.namespace as string));
    }
    expect(namespaces).to.deep.equal(["gridrail/prod", "Other/Ns"]);
  });

  it("runs a traced invocation in its own subsegment, marks it with the error, and restores the Lambda segment", async () => {
    const calls: string[] = [];
    const subsegment = { addError: (e: Error) => calls.push(`addError ${e.message}`), close: () => calls.push("close") };
    const segment = {
      addNewSubsegment: (name: string) => {
        calls.push(`open ${name}`);
        return subsegment;
      },
    };
    const tracer = {
      isTracingEnabled: () => true,
      getSegment: () => segment,
      setSegment: (s: unknown) => calls.push(s === segment ? "set lambda segment" : "set subsegment"),
      annotateColdStart: () => calls.push("annotate cold start"),
      addServiceNameAnnotation: () => calls.push("annotate service"),
    };
    const o = { ...silentObservability("probe"), tracer: tracer as unknown as Observability["tracer"] };

    const { error } = await captureOutput(() =>
      invocation(o, lambdaContext("req-ob-4"), {}, async () => {
        throw new Error("S3 down");
      }),
    );

    expect(error?.message).to.equal("S3 down");
    expect(calls).to.deep.equal([
      "open ## probe",
      "set subsegment",
      "annotate cold start",
      "annotate service",
      "addError S3 down",
      "close",
      "set lambda segment",
    ]);
  });

  it("prints nothing when silent (the local stack)", async () => {
    const o = silentObservability("probe");
    const { lines } = await captureOutput(() =>
      invocation(o, lambdaContext("req-ob-3"), {}, async () => {
        o.logger.error("not shown");
        count(o, "RowsWritten", 3);
      }),
    );
    expect(lines).to.deep.equal([]);
  });

  it("no function writes a pre-serialized JSON string to the console", () => {
    const root = join(__dirname, "..", "..", "..", "functions");
    const offenders = sourceFiles(root).filter((f) => /console\.(log|info|warn|error)\(\s*JSON\.stringify/.test(readFileSync(f, "utf8")));
    expect(offenders.map((f) => relative(root, f))).to.deep.equal([]);
  });
});
