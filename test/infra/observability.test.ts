import { expect } from "chai";
import { countRun } from "../../functions/dailyAnalysis/handler";
import { countLoad } from "../../functions/redshiftLoader/handler";
import { METRIC_NAMESPACE } from "../../functions/shared/observability";
import { countBatch } from "../../functions/supplierParser/handler";
import { CUSTOMER_METRICS } from "../../infra/customerApi/observability";
import { SHARING_METRICS } from "../../infra/dataSharing/observability";
import { METER_METRICS } from "../../infra/meterIngestion/observability";
import { observabilityDefaults } from "../../infra/shared/defaults";
import { problemsQuery, serviceDashboardBody } from "../../infra/shared/serviceDashboard";
import { Synthesis } from "../../infra/synth/recorder";
import { STACKS, ofType, one, runProgram } from "../helpers/pulumiRecorder";

const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

/** Every `[namespace, metric, dimension, value]` line of a dashboard's metric widgets. */
function metricLines(s: Synthesis, name: string): string[][] {
  const body = JSON.parse(one(s, DASHBOARD, name).inputs.dashboardBody as string) as { widgets: { type: string; properties: { metrics?: string[][] } }[] };
  return body.widgets.filter((w) => w.type === "metric").flatMap((w) => w.properties.metrics ?? []);
}

/** A stack's outcome metrics are published under `gridrail/<stack>`: two stacks of one account stay apart. */
const outcome = (stack: string, service: string, metrics: readonly string[]) => metrics.map((m) => [`gridrail/${stack}`, m, "service", service]);
const lambda = (fn: string) => [
  ["AWS/Lambda", "Errors", "FunctionName", fn],
  ["AWS/Lambda", "Throttles", "FunctionName", fn],
];

/** The inputs every alarm of one breaching 5-minute period has, routed like every alarm of the stack. */
function onePeriodAlarm(s: Synthesis, stack: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const actions = stack === "prod" ? [one(s, "aws:sns/topic:Topic", "alerts-topic").outputs.arn] : [];
  return {
    ...inputs,
    period: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: "notBreaching",
    alarmActions: actions,
    okActions: actions,
  };
}

