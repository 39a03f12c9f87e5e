import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { MemoryAllowList, decideProvisioning } from "../../../functions/provisioningHook/decide";
import { DynamoAllowList } from "../../../functions/provisioningHook/dynamoAllowList";
import { hookCore, readHookEnvironment } from "../../../functions/provisioningHook/handler";
import { DeviceKind, kindProblem, provisioningTemplateName, serialProblem } from "../../../functions/provisioningHook/serials";

describe("device serials", () => {
  const cases: [DeviceKind, unknown, string | undefined][] = [
    ["meter", "NMI6100000001", undefined],
    ["meter", "NMI61000000011", 'serial "NMI61000000011" is not a meter serial: NMI followed by 10 digits, e.g. NMI6100000001'],
    ["meter", "nmi6100000001", 'serial "nmi6100000001" is not a meter serial: NMI followed by 10 digits, e.g. NMI6100000001'],
    ["meter", "train-0001", 'serial "train-0001" is not a meter serial: NMI followed by 10 digits, e.g. NMI6100000001'],
    ["train", "train-0001", undefined],
    ["train", "train-12345678", undefined],
    ["train", "train-001", 'serial "train-001" is not a train serial: train- followed by 4 to 8 digits, e.g. train-0001'],
    ["train", "train-0001/x", 'serial "train-0001/x" is not a train serial: train- followed by 4 to 8 digits, e.g. train-0001'],
    ["train", 42, "serial 42 is not a train serial: train- followed by 4 to 8 digits, e.g. train-0001"],
    ["train", undefined, "serial undefined is not a train serial: train- followed by 4 to 8 digits, e.g. train-0001"],
  ];
  for (const [kind, serial, problem] of cases) {
    it(`${kind} ${JSON.stringify(serial)} -> ${problem ?? "valid"}`, () => {
      expect(serialProblem(kind, serial)).to.equal(problem);
    });
  }

  it("names the kinds when a kind is unknown", () => {
    expect(kindProblem("bus")).to.equal('kind "bus" is not a device kind (one of meter, train)');
    expect(kindProblem("meter")).to.equal(undefined);
  });

  it("names templates gridrail-<stack>-<kind>s and refuses a stack that cannot be part of a name", () => {
    expect(provisioningTemplateName("prod", "meter")).to.equal("gridrail-prod-meters");
    expect(provisioningTemplateName("dev", "train")).to.equal("gridrail-dev-trains");
    expect(() => provisioningTemplateName("Prod/1", "train")).to.throw('stack "Prod/1" must be 1-21 lowercase letters, digits or -, starting with a letter');
  });
});

describe("the pre-provisioning decision", () => {
  const allowList = new MemoryAllowList({ meter: ["NMI6100000001"], train: ["train-0001"] });
  const event = (parameters: unknown) => ({ certificateId: "c", clientId: "x", templateArn: "arn", parameters });
  const cases: [string, DeviceKind, unknown, { allowProvisioning: boolean; serial: string | undefined; reason?: string }][] = [
    ["an allow-listed meter", "meter", event({ SerialNumber: "NMI6100000001" }), { allowProvisioning: true, serial: "NMI6100000001" }],
    ["an allow-listed train", "train", event({ SerialNumber: "train-0001" }), { allowProvisioning: true, serial: "train-0001" }],
    [
      "a well-formed train not on the list",
      "train",
      event({ SerialNumber: "train-0002" }),
      { allowProvisioning: false, serial: "train-0002", reason: 'serial "train-0002" is not on the train allow-list' },
    ],
    [
      "a train serial sent to the meter template",
      "meter",
      event({ SerialNumber: "train-0001" }),
      {
        allowProvisioning: false,
        serial: undefined,
        reason: 'parameter SerialNumber: serial "train-0001" is not a meter serial: NMI followed by 10 digits, e.g. NMI6100000001',
      },
    ],
    ["no serial", "meter", event({ Other: "x" }), { allowProvisioning: false, serial: undefined, reason: "parameter SerialNumber is required" }],
    ["no parameters", "meter", event(undefined), { allowProvisioning: false, serial: undefined, reason: "parameter SerialNumber is required" }],
    ["not an object", "meter", "hello", { allowProvisioning: false, serial: undefined, reason: 'the hook event must be an object, got "hello"' }],
  ];
  for (const [title, kind, input, expected] of cases) {
    it(`${title}: ${expected.allowProvisioning ? "allowed" : "refused"}`, async () => {
      expect(await decideProvisioning(input, kind, allowList)).to.deep.equal(expected);
    });
  }

  it("lets a serial join once: another certificate is refused until an operator forgets it; IoT Core's retry of one request is not", async () => {
    const list = new MemoryAllowList({ train: ["train-0001"] });
    const at = (iso: string) => () => new Date(iso);
    const first = await decideProvisioning({ ...event({ SerialNumber: "train-0001" }), certificateId: "cert-a" }, "train", list, at("2026-12-01T10:00:00Z"));
    const retry = await decideProvisioning({ ...event({ SerialNumber: "train-0001" }), certificateId: "cert-a" }, "train", list, at("2026-12-01T10:00:01Z"));
    const copy = await decideProvisioning({ ...event({ SerialNumber: "train-0001" }), certificateId: "cert-b" }, "train", list, at("2026-12-02T10:00:00Z"));
    list.forget("train", "train-0001");
    const again = await decideProvisioning({ ...event({ SerialNumber: "train-0001" }), certificateId: "cert-c" }, "train", list, at("2026-12-03T10:00:00Z"));
    expect([first.allowProvisioning, retry.allowProvisioning, copy, again.allowProvisioning]).to.deep.equal([
      true,
      true,
      {
        allowProvisioning: false,
        serial: "train-0001",
        reason:
          'serial "train-0001" was provisioned at 2026-12-01T10:00:00.000Z with certificate cert-a; to provision it again, delete the allow-list item "provisioned#train-0001"',
      },
      true,
    ]);
  });

  it("answers IoT Core with allowProvisioning only, and logs the refusal's reason", async () => {
    const lines: string[] = [];
    const answer = await hookCore(event({ SerialNumber: "train-0009" }), "train", allowList, (l) => lines.push(l));
    expect(answer).to.deep.equal({ allowProvisioning: false });
    expect(lines.map((l) => JSON.parse(l))).to.deep.equal([
      { level: "WARN", kind: "train", serial: "train-0009", allowProvisioning: false, reason: 'serial "train-0009" is not on the train allow-list' },
    ]);
  });
});

