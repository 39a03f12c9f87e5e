import type { Context } from "aws-lambda";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";

/**
 * CloudWatch namespace of the functions' outcome metrics when the environment sets none; a stack sets its own on
 * each function that publishes metrics (METRIC_NAMESPACE: `gridrail/<stack>`). Each carries the dimension `service`.
 */
export const METRIC_NAMESPACE = "gridrail";

export const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** The fields of Lambda's context object the logger reads (a test or the local stack may pass its own). */
export type LambdaContext = Pick<Context, "awsRequestId"> &
  Partial<Pick<Context, "functionName" | "functionVersion" | "invokedFunctionArn" | "memoryLimitInMB" | "getRemainingTimeInMillis">>;

export interface Observability {
  readonly service: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
}

export interface LevelChoice {
  readonly level: LogLevelName;
  /** Set when a variable held something that is not a level; the function logs it once at WARN. */
  readonly problem?: string;
}

/**
 * The log level: Lambda's own `AWS_LAMBDA_LOG_LEVEL` (the function's applicationLogLevel) wins, because Lambda
 * drops lines below it anyway; then `POWERTOOLS_LOG_LEVEL`; else INFO. A bad value falls back (a typo must not
 * stop the function) and says so.
 */
export function logLevelFrom(env: Readonly<Record<string, string | undefined>>): LevelChoice {
  for (const name of ["AWS_LAMBDA_LOG_LEVEL", "POWERTOOLS_LOG_LEVEL"]) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const level = raw.toUpperCase() === "FATAL" ? "CRITICAL" : raw.toUpperCase();
    if ((LOG_LEVELS as readonly string[]).includes(level)) return { level: level as LogLevelName };
    return { level: "INFO", problem: `environment variable ${name} must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(raw)}; logging at INFO` };
  }
  return { level: "INFO" };
}

export interface ObservabilityOptions {
  /** Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** No log lines and no metrics (the local stack summarises runs itself). Default false. */
  readonly silent?: boolean;
  /** Metric namespace. Default: the environment's METRIC_NAMESPACE (the stack's), else `METRIC_NAMESPACE`. */
  readonly namespace?: string;
}

/** Logger, metrics and tracer of one function, built once per execution environment. */
export function createObservability(service: string, options: ObservabilityOptions = {}): Observability {
  const env = options.env ?? process.env;
  const choice = logLevelFrom(env);
  const logger = new Logger({ serviceName: service, logLevel: options.silent ? "SILENT" : choice.level });
  if (choice.problem) logger.warn(choice.problem);
  const metrics = new Metrics({ namespace: options.namespace || env.METRIC_NAMESPACE || METRIC_NAMESPACE, serviceName: service });
  // Metrics has no "off" switch but an environment variable read by every instance; this one only drops its documents
  if (options.silent)
    metrics.publishStoredMetrics = () => {
      metrics.clearMetrics();
      return metrics;
    };
  const tracer = new Tracer({ serviceName: service, enabled: !options.silent });
  return { service, logger, metrics, tracer };
}

/** A silent set for callers outside Lambda (the local stack). */
export function silentObservability(service: string): Observability {
  return createObservability(service, { silent: true });
}

/** Adds one count to the invocation's metrics (zero counts too: a flat line on the dashboard is information). */
export function count(o: Observability, name: string, value: number): void {
  o.metrics.addMetric(name, MetricUnit.Count, value);
}

/**
 * Runs one invocation: every line carries the request id, cold start and `keys` (correlation ids); the handler
 * runs in its own X-Ray subsegment; an error is logged at ERROR with its stack and rethrown (so Lambda retries
 * and the Errors alarm counts it); metrics are flushed whatever happens.
 */
export async function invocation<T>(o: Observability, context: LambdaContext | undefined, keys: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
  const { logger, metrics, tracer } = o;
  logger.resetKeys();
  if (context) logger.addContext(context as unknown as Parameters<Logger["addContext"]>[0]);
  logger.appendKeys(keys);
  const segment = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
  const subsegment = segment?.addNewSubsegment(`## ${o.service}`);
  if (subsegment) {
    tracer.setSegment(subsegment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
  }
  try {
    return await run();
  } catch (e) {
    logger.error("invocation failed", e as Error);
    subsegment?.addError(e as Error);
    throw e;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    if (subsegment && segment) {
      subsegment.close();
      tracer.setSegment(segment);
    }
    logger.resetKeys();
  }
}

/** A core's `log(entry)` port written as Powertools lines: `level` picks the method (default INFO), the rest are fields. */
export function logPort(logger: Logger): (entry: object) => void {
  return (entry) => {
    const { level, message, ...fields } = entry as { level?: unknown; message?: unknown };
    const text = typeof message === "string" ? message : "log";
    switch (String(level ?? "INFO").toUpperCase()) {
      case "ERROR":
        return logger.error(text, fields);
      case "WARN":
        return logger.warn(text, fields);
      case "DEBUG":
        return logger.debug(text, fields);
      default:
        return logger.info(text, fields);
    }
  };
}

/** `Responses2xx` … `Responses5xx`: one metric per status class keeps the dimension set to `service` alone. */
export function responseMetric(statusCode: number): string {
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)
    throw new Error(`statusCode must be an HTTP status from 100 to 599, got ${JSON.stringify(statusCode)}`);
  return `Responses${Math.floor(statusCode / 100)}xx`;
}

/** The correlation ids of an HTTP API payload 2.0 request: API Gateway's request id and the authorised customer. */
export function httpKeys(event: {
  requestContext?: { requestId?: string; authorizer?: { lambda?: Readonly<Record<string, unknown>> } };
}): Record<string, unknown> {
  const customerId = event.requestContext?.authorizer?.lambda?.customerId;
  return { apiRequestId: event.requestContext?.requestId, ...(typeof customerId === "string" ? { customerId } : {}) };
}