describe("observability: dashboards and alarms", () => {
  it("plots the metric names the handlers emit, in the namespace they emit them to", () => {
    const empty = { batchItemFailures: [], processed: [], invalidKeys: [] };
    expect(countBatch(empty).map(([n]) => n)).to.deep.equal(METER_METRICS.supplierParser);
    expect(
      countRun({
        date: "2026-11-21",
        clients: 0,
        reportsWritten: 0,
        reportsRevised: 0,
        householdRevisions: 0,
        readingsTooLate: 0,
        rejectedLines: 0,
        unusualHalfHours: 0,
        failed: [],
        skippedPrefixes: [],
      }).map(([n]) => n),
    ).to.deep.equal(METER_METRICS.dailyAnalysis);
    const report = { window: { start: "", end: "" }, listed: 0, alreadyLoaded: 0, alreadyRejected: 0, skipped: [], deferred: 0, rejected: [], loaded: [] };
    expect([...countLoad(report).map(([n]) => n), "LoadsFailed"]).to.deep.equal(SHARING_METRICS.redshiftLoader);
    expect(observabilityDefaults.metricNamespace).to.equal(METRIC_NAMESPACE);
  });

  it("queries the ERROR and WARN lines of every function of a component", () => {
    expect(problemsQuery(["/a", "/b"])).to.equal(
      "SOURCE '/a' | SOURCE '/b' | fields @timestamp, service, level, message, function_request_id | filter level = \"ERROR\" or level = \"WARN\" | sort @timestamp desc | limit 50",
    );
    const body = serviceDashboardBody({
      region: "eu-west-1",
      namespace: "gridrail",
      functions: [],
      queues: [
        { title: "Q", queueName: "q1" },
        { title: "R", queueName: "q2" },
        { title: "S", queueName: "q3" },
      ],
    });
    expect(body.widgets.map((w) => [w.x, w.y])).to.deep.equal([
      [0, 0],
      [12, 0],
      [0, 6],
      [0, 12],
    ]);
    const withRule = serviceDashboardBody({
      region: "eu-west-1",
      namespace: "gridrail/dev",
      functions: [],
      rules: [{ title: "Readings", ruleName: "gridrail_dev_r", failedMetric: "r-rule-actions-failed" }],
      queues: [{ title: "Q", queueName: "q1" }],
    });
    expect(withRule.widgets.map((w) => [w.x, w.y, (w.properties as { title: string }).title])).to.deep.equal([
      [0, 0, "Readings: messages matched, and not delivered"],
      [0, 6, "Q (DLQ depth)"],
      [0, 12, "Latest errors and warnings"],
    ]);
  });

  for (const stack of STACKS) {
    describe(`${stack} stack`, () => {
      let s: Synthesis;
      before(async () => {
        s = await runProgram(stack);
      });

      it("has a dashboard per component with each function's outcomes, errors and throttles", () => {
        expect(metricLines(s, "meters-dashboard")).to.deep.equal([
          ...outcome(stack, "supplierParser", METER_METRICS.supplierParser),
          ...lambda("meters-supplier-parser-fn"),
          ...outcome(stack, "dailyAnalysis", METER_METRICS.dailyAnalysis),
          ...lambda("meters-daily-fn"),
          ["AWS/IoT", "TopicMatch", "RuleName", `gridrail_${stack}_meters_readings`],
          [`gridrail/${stack}`, "meters-readings-rule-actions-failed"],
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "meters-supplier-dlq"],
        ]);
        expect(metricLines(s, "customers-dashboard")).to.deep.equal([
          ...outcome(stack, "authorizer", ["RequestsAllowed", "RequestsDenied"]),
          ...lambda("customers-authorizer-fn"),
          ...outcome(stack, "profileApi", ["Responses2xx", "Responses4xx", "Responses5xx", "AccountDeletionsFailed"]),
          ...lambda("customers-profile-fn"),
          ...outcome(stack, "reportUrl", CUSTOMER_METRICS.reportUrl),
          ...lambda("customers-report-url-fn"),
        ]);
        expect(metricLines(s, "sharing-dashboard")).to.deep.equal([
          ...outcome(stack, "firehoseTransform", ["RecordsTransformed", "RecordsFailed", "RowsWritten"]),
          ...lambda("sharing-share-transform-fn"),
          ...outcome(stack, "redshiftLoader", SHARING_METRICS.redshiftLoader),
          ...lambda("sharing-warehouse-loader-fn"),
          ...outcome(stack, "usageSummary", ["SummariesWritten", "SummaryFailures"]),
          ...lambda("sharing-usage-summary-fn"),
        ]);
        const body = JSON.parse(one(s, DASHBOARD, "meters-dashboard").inputs.dashboardBody as string);
        expect(body.widgets.at(-1).properties.query).to.equal(
          problemsQuery([`/gridrail/${stack}/lambda/meters-supplier-parser`, `/gridrail/${stack}/lambda/meters-daily`]),
        );
        expect(["meters-dashboard", "customers-dashboard", "sharing-dashboard"].map((n) => one(s, DASHBOARD, n).inputs.dashboardName)).to.deep.equal([
          `gridrail-${stack}-meter-ingestion`,
          `gridrail-${stack}-customer-api`,
          `gridrail-${stack}-data-sharing`,
        ]);
      });

      const alarms: [string, string, string, number, number][] = [
        ["meters-files-quarantined-alarm", "supplierParser", "FilesQuarantined", 0, 300],
        ["meters-rows-rejected-alarm", "supplierParser", "RowsRejected", 500, 3600],
        ["meters-clients-failed-alarm", "dailyAnalysis", "ClientsFailed", 0, 300],
        ["sharing-records-failed-alarm", "firehoseTransform", "RecordsFailed", 0, 300],
        ["sharing-loads-failed-alarm", "redshiftLoader", "LoadsFailed", 0, 300],
        ["sharing-objects-skipped-alarm", "redshiftLoader", "ObjectsSkipped", 0, 300],
        ["sharing-objects-rejected-alarm", "redshiftLoader", "ObjectsRejected", 0, 300],
        ["sharing-summary-failures-alarm", "usageSummary", "SummaryFailures", 0, 300],
        ["customers-denials-alarm", "authorizer", "RequestsDenied", 100, 300],
      ];
      for (const [name, service, metricName, threshold, period] of alarms) {
        it(`alarms on ${service} ${metricName} above ${threshold} per ${period} s, routed like every alarm`, () => {
          const { alarmDescription, ...inputs } = one(s, ALARM, name).inputs;
          expect(alarmDescription).to.be.a("string").and.not.equal("");
          expect(inputs).to.deep.equal({
            ...onePeriodAlarm(s, stack, { namespace: `gridrail/${stack}`, metricName, dimensions: { service }, statistic: "Sum" }),
            comparisonOperator: "GreaterThanThreshold",
            threshold,
            period,
          });
        });
      }

      it("alarms on every function's first error and first throttle: one breaching minute (a scheduled function fails three times at most, minutes apart)", () => {
        const functions = ofType(s, "aws:lambda/function:Function");
        const alarms = ofType(s, ALARM).filter((a) => a.inputs.namespace === "AWS/Lambda" && ["Errors", "Throttles"].includes(a.inputs.metricName as string));
        expect(alarms.length).to.equal(2 * functions.length);
        const actions = stack === "prod" ? [one(s, "aws:sns/topic:Topic", "alerts-topic").outputs.arn] : [];
        for (const alarm of alarms) {
          const { alarmDescription: _d, dimensions: _f, metricName, ...inputs } = alarm.inputs;
          expect([typeof metricName, inputs]).to.deep.equal([
            "string",
            {
              namespace: "AWS/Lambda",
              statistic: "Sum",
              comparisonOperator: "GreaterThanThreshold",
              threshold: 0,
              period: 60,
              evaluationPeriods: 1,
              datapointsToAlarm: 1,
              treatMissingData: "notBreaching",
              alarmActions: actions,
              okActions: actions,
            },
          ]);
        }
      });

      for (const rules of ["meters-readings", "trains", "sharing-share"]) {
        it(`counts every message ${rules}' rules failed to deliver (their error log) and alarms on any`, () => {
          const metricName = `${rules}-rule-actions-failed`;
          expect(one(s, "aws:cloudwatch/logMetricFilter:LogMetricFilter", `${rules}-rule-errors-count`).inputs).to.deep.equal({
            logGroupName: `/gridrail/${stack}/iot/${rules}-rule-errors`,
            pattern: "",
            metricTransformation: { namespace: `gridrail/${stack}`, name: metricName, value: "1", unit: "Count" },
          });
          const { alarmDescription, ...inputs } = one(s, ALARM, `${rules}-rule-errors-alarm`).inputs;
          expect(alarmDescription).to.contain(`iot/${rules}-rule-errors`);
          expect(inputs).to.deep.equal(
            onePeriodAlarm(s, stack, {
              namespace: `gridrail/${stack}`,
              metricName,
              dimensions: {},
              statistic: "Sum",
              comparisonOperator: "GreaterThanThreshold",
              threshold: 0,
            }),
          );
        });
      }

      for (const stream of ["sharing-share"]) {
        it(`alarms when ${stream}' Firehose holds a record for more than 15 minutes`, () => {
          const delivery = one(s, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", `${stream}-delivery`);
          const streamName = delivery.outputs.name;
          // with dynamic partitioning a record may wait 1.5 buffer intervals: a healthy stream never alarms
          const interval = (delivery.inputs.extendedS3Configuration as { bufferingInterval: number }).bufferingInterval;
          expect(1.5 * interval).to.be.below(900);
          const { alarmDescription, ...inputs } = one(s, ALARM, `${stream}-delivery-freshness-alarm`).inputs;
          expect(alarmDescription).to.contain("900 s");
          expect(inputs).to.deep.equal(
            onePeriodAlarm(s, stack, {
              namespace: "AWS/Firehose",
              metricName: "DeliveryToS3.DataFreshness",
              dimensions: { DeliveryStreamName: streamName },
              statistic: "Maximum",
              comparisonOperator: "GreaterThanThreshold",
              threshold: 900,
            }),
          );
        });
      }

      it("has no Firehose stream that partitions dynamically, so none can send records over a partition limit to its error prefix", () => {
        const partitioned = ofType(s, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream").filter(
          (f) => (f.inputs.extendedS3Configuration as { dynamicPartitioningConfiguration?: { enabled?: boolean } }).dynamicPartitioningConfiguration?.enabled,
        );
        expect(ofType(s, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream").map((f) => f.name)).to.deep.equal(["sharing-share-delivery"]);
        expect(partitioned.map((f) => f.name)).to.deep.equal([]);
      });

      it("exports the dashboards and the data-loss alarm names as stack outputs", () => {
        expect([s.outputs.meterDashboard, s.outputs.customerDashboard, s.outputs.sharingDashboard, s.outputs.trainDashboard]).to.deep.equal([
          `gridrail-${stack}-meter-ingestion`,
          `gridrail-${stack}-customer-api`,
          `gridrail-${stack}-data-sharing`,
          `gridrail-${stack}-train-anomalies`,
        ]);
        expect(s.outputs.dataLossAlarms).to.deep.equal([
          "meters-files-quarantined-alarm",
          "meters-rows-rejected-alarm",
          "meters-clients-failed-alarm",
          "meters-supplier-dlq-depth-alarm",
          "meters-readings-rule-errors-alarm",
          "trains-anomaly-dlq-depth-alarm",
          "trains-rule-errors-alarm",
          "sharing-records-failed-alarm",
          "sharing-loads-failed-alarm",
          "sharing-objects-skipped-alarm",
          "sharing-objects-rejected-alarm",
          "sharing-summary-failures-alarm",
          "sharing-share-delivery-freshness-alarm",
          "sharing-share-rule-errors-alarm",
        ]);
        expect(s.outputs.customerApiAlarms).to.deep.equal(["customers-denials-alarm", "customers-account-deletions-failed-alarm"]);
      });
    });
  }
});
