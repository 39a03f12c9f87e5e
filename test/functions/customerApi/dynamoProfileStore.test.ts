import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { DynamoProfileStore, profileFromItem, updateOf } from "../../../functions/profileApi/dynamoProfileStore";
import { PreconditionFailedError } from "../../../functions/profileApi/profileStore";

const TABLE = "customers-profiles";
const NOW = "2026-11-22T08:00:00.000Z";
const ITEM = {
  customerId: { S: "cust-a" },
  clientId: { S: "MTR0001" },
  name: { S: "Ana" },
  email: { S: "ana@example.com" },
  address: { M: { line1: { S: "1 A St" }, city: { S: "Leeds" }, postcode: { S: "LS1" }, country: { S: "GB" } } },
  notifications: { M: { dailyReport: { BOOL: true }, unusualUsage: { BOOL: false }, channel: { S: "email" } } },
  createdAt: { S: "2026-01-01T00:00:00.000Z" },
  updatedAt: { S: "2026-11-01T00:00:00.000Z" },
  version: { N: "4" },
  onboardingBatch: { S: "2026-01" },
};

describe("DynamoProfileStore", () => {
  let ddb: AwsClientStub<DynamoDBClient>;
  const store = new DynamoProfileStore(new DynamoDBClient({ region: "eu-west-1" }), TABLE);
  before(() => {
    ddb = mockClient(DynamoDBClient);
  });
  beforeEach(() => ddb.reset());
  after(() => ddb.restore());

  it("reads the caller's item with a strongly consistent GetItem and shows only profile attributes", async () => {
    ddb.on(GetItemCommand).resolves({ Item: ITEM });
    expect(await store.get("cust-a")).to.deep.equal({
      customerId: "cust-a",
      clientId: "MTR0001",
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-11-01T00:00:00.000Z",
      version: 4,
      name: "Ana",
      email: "ana@example.com",
      address: { line1: "1 A St", city: "Leeds", postcode: "LS1", country: "GB" },
      notifications: { dailyReport: true, unusualUsage: false, channel: "email" },
    });
    expect(ddb.commandCalls(GetItemCommand).map((c) => c.args[0].input)).to.deep.equal([
      { TableName: TABLE, Key: { customerId: { S: "cust-a" } }, ConsistentRead: true },
    ]);
  });

  it("answers undefined when there is no item", async () => {
    ddb.on(GetItemCommand).resolves({});
    expect(await store.get("cust-b")).to.equal(undefined);
  });

  it("counts an item onboarding created (no version) as version 0", () => {
    expect(profileFromItem({ customerId: { S: "cust-c" }, clientId: { S: "MTR0003" } })).to.deep.equal({
      customerId: "cust-c",
      clientId: "MTR0003",
      version: 0,
    });
  });

  it("writes a PUT as one UpdateItem that never names clientId and removes absent optional fields", async () => {
    ddb.on(UpdateItemCommand).resolves({ Attributes: { ...ITEM, version: { N: "5" } } });
    const out = await store.put("cust-a", { name: "Ana", email: "ana@example.com", tariff: "dynamic" }, NOW, { kind: "none" });
    expect(out.version).to.equal(5);
    expect(ddb.commandCalls(UpdateItemCommand).map((c) => c.args[0].input)).to.deep.equal([
      {
        TableName: TABLE,
        Key: { customerId: { S: "cust-a" } },
        UpdateExpression:
          "SET #updatedAt = :now, #createdAt = if_not_exists(#createdAt, :now), #version = if_not_exists(#version, :zero) + :one, " +
          "#name = :name, #email = :email, #tariff = :tariff REMOVE #phone, #address, #notifications",
        ConditionExpression: "attribute_not_exists(#erasedAt)",
        ExpressionAttributeNames: {
          "#updatedAt": "updatedAt",
          "#createdAt": "createdAt",
          "#version": "version",
          "#erasedAt": "erasedAt",
          "#name": "name",
          "#email": "email",
          "#phone": "phone",
          "#address": "address",
          "#tariff": "tariff",
          "#notifications": "notifications",
        },
        ExpressionAttributeValues: {
          ":now": { S: NOW },
          ":zero": { N: "0" },
          ":one": { N: "1" },
          ":name": { S: "Ana" },
          ":email": { S: "ana@example.com" },
          ":tariff": { S: "dynamic" },
        },
        ReturnValues: "ALL_NEW",
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      },
    ]);
  });

  it("marshals nested fields as maps", () => {
    const u = updateOf({ name: "A", email: "a@b.co", notifications: { dailyReport: true, unusualUsage: false, channel: "sms" }, phone: "+441632960001" }, NOW, {
      kind: "none",
    });
    expect(u.ExpressionAttributeValues[":notifications"]).to.deep.equal({
      M: { dailyReport: { BOOL: true }, unusualUsage: { BOOL: false }, channel: { S: "sms" } },
    });
    expect(u.UpdateExpression.endsWith("REMOVE #address, #tariff")).to.equal(true);
  });

  const conditions: [string, Parameters<typeof updateOf>[2], string, Record<string, unknown>][] = [
    ["no If-Match", { kind: "none" }, "attribute_not_exists(#erasedAt)", {}],
    ["If-Match *", { kind: "exists" }, "attribute_not_exists(#erasedAt) AND attribute_exists(#customerId)", {}],
    [
      'If-Match "0" (onboarding\'s item)',
      { kind: "version", version: 0 },
      "attribute_not_exists(#erasedAt) AND attribute_exists(#customerId) AND attribute_not_exists(#version)",
      {},
    ],
    ['If-Match "4"', { kind: "version", version: 4 }, "attribute_not_exists(#erasedAt) AND #version = :expected", { ":expected": { N: "4" } }],
  ];
  for (const [label, condition, expression, values] of conditions) {
    it(`conditions the write on ${label}`, () => {
      const u = updateOf({ name: "A", email: "a@b.co" }, NOW, condition);
      expect(u.ConditionExpression).to.equal(expression);
      expect(u.ExpressionAttributeValues).to.deep.include(values);
      if (expression.includes("#customerId")) expect(u.ExpressionAttributeNames["#customerId"]).to.equal("customerId");
    });
  }

  it("turns a failed condition into PreconditionFailedError carrying the current item", async () => {
    ddb.on(UpdateItemCommand).rejects(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {}, Item: ITEM }));
    let error: unknown;
    try {
      await store.put("cust-a", { name: "A", email: "a@b.co" }, NOW, { kind: "version", version: 3 });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(PreconditionFailedError);
    expect([(error as PreconditionFailedError).message, (error as PreconditionFailedError).current?.version]).to.deep.equal(["profile is at version 4", 4]);
  });

  it("refuses to write over an erased account's tombstone, and reads it as no profile", async () => {
    const tombstone = { customerId: { S: "cust-e" }, erasedAt: { S: NOW }, expiresAtEpoch: { N: "1800000000" } };
    ddb.on(UpdateItemCommand).rejects(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {}, Item: tombstone }));
    ddb.on(GetItemCommand).resolves({ Item: tombstone });
    const error = await store.put("cust-e", { name: "A", email: "a@b.co" }, NOW, { kind: "none" }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect([error?.name, error?.message, await store.get("cust-e")]).to.deep.equal(["ProfileErasedError", "this account was erased", undefined]);
  });

  it("reports a write that another request's transaction held at the same moment as busy (a retry can succeed)", async () => {
    ddb.on(UpdateItemCommand).rejects(Object.assign(new Error("Transaction is ongoing for the item"), { name: "TransactionConflictException" }));
    const e = await store.put("cust-a", { name: "A", email: "a@b.co" }, NOW, { kind: "none" }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect([e?.name, e?.message]).to.deep.equal(["ProfileBusyError", "the profile is being changed by another request"]);
  });

  it("reports a failed condition on a missing item as 'there is no profile yet'", async () => {
    ddb.on(UpdateItemCommand).rejects(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} }));
    let message = "";
    try {
      await store.put("cust-z", { name: "A", email: "a@b.co" }, NOW, { kind: "exists" });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.equal("there is no profile yet");
  });

  it("lets other DynamoDB errors through", async () => {
    ddb.on(UpdateItemCommand).rejects(new Error("ProvisionedThroughputExceededException"));
    let message = "";
    try {
      await store.put("cust-a", { name: "A", email: "a@b.co" }, NOW, { kind: "none" });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.equal("ProvisionedThroughputExceededException");
  });
});
