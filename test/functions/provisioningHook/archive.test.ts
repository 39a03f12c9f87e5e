import { expect } from "chai";
import { execFile } from "child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { IncomingMessage, Server, ServerResponse, createServer } from "http";
import { AddressInfo } from "net";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { ArchiveFile, archiveFiles, writeArchive } from "../../../infra/shared/callbackArchive";
import { one, runProgram } from "../../helpers/pulumiRecorder";

/** What Lambda's Node.js runtime does with `__index.handler`: load the file, call the export on each event. */
const INVOKE = `const { handler } = require("./task/__index.js");
(async () => {
  for (const e of process.argv.slice(2)) process.stdout.write("RESULT " + JSON.stringify(await handler(JSON.parse(e))) + "\\n");
})().catch((e) => { process.stderr.write(require("util").inspect(e)); process.exit(1); });
`;

/** DynamoDB GetItem on loopback: the allow-list table holds `allowed`; records each request's input. */
function startAllowListTable(table: string, allowed: readonly string[], requests: unknown[]): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const input = JSON.parse(body) as { TableName: string; Key: { serial: { S: string } } };
      requests.push({ target: req.headers["x-amz-target"], ...input });
      const hit = input.TableName === table && allowed.includes(input.Key.serial.S);
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
      res.end(JSON.stringify(hit ? { Item: { serial: { S: input.Key.serial.S } } } : {}));
    });
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

describe("the provisioning hook archive as Pulumi uploads it", function () {
  this.timeout(120_000);
  let files: ArchiveFile[];
  let dir: string;
  let server: Server;
  const requests: unknown[] = [];

  before(async () => {
    const fn = one(await runProgram("prod"), "aws:lambda/function:Function", "trains-provisioning-hook-fn");
    files = await archiveFiles(fn.inputs.code);
    dir = mkdtempSync(join(tmpdir(), "gridrail-hook-"));
    writeArchive(files, join(dir, "task"));
    // Lambda's Node.js runtime ships the SDK on NODE_PATH; nothing else of this project is reachable from /tmp
    mkdirSync(join(dir, "runtime"));
    symlinkSync(resolve("node_modules/@aws-sdk"), join(dir, "runtime", "@aws-sdk"), "dir");
    writeFileSync(join(dir, "invoke.js"), INVOKE);
    server = await startAllowListTable("trains-provisioning-allow-list", ["train-0001"], requests);
  });

  after(async () => {
    await new Promise((ok) => server?.close(ok));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("holds only the serialized handler: the SDK comes from the runtime", () => {
    expect(files.map((f) => f.name)).to.deep.equal(["__index.js"]);
  });

  it("allows an allow-listed train and refuses an unknown or malformed serial, reading the table it is given", async () => {
    const events = [{ SerialNumber: "train-0001" }, { SerialNumber: "train-0002" }, { SerialNumber: "NMI6100000001" }].map((parameters) =>
      JSON.stringify({ claimCertificateId: "claim", certificateId: "cert", templateArn: "arn", clientId: "c", parameters }),
    );
    const env = {
      PATH: process.env.PATH ?? "",
      NODE_PATH: join(dir, "runtime"),
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKIDLOOPBACK",
      AWS_SECRET_ACCESS_KEY: "loopback",
      AWS_CONFIG_FILE: join(dir, "no-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      DEVICE_KIND: "train",
      ALLOW_LIST_TABLE: "trains-provisioning-allow-list",
    };
    const stdout = await new Promise<string>((ok, fail) =>
      execFile(process.execPath, [join(dir, "invoke.js"), ...events], { cwd: dir, env }, (err, out, errOut) =>
        err ? fail(new Error(`${err.message}\n${errOut}`)) : ok(out),
      ),
    );
    const results = stdout
      .split("\n")
      .filter((l) => l.startsWith("RESULT "))
      .map((l) => JSON.parse(l.slice(7)));
    expect(results).to.deep.equal([{ allowProvisioning: true }, { allowProvisioning: false }, { allowProvisioning: false }]);
    // the malformed serial never reaches the table
    expect(requests).to.deep.equal(
      ["train-0001", "train-0002"].map((serial) => ({
        target: "DynamoDB_20120810.GetItem",
        TableName: "trains-provisioning-allow-list",
        Key: { serial: { S: serial } },
        ConsistentRead: true,
        ProjectionExpression: "serial",
      })),
    );
  });
});
