import { DynamoDBClient, GetItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { claimHash } from "../../../functions/meterClaim/claimCode";
import { handler, storeFromEnvironment } from "../../../functions/profileApi/handler";
import { HttpResponse } from "../../../functions/profileApi/httpApi";
import { captureOutput, emfMetrics, lambdaContext, logLines } from "../../helpers/captureOutput";
import { httpApiRequest, withAuthorizerContext } from "../../helpers/httpApiEvents";
import { ANA } from "./customers";
import { JSON_HEADERS } from "./profiles";

describe("profile API Lambda handler", () => {
  let ddb: AwsClientStub<DynamoDBClient>;
  const region = process.env.AWS_REGION;
  before(() => {
    ddb = mockClient(DynamoDBClient);
    process.env.PROFILE_TABLE = "customers-profiles";
    process.env.USER_POOL_ID = "eu-west-1_Gr1dRa1lX";
    process.env.AWS_REGION = "eu-west-1";
  });
  after(() => {
    delete process.env.PROFILE_TABLE;
    delete process.env.USER_POOL_ID;
    if (region === undefined) delete process.env.AWS_REGION;
    else process.env.AWS_REGION = region;
    ddb.restore();
  });

  it("logs a refused request at INFO with the request ids and the customer, and counts it as a 4xx", async () => {
    const event = withAuthorizerContext(httpApiRequest({ method: "PUT", path: "/profile", headers: { "content-type": "text/plain" }, body: "x" }), {
      customerId: ANA,
      tokenExpiresAt: Math.floor(Date.now() / 1000) + 60,
    });
    const { result, lines } = await captureOutput(() => handler(event, lambdaContext("req-pa-2")));

    expect(result!.statusCode).to.equal(415);
    const [line] = logLines(lines, "refused");
    expect([line.level, line.service, line.function_request_id, line.apiRequestId, line.customerId, line.status]).to.deep.equal([
      "INFO",
      "profileApi",
      "req-pa-2",
      event.requestContext.requestId,
      ANA,
      415,
    ]);
    expect(emfMetrics(lines)).to.deep.equal([{ namespace: "gridrail", dimensions: [["service"]], service: "profileApi", Responses4xx: 1 }]);
  });

  const leaks: [string, string, string, string][] = [
    [
      "a body that is not JSON (a claim code in it)",
      '{"meterId":"MTR0001","claimCode":"7K3Q-M9XD-2HFA"',
      'the body is not valid JSON: "{\\"meterId\\":\\"MTR0001\\",\\"claimCode\\":\\"7K3Q-M9XD-2HFA\\""',
      "the body is not valid JSON (49 characters, withheld from the log)",
    ],
    [
      "a profile whose phone is refused",
      JSON.stringify({ name: "Ana", email: "ana@example.com", phone: "020 555 0199" }),
      'invalid profile: phone must be an E.164 number like "+441632960001", got "020 555 0199"',
      'invalid profile: phone must be an E.164 number like "+441632960001", got (a value withheld from the log)',
    ],
  ];
  for (const [what, body, answered, logged] of leaks) {
    it(`answers the caller with the value at fault but keeps it out of the log: ${what}`, async () => {
      const event = withAuthorizerContext(httpApiRequest({ method: "PUT", path: "/profile", headers: { "content-type": "application/json" }, body }), {
        customerId: ANA,
        tokenExpiresAt: Math.floor(Date.now() / 1000) + 60,
      });
      const { result, lines } = await captureOutput(() => handler(event, lambdaContext("req-pa-3")));
      expect([result!.statusCode, JSON.parse(result!.body as string).error]).to.deep.equal([400, answered]);
      expect(logLines(lines, "refused")[0].error).to.equal(logged);
      expect(lines.join("\n")).to.not.include(body.includes("7K3Q") ? "7K3Q" : "555 0199");
    });
  }

  it("fails fast without PROFILE_TABLE", () => {
    expect(() => storeFromEnvironment({})).to.throw("environment variable PROFILE_TABLE must be set");
  });

  it("reads the caller's item from PROFILE_TABLE and answers JSON", async () => {
    ddb.reset();
    ddb
      .on(GetItemCommand)
      .resolves({ Item: { customerId: { S: ANA }, clientId: { S: "MTR0001" }, name: { S: "Ana" }, email: { S: "ana@example.com" }, version: { N: "2" } } });
    const event = withAuthorizerContext(httpApiRequest({ method: "GET", path: "/profile" }), {
      customerId: ANA,
      tokenExpiresAt: Math.floor(Date.now() / 1000) + 60,
    });
    const { result, lines } = await captureOutput(() => handler(event, lambdaContext("req-pa-1")));
    const r: HttpResponse = result!;
    expect(emfMetrics(lines)).to.deep.equal([{ namespace: "gridrail", dimensions: [["service"]], service: "profileApi", Responses2xx: 1 }]);
    expect(r).to.deep.equal({
      statusCode: 200,
      headers: { ...JSON_HEADERS, etag: '"2"' },
      body: JSON.stringify({ customerId: ANA, clientId: "MTR0001", name: "Ana", email: "ana@example.com", version: 2 }),
    });
    expect(ddb.commandCalls(GetItemCommand).map((c) => c.args[0].input.Key)).to.deep.equal([{ customerId: { S: ANA } }]);
  });

  it("writes with UpdateItem keyed by the caller", async () => {
    ddb.reset();
    ddb.on(UpdateItemCommand).resolves({ Attributes: { customerId: { S: ANA }, name: { S: "Ana" }, email: { S: "ana@example.com" }, version: { N: "1" } } });
    const event = withAuthorizerContext(
      httpApiRequest({ method: "PUT", path: "/profile", headers: { "content-type": "application/json" }, body: { name: "Ana", email: "ana@example.com" } }),
      { customerId: ANA, tokenExpiresAt: Math.floor(Date.now() / 1000) + 60 },
    );
    const r = (await captureOutput(() => handler(event))).result!;
    expect(r.statusCode).to.equal(200);
    expect(ddb.commandCalls(UpdateItemCommand).map((c) => [c.args[0].input.TableName, c.args[0].input.Key])).to.deep.equal([
      ["customers-profiles", { customerId: { S: ANA } }],
    ]);
  });

  it("routes POST /profile/meter to the claim store in PROFILE_TABLE and links in one transaction", async () => {
    ddb.reset();
    const salt = "00";
    ddb.on(GetItemCommand).resolves({});
    ddb.on(GetItemCommand, { Key: { customerId: { S: "claim#MTR0001" } } }).resolves({
      Item: {
        meterId: { S: "MTR0001" },
        salt: { S: salt },
        codeHash: { S: claimHash(salt, "7K3QM9XD2HFA") },
        issuedAt: { S: "2026-01-01T00:00:00.000Z" },
        expiresAt: { S: "2999-01-01T00:00:00.000Z" },
      },
    });
    ddb.on(TransactWriteItemsCommand).resolves({});
    const event = withAuthorizerContext(
      httpApiRequest({
        method: "POST",
        path: "/profile/meter",
        headers: { "content-type": "application/json" },
        body: { meterId: "MTR0001", claimCode: "7K3Q-M9XD-2HFA" },
      }),
      { customerId: ANA, tokenExpiresAt: Math.floor(Date.now() / 1000) + 60 },
    );
    const r = (await captureOutput(() => handler(event))).result!;
    expect([r.statusCode, JSON.parse(r.body).clientId]).to.deep.equal([200, "MTR0001"]);
    const keys = ddb.commandCalls(GetItemCommand).map((c) => c.args[0].input.Key?.customerId.S);
    expect(keys.slice(1)).to.deep.equal([ANA, "claim#MTR0001", "meter#MTR0001"]);
    expect(keys[0]).to.match(new RegExp(`^attempts#${ANA}#\\d{4}-\\d{2}-\\d{2}T\\d{2}$`));
    expect(ddb.commandCalls(TransactWriteItemsCommand).map((c) => c.args[0].input.TransactItems?.map((t) => t.Update?.TableName))).to.deep.equal([
      ["customers-profiles", "customers-profiles", "customers-profiles"],
    ]);
  });
});
