import { expect } from "chai";
import { IncomingMessage, Server, ServerResponse, createServer } from "http";
import { AddressInfo } from "net";
import { UnpackedFunction, unpackFunction } from "../../helpers/lambdaArchive";
import { runProgram } from "../../helpers/pulumiRecorder";

/**
 * DynamoDB GetItem and a conditional PutItem on loopback: the allow-list table holds `allowed` and what is put
 * (a put over an existing item fails its condition); records each request's input.
 */
function startAllowListTable(table: string, allowed: readonly string[], requests: unknown[]): Promise<Server> {
  const items = new Map<string, object>(allowed.map((serial) => [serial, { serial: { S: serial } }]));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const input = JSON.parse(body) as { TableName: string; Key?: { serial: { S: string } }; Item?: { serial: { S: string } } };
      const target = req.headers["x-amz-target"];
      requests.push({ target, ...input });
      const send = (status: number, answer: object) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify(answer));
      };
      if (input.TableName !== table) return send(400, { __type: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", message: "no table" });
      if (target === "DynamoDB_20120810.PutItem") {
        const key = input.Item!.serial.S;
        if (items.has(key))
          return send(400, { __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", message: "The conditional request failed" });
        items.set(key, input.Item!);
        return send(200, {});
      }
      const item = items.get(input.Key!.serial.S);
      return send(200, item ? { Item: item } : {});
    });
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

describe("the provisioning hook archive as Pulumi uploads it", function () {
  this.timeout(120_000);
  let fn: UnpackedFunction;
  let server: Server;
  const requests: unknown[] = [];

  before(async () => {
    fn = await unpackFunction(await runProgram("prod"), "trains-provisioning-hook-fn");
    server = await startAllowListTable("trains-provisioning-allow-list", ["train-0001"], requests);
  });

  after(async () => {
    await new Promise((ok) => server?.close(ok));
    fn?.remove();
  });

  it("holds only the serialized handler: the SDK comes from the runtime", () => {
    expect(fn.files.map((f) => f.name)).to.deep.equal(["__index.js"]);
  });

  it("allows an allow-listed train once and refuses an unknown or malformed serial, reading the table it is given", async () => {
    const events = [{ SerialNumber: "train-0001" }, { SerialNumber: "train-0002" }, { SerialNumber: "NMI6100000001" }].map((parameters) => ({
      claimCertificateId: "claim",
      certificateId: "cert",
      templateArn: "arn",
      clientId: "c",
      parameters,
    }));
    const { outcomes } = await fn.invoke(events, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
      DEVICE_KIND: "train",
      ALLOW_LIST_TABLE: "trains-provisioning-allow-list",
    });
    const results = outcomes.map((o) => o.ok ?? o.error);
    expect(results).to.deep.equal([{ allowProvisioning: true }, { allowProvisioning: false }, { allowProvisioning: false }]);
    // the allowed serial is marked provisioned; the malformed serial never reaches the table
    const read = (serial: string) => ({
      target: "DynamoDB_20120810.GetItem",
      TableName: "trains-provisioning-allow-list",
      Key: { serial: { S: serial } },
      ConsistentRead: true,
      ProjectionExpression: "serial",
    });
    expect(requests).to.deep.equal([
      read("train-0001"),
      {
        target: "DynamoDB_20120810.PutItem",
        TableName: "trains-provisioning-allow-list",
        Item: {
          serial: { S: "provisioned#train-0001" },
          provisionedAt: requests[1] && (requests[1] as { Item: { provisionedAt: unknown } }).Item.provisionedAt,
          certificateId: { S: "cert" },
        },
        ConditionExpression: "attribute_not_exists(#serial)",
        ExpressionAttributeNames: { "#serial": "serial" },
      },
      read("train-0002"),
    ]);
  });
});
