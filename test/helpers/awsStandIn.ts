/**
 * One loopback HTTP server standing in for the three AWS APIs the train anomaly Lambda calls, speaking their
 * wire protocols so the real SDK clients work against it (point them here with AWS_ENDPOINT_URL):
 * - DynamoDB (JSON 1.0, X-Amz-Target DynamoDB_20120810.GetItem / PutItem) with the two condition
 *   expressions the checkpoint store uses and a projection of named attributes (logged as `GetItem #name`);
 *   anything else is a ValidationException;
 * - SQS (JSON 1.0, AmazonSQS.SendMessageBatch), with the MD5 of each body the SDK checks;
 * - the IoT data plane (shadows, named-shadow list; Publish is recorded in `published`, no broker), served by
 *   local/iot/dataPlaneServer over a ShadowService.
 * It binds 127.0.0.1 on an ephemeral port; always `close()` it.
 */
import { createHash, randomUUID } from "crypto";
import { createServer, IncomingMessage, Server, ServerResponse } from "http";
import { AddressInfo } from "net";
import { PublishedMessage, handleDataPlaneRequest } from "../../local/iot/dataPlaneServer";
import { ShadowService } from "../../local/iot/shadowService";

type Item = Record<string, Record<string, string>>;

export interface AwsStandIn {
  readonly endpoint: string;
  readonly tables: Map<string, Map<string, Item>>;
  readonly queues: Map<string, string[]>;
  readonly shadows: ShadowService;
  /** Messages the data plane's Publish received: topic and UTF-8 payload. */
  readonly published: { topic: string; payload: string }[];
  /** Every request: service and operation, e.g. "dynamodb PutItem", "iot GetThingShadow train-1~anomaly". */
  readonly calls: string[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const headers: Record<string, string> = { "content-type": "application/x-amz-json-1.0" };
  if (errorType) headers["x-amzn-errortype"] = errorType;
  res.writeHead(status, headers);
  res.end(JSON.stringify(body));
}

function dynamoError(res: ServerResponse, type: string, message: string): void {
  send(res, 400, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
}

function dynamo(stand: AwsStandIn, op: string, req: Record<string, unknown>, res: ServerResponse): void {
  const table = stand.tables.get(req.TableName as string) ?? new Map<string, Item>();
  stand.tables.set(req.TableName as string, table);
  const keyOf = (item: Item) => `${item.trainId?.S}/${item.detector?.S}`;
  if (op === "GetItem") {
    const item = table.get(keyOf(req.Key as Item));
    const projection = req.ProjectionExpression as string | undefined;
    if (item === undefined || projection === undefined) return send(res, 200, item ? { Item: item } : {});
    const names = (req.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const wanted = projection.split(",").map((p) => names[p.trim()] ?? p.trim());
    return send(res, 200, { Item: Object.fromEntries(Object.entries(item).filter(([name]) => wanted.includes(name))) });
  }
  if (op !== "PutItem") return dynamoError(res, "ValidationException", `the stand-in does not implement ${op}`);
  const item = req.Item as Item;
  const names = (req.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (req.ExpressionAttributeValues ?? {}) as Item;
  const current = table.get(keyOf(item));
  const condition = req.ConditionExpression as string | undefined;
  let ok = true;
  let m: RegExpExecArray | null;
  if (condition === undefined) ok = true;
  else if ((m = /^attribute_not_exists\((#\w+)\)$/.exec(condition))) ok = current?.[names[m[1]]] === undefined;
  else if ((m = /^(#\w+) = (:\w+)$/.exec(condition))) ok = current?.[names[m[1]]]?.N !== undefined && current[names[m[1]]].N === values[m[2]]?.N;
  else return dynamoError(res, "ValidationException", `the stand-in does not understand ${condition}`);
  if (!ok) return dynamoError(res, "ConditionalCheckFailedException", "The conditional request failed");
  table.set(keyOf(item), item);
  return send(res, 200, {});
}

function sqs(stand: AwsStandIn, op: string, req: Record<string, unknown>, res: ServerResponse): void {
  if (op !== "SendMessageBatch") return send(res, 400, { __type: "com.amazonaws.sqs#InvalidAction", message: op }, "InvalidAction");
  const queue = stand.queues.get(req.QueueUrl as string) ?? [];
  stand.queues.set(req.QueueUrl as string, queue);
  const entries = req.Entries as { Id: string; MessageBody: string }[];
  const Successful = entries.map((e) => {
    queue.push(e.MessageBody);
    return { Id: e.Id, MessageId: randomUUID(), MD5OfMessageBody: createHash("md5").update(e.MessageBody).digest("hex") };
  });
  return send(res, 200, { Successful, Failed: [] });
}

function iot(stand: AwsStandIn, req: IncomingMessage, body: string, res: ServerResponse): void {
  const calls: string[] = [];
  const onPublish = (m: PublishedMessage) => stand.published.push({ topic: m.topic, payload: m.payload.toString("utf8") });
  const handled = handleDataPlaneRequest({ shadows: stand.shadows, calls, onPublish }, req, Buffer.from(body, "utf8"), res);
  stand.calls.push(...calls.map((c) => `iot ${c}`));
  if (!handled) send(res, 404, { message: `no route ${req.url}` }, "ResourceNotFoundException");
}

export async function startAwsStandIn(shadows = new ShadowService()): Promise<AwsStandIn> {
  const stand = {
    endpoint: "",
    tables: new Map(),
    queues: new Map(),
    shadows,
    published: [],
    calls: [] as string[],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  } as AwsStandIn & { endpoint: string };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const target = req.headers["x-amz-target"] as string | undefined;
      if (!target) return iot(stand, req, body, res);
      const [service, op] = target.split(".");
      const request = JSON.parse(body) as Record<string, unknown>;
      const projected = typeof request.ProjectionExpression === "string" ? ` ${request.ProjectionExpression}` : "";
      stand.calls.push(`${service.startsWith("DynamoDB") ? "dynamodb" : "sqs"} ${op}${projected}`);
      if (service.startsWith("DynamoDB")) return dynamo(stand, op, request, res);
      return sqs(stand, op, request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stand.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stand;
}