describe("the hook's environment", () => {
  it("needs the kind and the table", () => {
    expect(readHookEnvironment({ DEVICE_KIND: "meter", ALLOW_LIST_TABLE: "t" })).to.deep.equal({ kind: "meter", table: "t" });
    expect(() => readHookEnvironment({ DEVICE_KIND: "meter" })).to.throw("environment variable ALLOW_LIST_TABLE must be set");
    expect(() => readHookEnvironment({ DEVICE_KIND: "bus", ALLOW_LIST_TABLE: "t" })).to.throw(
      'environment variable DEVICE_KIND: kind "bus" is not a device kind (one of meter, train)',
    );
  });
});

describe("the DynamoDB allow-list", () => {
  // mockClient patches every DynamoDBClient in the process: restore it for the files that run after this one
  let ddb: ReturnType<typeof mockClient>;
  before(() => {
    ddb = mockClient(DynamoDBClient);
  });
  afterEach(() => ddb.reset());
  after(() => ddb.restore());

  it("reads the serial's item consistently from the kind's table", async () => {
    ddb.on(GetItemCommand).resolves({ Item: { serial: { S: "train-0001" } } });
    const list = new DynamoAllowList(new DynamoDBClient({ region: "eu-west-1" }), { train: "trains-allow" });
    expect(await list.has("train", "train-0001")).to.equal(true);
    expect(ddb.commandCalls(GetItemCommand).map((c) => c.args[0].input)).to.deep.equal([
      { TableName: "trains-allow", Key: { serial: { S: "train-0001" } }, ConsistentRead: true, ProjectionExpression: "serial" },
    ]);
  });

  it("marks a serial provisioned with a conditional put of its own item, and reports the earlier mark when one exists", async () => {
    const list = new DynamoAllowList(new DynamoDBClient({ region: "eu-west-1" }), { train: "trains-allow" });
    ddb.on(PutItemCommand).resolvesOnce({});
    expect(await list.claim("train", "train-0001", "cert-a", new Date("2026-12-01T10:00:00Z"))).to.equal(undefined);
    expect(ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input)).to.deep.equal([
      {
        TableName: "trains-allow",
        Item: { serial: { S: "provisioned#train-0001" }, provisionedAt: { S: "2026-12-01T10:00:00.000Z" }, certificateId: { S: "cert-a" } },
        ConditionExpression: "attribute_not_exists(#serial)",
        ExpressionAttributeNames: { "#serial": "serial" },
      },
    ]);
    ddb.on(PutItemCommand).rejects(Object.assign(new Error("The conditional request failed"), { name: "ConditionalCheckFailedException" }));
    ddb
      .on(GetItemCommand)
      .resolves({ Item: { serial: { S: "provisioned#train-0001" }, provisionedAt: { S: "2026-12-01T10:00:00.000Z" }, certificateId: { S: "cert-a" } } });
    expect(await list.claim("train", "train-0001", "cert-b", new Date("2026-12-02T10:00:00Z"))).to.deep.equal({
      provisionedAt: "2026-12-01T10:00:00.000Z",
      certificateId: "cert-a",
    });
    expect(await list.claim("train", "train-0001", "cert-a", new Date("2026-12-02T10:00:00Z"))).to.equal(undefined);
  });

  it("refuses a serial without an item, and every serial of a kind without a table", async () => {
    ddb.on(GetItemCommand).resolves({});
    const list = new DynamoAllowList(new DynamoDBClient({ region: "eu-west-1" }), { train: "trains-allow" });
    expect(await list.has("train", "train-0002")).to.equal(false);
    expect(await list.has("meter", "NMI6100000001")).to.equal(false);
    expect(ddb.commandCalls(GetItemCommand)).to.have.length(1);
  });
});
