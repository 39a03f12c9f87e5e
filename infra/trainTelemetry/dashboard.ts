/** Pure builder of the CloudWatch dashboard body: the real-time view of train anomalies. */

export interface DashboardRefs {
  readonly region: string;
  readonly streamName: string;
  readonly functionName: string;
  readonly dlqName: string;
  readonly logGroupName: string;
  readonly metricNamespace: string;
}

type Widget = Record<string, unknown>;

function metricWidget(title: string, x: number, y: number, metrics: unknown[], region: string, stat = "Sum"): Widget {
  return {
    type: "metric",
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, view: "timeSeries", region, stat, period: 60, metrics },
  };
}

export function trainDashboardBody(r: DashboardRefs): { widgets: Widget[] } {
  // a namespace with characters other than letters and digits is quoted in a search's schema
  const search = (metric: string, stat: string) => `SEARCH('{"${r.metricNamespace}",TrainId} MetricName="${metric}"', '${stat}', 60)`;
  return {
    widgets: [
      metricWidget("Anomalies per train", 0, 0, [[{ expression: search("AnomalyCount", "Sum"), id: "anomalies" }]], r.region),
      metricWidget("Highest anomaly score per train", 12, 0, [[{ expression: search("AnomalyScore", "Maximum"), id: "scores" }]], r.region, "Maximum"),
      metricWidget("Telemetry records in", 0, 6, [["AWS/Kinesis", "IncomingRecords", "StreamName", r.streamName]], r.region),
      metricWidget("Consumer lag (iterator age, ms)", 12, 6, [["AWS/Lambda", "IteratorAge", "FunctionName", r.functionName]], r.region, "Maximum"),
      metricWidget(
        "Consumer errors and throttles",
        0,
        12,
        [
          ["AWS/Lambda", "Errors", "FunctionName", r.functionName],
          ["AWS/Lambda", "Throttles", "FunctionName", r.functionName],
        ],
        r.region,
      ),
      metricWidget("Batches given up on (DLQ depth)", 12, 12, [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", r.dlqName]], r.region, "Maximum"),
      {
        type: "log",
        x: 0,
        y: 18,
        width: 24,
        height: 6,
        properties: {
          title: "Latest anomalies",
          region: r.region,
          view: "table",
          query: `SOURCE '${r.logGroupName}' | fields @timestamp, trainId, score, detector | filter anomaly = 1 | sort @timestamp desc | limit 50`,
        },
      },
      {
        type: "log",
        x: 0,
        y: 24,
        width: 24,
        height: 6,
        properties: {
          title: "Latest sensor faults (a sensor outside its bounds, estimated meanwhile)",
          region: r.region,
          view: "table",
          query: `SOURCE '${r.logGroupName}' | fields @timestamp, trainId, episode, text | filter message like /^sensor fault / | sort @timestamp desc | limit 50`,
        },
      },
    ],
  };
}
