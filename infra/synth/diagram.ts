/**
 * Mermaid architecture diagram generated from the synthesized graph: one subgraph per component, a node per
 * architecturally meaningful resource, edges derived from the inputs that wire them (rule actions, Firehose
 * destinations, event source mappings, failed-run destinations, notifications, schedules, API integrations, Lambda environment).
 */
import { RecordedResource, Synthesis } from "./recorder";

const NODE_LABELS: Readonly<Record<string, string>> = {
  "aws:apigatewayv2/api:Api": "HTTP API",
  "aws:athena/workgroup:Workgroup": "Athena workgroup",
  "aws:cloudtrail/trail:Trail": "CloudTrail",
  "aws:cloudwatch/dashboard:Dashboard": "Dashboard",
  "aws:cognito/userPool:UserPool": "Cognito user pool",
  "aws:dynamodb/table:Table": "DynamoDB",
  "aws:glue/catalogDatabase:CatalogDatabase": "Glue database",
  "aws:iot/topicRule:TopicRule": "IoT rule",
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": "Firehose",
  "aws:kinesis/stream:Stream": "Kinesis",
  "aws:lambda/function:Function": "Lambda",
  "aws:redshift/cluster:Cluster": "Redshift",
  "aws:s3/bucket:Bucket": "S3",
  "aws:scheduler/schedule:Schedule": "Schedule",
  "aws:sns/topic:Topic": "SNS",
  "aws:sqs/queue:Queue": "SQS",
};

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
}

function nodeId(r: { type: string; name: string }): string {
  return `${r.name.replace(/[^A-Za-z0-9]/g, "_")}`;
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => strings(v, out));
  return out;
}

