import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { ERASED_USER, LinkConflictError, StoredClaim } from "../../../functions/meterClaim/claimStore";
import { DynamoClaimStore, eraseTransaction, forgetClaimUserUpdate, linkTransaction } from "../../../functions/meterClaim/dynamoClaimStore";
import { ANA, cancelled, NOW, TABLE } from "./claims";

const CLAIM: StoredClaim = { meterId: "MTR0001", salt: "ab", codeHash: "cd", issuedAt: "2026-11-21T08:00:00.000Z", expiresAt: "2026-11-24T08:00:00.000Z" };
const CLAIM_ITEM = {
  customerId: { S: "claim#MTR0001" },
  meterId: { S: "MTR0001" },
  salt: { S: "ab" },
  codeHash: { S: "cd" },
  issuedAt: { S: "2026-11-21T08:00:00.000Z" },
  expiresAt: { S: "2026-11-24T08:00:00.000Z" },
};

describe("DynamoClaimStore", () => {
  let ddb: AwsClientStub<DynamoDBClient>;
  const client = new DynamoDBClient({ region: "eu-west-1" });
  const store = new DynamoClaimStore(client, TABLE);
  before(() => {
    ddb = mockClient(DynamoDBClient);
  });
  beforeEach(() => {
    ddb.reset();
    // no claim item unless a test says otherwise
    ddb.on(GetItemCommand).resolves({});
  });
  after(() => ddb.restore());

  it("reads a meter's claim under its key prefix with a consistent read", async () => {
    ddb.on(GetItemCommand).resolves({ Item: { ...CLAIM_ITEM, usedBy: { S: ANA }, usedAt: { S: "2026-11-22T00:00:00.000Z" } } });
    expect(await store.claim("MTR0001")).to.deep.equal({ ...CLAIM, usedBy: ANA, usedAt: "2026-11-22T00:00:00.000Z" });
    expect(ddb.commandCalls(GetItemCommand)[0].args[0].input).to.deep.equal({
      TableName: TABLE,
      Key: { customerId: { S: "claim#MTR0001" } },
      ConsistentRead: true,
    });
  });

  it("takes an attempt per customer and hour atomically, below the limit only, in an item that expires an hour after its window", async () => {
    ddb.on(GetItemCommand).resolves({ Item: { failures: { N: "3" } } });
    ddb
      .on(UpdateItemCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConditionalCheckFailedException({ message: "at the limit", $metadata: {} }));
    expect(await store.failures(ANA, NOW)).to.equal(3);
    expect([await store.takeAttempt(ANA, NOW, 5), await store.takeAttempt(ANA, NOW, 5)]).to.deep.equal([true, false]);
    expect(ddb.commandCalls(GetItemCommand)[0].args[0].input.Key).to.deep.equal({ customerId: { S: `attempts#${ANA}#2026-11-22T08` } });
    expect(ddb.commandCalls(UpdateItemCommand)[0].args[0].input).to.deep.equal({
      TableName: TABLE,
      Key: { customerId: { S: `attempts#${ANA}#2026-11-22T08` } },
      UpdateExpression: "ADD #failures :one SET #expiresAtEpoch = :expires",
      ConditionExpression: "attribute_not_exists(#failures) OR #failures < :max",
      ExpressionAttributeNames: { "#failures": "failures", "#expiresAtEpoch": "expiresAtEpoch" },
      ExpressionAttributeValues: { ":one": { N: "1" }, ":expires": { N: String(Date.parse("2026-11-22T10:00:00Z") / 1000) }, ":max": { N: "5" } },
    });
  });

  it("gives an attempt back, never below zero", async () => {
    ddb.on(UpdateItemCommand).resolves({});
    await store.returnAttempt(ANA, NOW);
    expect(ddb.commandCalls(UpdateItemCommand)[0].args[0].input).to.deep.equal({
      TableName: TABLE,
      Key: { customerId: { S: `attempts#${ANA}#2026-11-22T08` } },
      UpdateExpression: "ADD #failures :minusOne",
      ConditionExpression: "#failures > :zero",
      ExpressionAttributeNames: { "#failures": "failures" },
      ExpressionAttributeValues: { ":minusOne": { N: "-1" }, ":zero": { N: "0" } },
    });
  });

  it("links in one transaction conditioned on the claim's hash, an unused unexpired claim, an ownerless meter and an unlinked profile", async () => {
    ddb.on(TransactWriteItemsCommand).resolves({});
    await store.link(ANA, CLAIM, NOW);
    const at = NOW.toISOString();
    expect(ddb.commandCalls(TransactWriteItemsCommand)[0].args[0].input).to.deep.equal(linkTransaction(TABLE, ANA, CLAIM, NOW));
    expect(
      linkTransaction(TABLE, ANA, CLAIM, NOW).TransactItems?.map((t) => [t.Update?.Key, t.Update?.ConditionExpression, t.Update?.ExpressionAttributeValues]),
    ).to.deep.equal([
      [
        { customerId: { S: "claim#MTR0001" } },
        "#codeHash = :hash AND attribute_not_exists(#usedBy) AND #expiresAt > :now",
        { ":customer": { S: ANA }, ":now": { S: at }, ":hash": { S: "cd" } },
      ],
      // the owner item keeps the household's first day too, for the daily analysis
      [{ customerId: { S: "meter#MTR0001" } }, "attribute_not_exists(#owner)", { ":customer": { S: ANA }, ":now": { S: at }, ":from": { S: "2026-11-21" } }],
      // a claim issued before it kept a first day: the household's reports start the day it was issued
      [
        { customerId: { S: ANA } },
        "attribute_not_exists(#clientId) AND attribute_not_exists(#erasedAt)",
        { ":meter": { S: "MTR0001" }, ":from": { S: "2026-11-21" } },
      ],
    ]);
  });

  it("reads the claim's first day back as it was issued (the link needs it)", async () => {
    ddb.on(GetItemCommand).resolves({ Item: { ...CLAIM_ITEM, reportsFrom: { S: "2026-11-01" } } });
    expect(await store.claim("MTR0001")).to.deep.equal({ ...CLAIM, reportsFrom: "2026-11-01" });
  });

  it("gives the profile the claim's first day with the meter, in the same conditional update", () => {
    const update = linkTransaction(TABLE, ANA, { ...CLAIM, reportsFrom: "2026-11-20" }, NOW).TransactItems![2].Update!;
    expect([update.UpdateExpression, update.ConditionExpression, update.ExpressionAttributeNames, update.ExpressionAttributeValues]).to.deep.equal([
      "SET #clientId = :meter, #reportsFrom = :from",
      "attribute_not_exists(#clientId) AND attribute_not_exists(#erasedAt)",
      { "#clientId": "clientId", "#erasedAt": "erasedAt", "#reportsFrom": "reportsFrom" },
      { ":meter": { S: "MTR0001" }, ":from": { S: "2026-11-20" } },
    ]);
  });

  const conflicts: [string[], string][] = [
    [["ConditionalCheckFailed", "None", "None"], "claim"],
    [["None", "ConditionalCheckFailed", "None"], "meter"],
    [["None", "None", "ConditionalCheckFailed"], "profile"],
  ];
  for (const [codes, conflict] of conflicts) {
    it(`names the ${conflict} condition when the transaction is cancelled on it`, async () => {
      ddb.on(TransactWriteItemsCommand).rejects(cancelled(codes));
      const e = await store.link(ANA, CLAIM, NOW).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).to.be.instanceOf(LinkConflictError);
      expect((e as LinkConflictError).conflict).to.equal(conflict);
    });
  }

  it("reports a link that another transaction on its items cancelled (two customers with one code, a double click) as a claim conflict, and an erase as a profile conflict", async () => {
    ddb.on(TransactWriteItemsCommand).rejects(cancelled(["TransactionConflict", "None", "None"]));
    const failure = (p: Promise<void>) =>
      p.then(
        () => undefined,
        (err: unknown) => err as LinkConflictError,
      );
    const [link, erase] = [await failure(store.link(ANA, CLAIM, NOW)), await failure(store.erase(ANA, "MTR0001", NOW))];
    expect([link?.name, link?.conflict, erase?.conflict]).to.deep.equal(["LinkConflictError", "claim", "profile"]);
  });

  it("reports a link refused by an erased account's tombstone as erased", async () => {
    const reasons = [
      { Code: "None" },
      { Code: "None" },
      { Code: "ConditionalCheckFailed", Item: { customerId: { S: ANA }, erasedAt: { S: "2026-11-22T07:00:00.000Z" } } },
    ];
    ddb
      .on(TransactWriteItemsCommand)
      .rejects(new TransactionCanceledException({ message: "Transaction cancelled", $metadata: {}, CancellationReasons: reasons }));
    const e = await store.link(ANA, CLAIM, NOW).then(
      () => undefined,
      (err: unknown) => err as LinkConflictError,
    );
    expect([e?.name, e?.conflict]).to.deep.equal(["LinkConflictError", "erased"]);
  });

  it("passes on a cancellation that is neither a condition nor a conflict", async () => {
    ddb.on(TransactWriteItemsCommand).rejects(cancelled(["ThrottlingError", "None", "None"]));
    const e = await store.link(ANA, CLAIM, NOW).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((e as Error).name).to.equal("TransactionCanceledException");
  });

  it("reads a meter's owner from its owner item", async () => {
    ddb
      .on(GetItemCommand)
      .resolvesOnce({ Item: { customerId: { S: "meter#MTR0001" }, owner: { S: ANA } } })
      .resolvesOnce({});
    expect([await store.owner("MTR0001"), await store.owner("MTR0009")]).to.deep.equal([ANA, undefined]);
    expect(ddb.commandCalls(GetItemCommand).map((c) => c.args[0].input.Key)).to.deep.equal([
      { customerId: { S: "meter#MTR0001" } },
      { customerId: { S: "meter#MTR0009" } },
    ]);
  });

  const FORGET_CLAIM = {
    TableName: TABLE,
    Key: { customerId: { S: "claim#MTR0001" } },
    UpdateExpression: "SET #usedBy = :erased",
    ConditionExpression: "#usedBy = :customer",
    ExpressionAttributeNames: { "#usedBy": "usedBy" },
    ExpressionAttributeValues: { ":erased": { S: ERASED_USER }, ":customer": { S: ANA } },
  };

  it("makes the claim the customer used name no one in the erase's own transaction, only while it names them", async () => {
    ddb.on(TransactWriteItemsCommand).resolves({});
    const erasing = async (usedBy: string | undefined) => {
      ddb.reset();
      ddb.on(TransactWriteItemsCommand).resolves({});
      ddb.on(GetItemCommand).resolves({ Item: usedBy === undefined ? CLAIM_ITEM : { ...CLAIM_ITEM, usedBy: { S: usedBy } } });
      await store.erase(ANA, "MTR0001", NOW);
      const items = ddb.commandCalls(TransactWriteItemsCommand)[0].args[0].input.TransactItems ?? [];
      return { updates: ddb.commandCalls(UpdateItemCommand).length, parts: items.map((i) => Object.keys(i)[0]), last: items[items.length - 1] };
    };
    const ana = await erasing(ANA);
    expect(ana).to.deep.equal({ updates: 0, parts: ["Put", "Delete", "Update"], last: { Update: FORGET_CLAIM } });
    // reissued to someone else since, or never used (a profile linked before claims): the claim is left alone
    expect((await erasing("ben")).parts).to.deep.equal(["Put", "Delete"]);
    expect((await erasing(undefined)).parts).to.deep.equal(["Put", "Delete"]);
    expect(ddb.commandCalls(GetItemCommand)[0].args[0].input).to.deep.equal({
      TableName: TABLE,
      Key: { customerId: { S: "claim#MTR0001" } },
      ConsistentRead: true,
    });
  });

  it("changes nothing, claim included, when the erase's transaction fails, so a retry does it all", async () => {
    ddb.on(GetItemCommand).resolves({ Item: { ...CLAIM_ITEM, usedBy: { S: ANA } } });
    // the claim reissued between the read and the transaction: its condition fails with the rest
    ddb.on(TransactWriteItemsCommand).rejects(cancelled(["None", "None", "ConditionalCheckFailed"]));
    const e = await store.erase(ANA, "MTR0001", NOW).then(
      () => undefined,
      (err: unknown) => err as LinkConflictError,
    );
    expect([e?.name, e?.conflict]).to.deep.equal(["LinkConflictError", "profile"]);
    expect(ddb.commandCalls(UpdateItemCommand)).to.have.length(0);
    expect(forgetClaimUserUpdate(TABLE, ANA, "MTR0001")).to.deep.equal(FORGET_CLAIM);
  });

  it("reads and updates no claim when erasing a profile without a meter", async () => {
    ddb.on(TransactWriteItemsCommand).resolves({});
    await store.erase(ANA, undefined, NOW);
    expect(ddb.commandCalls(GetItemCommand)).to.have.length(0);
    expect(ddb.commandCalls(TransactWriteItemsCommand)[0].args[0].input.TransactItems).to.have.length(1);
  });

  it("replaces the profile still on its meter by a tombstone that expires and deletes the meter's owner item, in one transaction", async () => {
    ddb.on(TransactWriteItemsCommand).resolves({});
    await store.erase(ANA, "MTR0001", new Date("2026-12-04T10:00:00Z"));
    expect(ddb.commandCalls(TransactWriteItemsCommand)[0].args[0].input).to.deep.equal({
      TransactItems: [
        {
          Put: {
            TableName: TABLE,
            Item: { customerId: { S: ANA }, erasedAt: { S: "2026-12-04T10:00:00.000Z" }, expiresAtEpoch: { N: String(Date.UTC(2026, 11, 5, 10) / 1000) } },
            ConditionExpression: "#clientId = :meter",
            ExpressionAttributeNames: { "#clientId": "clientId" },
            ExpressionAttributeValues: { ":meter": { S: "MTR0001" } },
          },
        },
        {
          Delete: {
            TableName: TABLE,
            Key: { customerId: { S: "meter#MTR0001" } },
            ConditionExpression: "attribute_not_exists(#owner) OR #owner = :customer",
            ExpressionAttributeNames: { "#owner": "owner" },
            ExpressionAttributeValues: { ":customer": { S: ANA } },
          },
        },
      ],
    });
  });

  it("erases a profile without a meter only while it still has none", () => {
    expect(eraseTransaction(TABLE, ANA, undefined, new Date("2026-12-04T10:00:00Z"))).to.deep.equal({
      TransactItems: [
        {
          Put: {
            TableName: TABLE,
            Item: { customerId: { S: ANA }, erasedAt: { S: "2026-12-04T10:00:00.000Z" }, expiresAtEpoch: { N: String(Date.UTC(2026, 11, 5, 10) / 1000) } },
            ConditionExpression: "attribute_not_exists(#clientId)",
            ExpressionAttributeNames: { "#clientId": "clientId" },
          },
        },
      ],
    });
  });

  it("reports an erase whose profile changed meanwhile as a profile conflict", async () => {
    ddb.on(TransactWriteItemsCommand).rejects(cancelled(["ConditionalCheckFailed", "None"]));
    const e = await store.erase(ANA, "MTR0001", new Date()).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect([(e as LinkConflictError).name, (e as LinkConflictError).conflict]).to.deep.equal(["LinkConflictError", "profile"]);
  });
});
