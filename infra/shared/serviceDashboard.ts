/**
 * Pure builder of a component's CloudWatch dashboard: per function a row with its outcome metrics (the EMF
 * metrics the handlers publish in `namespace` with the single dimension `service`) and its Lambda errors and
 * throttles; then its IoT rules' matched and undelivered messages; then its dead-letter queues' depth; then the
 * latest ERROR and WARN lines of its functions.
 */
export interface FunctionPanel {
  /** Heading of the row, e.g. "Supplier parser". */
  readonly title: string;
  /** The Powertools service name the handler logs and counts under (functions/shared/observability). */
  readonly service: string;
  readonly functionName: string;
  readonly logGroupName: string;
  /** Outcome metric names, plotted as sums per 5 minutes. */
  readonly metrics: readonly string[];
}

export interface QueuePanel {
  readonly title: string;
  readonly queueName: string;
}

export interface RulePanel {
  readonly title: string;
  /** The rule's name, as AWS/IoT's `TopicMatch` metric carries it. */
  readonly ruleName: string;
  /** The metric in `namespace` counting the messages its actions failed to deliver (its error log's events). */
  readonly failedMetric: string;
}

export interface ServiceDashboardSpec {
  readonly region: string;
  readonly namespace: string;
  readonly functions: readonly FunctionPanel[];
  /** IoT rules whose messages the component depends on. Default none. */
  readonly rules?: readonly RulePanel[];
  /** Dead-letter queues whose depth means records a human must look at. Default none. */
  readonly queues?: readonly QueuePanel[];
}

type Widget = Record<string, unknown>;

/** 5 minutes: the handlers flush once per invocation, and the scheduled ones run hourly or daily. */
export const DASHBOARD_PERIOD_SECONDS = 300;

function metricWidget(title: string, x: number, y: number, metrics: unknown[], region: string, stat = "Sum"): Widget {
  return {
    type: "metric",
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, view: "timeSeries", region, stat, period: DASHBOARD_PERIOD_SECONDS, metrics },
  };
}

/** The Logs Insights query of the problems panel: ERROR and WARN lines of every function, newest first. */
export function problemsQuery(logGroupNames: readonly string[]): string {
  const sources = logGroupNames.map((g) => `SOURCE '${g}'`).join(" | ");
  return `${sources} | fields @timestamp, service, level, message, function_request_id | filter level = "ERROR" or level = "WARN" | sort @timestamp desc | limit 50`;
}

export function serviceDashboardBody(spec: ServiceDashboardSpec): { widgets: Widget[] } {
  const widgets: Widget[] = [];
  let y = 0;
  for (const f of spec.functions) {
    widgets.push(
      metricWidget(
        `${f.title}: outcomes`,
        0,
        y,
        f.metrics.map((m) => [spec.namespace, m, "service", f.service]),
        spec.region,
      ),
    );
    widgets.push(
      metricWidget(
        `${f.title}: errors and throttles`,
        12,
        y,
        [
          ["AWS/Lambda", "Errors", "FunctionName", f.functionName],
          ["AWS/Lambda", "Throttles", "FunctionName", f.functionName],
        ],
        spec.region,
      ),
    );
    y += 6;
  }
  for (const r of spec.rules ?? []) {
    widgets.push(
      metricWidget(
        `${r.title}: messages matched, and not delivered`,
        0,
        y,
        [
          ["AWS/IoT", "TopicMatch", "RuleName", r.ruleName],
          [spec.namespace, r.failedMetric],
        ],
        spec.region,
      ),
    );
    y += 6;
  }
  (spec.queues ?? []).forEach((q, i) => {
    widgets.push(
      metricWidget(
        `${q.title} (DLQ depth)`,
        (i % 2) * 12,
        y + Math.floor(i / 2) * 6,
        [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q.queueName]],
        spec.region,
        "Maximum",
      ),
    );
  });
  y += Math.ceil((spec.queues ?? []).length / 2) * 6;
  widgets.push({
    type: "log",
    x: 0,
    y,
    width: 24,
    height: 6,
    properties: { title: "Latest errors and warnings", region: spec.region, view: "table", query: problemsQuery(spec.functions.map((f) => f.logGroupName)) },
  });
  return { widgets };
}