function get(obj: unknown, ...keys: (string | number)[]): unknown {
  let cur = obj;
  for (const k of keys) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

export function buildDiagram(synthesis: Synthesis): string {
  const byUrn = new Map(synthesis.resources.map((r) => [r.urn, r]));
  const nodes = synthesis.resources.filter((r) => NODE_LABELS[r.type] !== undefined);

  // Every identifying value of a node (ARN, id, name, URL) points back to it.
  const index = new Map<string, RecordedResource>();
  for (const n of nodes) {
    for (const k of ["arn", "id", "name", "bucket", "url", "clusterIdentifier"]) {
      const v = n.outputs[k];
      if (typeof v === "string" && v.length > 3) index.set(v, n);
    }
  }
  const arns = [...index.keys()].filter((k) => k.startsWith("arn:")).sort((a, b) => b.length - a.length);
  const resolve = (value: unknown): RecordedResource | undefined => {
    if (typeof value !== "string") return undefined;
    if (index.has(value)) return index.get(value);
    const s3 = /^s3:\/\/([^/]+)/.exec(value);
    if (s3) return index.get(s3[1]);
    const arn = arns.find((a) => value.includes(a));
    return arn ? index.get(arn) : undefined;
  };

  const edges: Edge[] = [];
  const link = (from: RecordedResource | string | undefined, to: RecordedResource | string | undefined, label?: string) => {
    if (!from || !to) return;
    const f = typeof from === "string" ? from : nodeId(from);
    const t = typeof to === "string" ? to : nodeId(to);
    if (f !== t) edges.push({ from: f, to: t, label });
  };
  const externals = new Map<string, string>();
  const external = (key: string, label: string) => {
    const id = `ext_${key}`;
    externals.set(id, label);
    return id;
  };

  for (const r of synthesis.resources) {
    const i = r.inputs;
    switch (r.type) {
      case "aws:iot/topicRule:TopicRule": {
        const sql = String(i.sql ?? "");
        if (sql.includes("'meters/")) link(external("meters_devices", "Smart meters (MQTT)"), r);
        if (sql.includes("'trains/")) link(external("train_devices", "Trains (MQTT)"), r);
        for (const k of strings(get(i, "kineses"))) link(r, resolve(k));
        for (const k of strings(get(i, "firehoses"))) link(r, resolve(k));
        for (const k of strings(get(i, "s3"))) {
          const target = resolve(k);
          if (target?.type === "aws:s3/bucket:Bucket") link(r, target, "object a reading");
        }
        break;
      }
      case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": {
        link(r, resolve(get(i, "extendedS3Configuration", "bucketArn")));
        link(r, resolve(get(i, "extendedS3Configuration", "s3BackupConfiguration", "bucketArn")), "source backup");
        for (const p of strings(get(i, "extendedS3Configuration", "processingConfiguration"))) {
          const fn = resolve(p);
          if (fn?.type === "aws:lambda/function:Function") link(r, fn, "transform");
        }
        break;
      }
      case "aws:lambda/eventSourceMapping:EventSourceMapping":
        link(resolve(i.eventSourceArn), resolve(i.functionName));
        link(resolve(i.functionName), resolve(get(i, "destinationConfig", "onFailure", "destinationArn")), "on failure");
        break;
      case "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig":
        link(resolve(i.functionName), resolve(get(i, "destinationConfig", "onFailure", "destination")), "failed run");
        break;
      case "aws:s3/bucketNotification:BucketNotification": {
        const bucket = resolve(i.bucket);
        for (const q of strings(get(i, "queues"))) {
          const target = resolve(q);
          if (target?.type === "aws:sqs/queue:Queue") link(bucket, target, "object created");
        }
        if (bucket) link(external("suppliers", "Suppliers (CSV upload)"), bucket);
        break;
      }
      case "aws:scheduler/schedule:Schedule":
        link(r, resolve(get(i, "target", "arn")), String(i.scheduleExpression ?? ""));
        break;
      case "aws:apigatewayv2/integration:Integration":
        link(resolve(i.apiId), resolve(i.integrationUri));
        break;
      case "aws:apigatewayv2/authorizer:Authorizer":
        link(resolve(i.apiId), resolve(i.authorizerUri), "authorize");
        break;
      case "aws:s3/bucketReplicationConfig:BucketReplicationConfig":
        for (const d of strings(get(i, "rules"))) {
          const target = resolve(d);
          if (target?.type === "aws:s3/bucket:Bucket") link(resolve(i.bucket), target, "replicate");
        }
        break;
      case "aws:cloudtrail/trail:Trail":
        for (const s of strings(get(i, "advancedEventSelectors"))) {
          const watched = resolve(s.replace(/\/$/, ""));
          if (watched) link(watched, r, "data events");
        }
        link(r, resolve(i.s3BucketName));
        break;
      case "aws:athena/workgroup:Workgroup":
        link(r, resolve(get(i, "configuration", "resultConfiguration", "outputLocation")), "results");
        link(external("data_scientists", "Data scientists"), r);
        break;
      case "aws:glue/catalogTable:CatalogTable":
        link(resolve(i.databaseName), resolve(get(i, "storageDescriptor", "location")), String(i.name));
        break;
      case "aws:redshift/cluster:Cluster":
        link(external("data_scientists", "Data scientists"), r, "SQL (TLS)");
        break;
      case "aws:s3/bucketPolicy:BucketPolicy":
        if (String(i.policy ?? "").includes("DenyOutsideCorporateNetwork")) {
          link(external("data_scientists", "Data scientists"), resolve(i.bucket), "corporate CIDRs");
        }
        break;
      case "aws:lambda/function:Function":
        for (const v of Object.values((get(i, "environment", "variables") ?? {}) as Record<string, unknown>)) {
          const target = resolve(v);
          if (target && target !== r) link(r, target);
        }
        break;
      case "aws:cloudwatch/metricAlarm:MetricAlarm":
        for (const a of strings(i.alarmActions)) link("ext_alarms", resolve(a));
        break;
      default:
        break;
    }
  }
  if (nodes.some((n) => n.type === "aws:apigatewayv2/api:Api")) {
    for (const api of nodes.filter((n) => n.type === "aws:apigatewayv2/api:Api")) link(external("customers", "Customers"), api, "HTTPS + Cognito token");
  }
  if (edges.some((e) => e.from === "ext_alarms")) externals.set("ext_alarms", "CloudWatch alarms");

  const lines = ["flowchart LR"];
  for (const [id, label] of [...externals.entries()].sort()) lines.push(`    ${id}(["${label}"])`);
  const groups = new Map<string, RecordedResource[]>();
  for (const n of nodes) {
    let top = n;
    while (top.parentUrn && byUrn.has(top.parentUrn)) top = byUrn.get(top.parentUrn)!;
    const key = top === n ? "" : top.urn;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  for (const [urn, members] of [...groups.entries()].sort()) {
    const component = byUrn.get(urn);
    const indent = component ? "        " : "    ";
    if (component) lines.push(`    subgraph c_${nodeId(component)}["${component.type.split(":").pop()} ${component.name}"]`);
    for (const n of members) lines.push(`${indent}${nodeId(n)}["${NODE_LABELS[n.type]}<br/>${n.name}"]`);
    if (component) lines.push("    end");
  }
  const seen = new Set<string>();
  for (const e of edges) {
    const line = e.label ? `    ${e.from} -->|"${e.label.replace(/"/g, "'")}"| ${e.to}` : `    ${e.from} --> ${e.to}`;
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
  }
  return lines.join("\n");
}

export const DIAGRAM_STACK = "prod";

/** The committed diagram, relative to the project root. */
export const ARCHITECTURE_DOC = "docs/architecture.md";

/**
 * A diagram document: a short header naming the command that wrote it (`file` relative to the project root) and
 * the diagram. The committed `docs/architecture.md` also says a test keeps it current.
 */
export function renderDiagramDocument(synthesis: Synthesis, file: string = ARCHITECTURE_DOC): string {
  return [
    "# gridrail architecture",
    "",
    `Generated from the Pulumi program (stack \`${synthesis.stack}\`, ${synthesis.resources.length} resources) by`,
    `\`npm run --silent synth -- --stack ${synthesis.stack} --diagram ${file}\`.`,
    ...(file === ARCHITECTURE_DOC && synthesis.stack === DIAGRAM_STACK
      ? ["Do not edit by hand: `test/infra/diagram.test.ts` fails when this file differs from the program."]
      : []),
    "",
    "```mermaid",
    buildDiagram(synthesis),
    "```",
    "",
  ].join("\n");
}
