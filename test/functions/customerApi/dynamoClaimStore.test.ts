import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { Writable } from "stream";
import { runClaims } from "../../../cli/claims";
import { claimHash } from "../../../functions/meterClaim/claimCode";
import { issueClaim, revokeClaim, unlinkMeter } from "../../../functions/meterClaim/claimAdmin";
import { ERASED_USER, LinkConflictError, StoredClaim } from "../../../functions/meterClaim/claimStore";
import { DynamoClaimStore, eraseTransaction, forgetClaimUserUpdate, linkTransaction } from "../../../functions/meterClaim/dynamoClaimStore";

const TABLE = "customers-profiles";
const NOW = new Date("2026-11-22T08:30:00.000Z");
const ANA = "0a1b2c3d-0000-4000-8000-00000000a0a0";
const CLAIM: StoredClaim = { meterId: "MTR0001", salt: "ab", codeHash: "cd", issuedAt: "2026-11-21T08:00:00.000Z", expiresAt: "2026-11-24T08:00:00.000Z" };
const CLAIM_ITEM = {
  customerId: { S: "claim#MTR0001" },
  meterId: { S: "MTR0001" },
  salt: { S: "ab" },
  codeHash: { S: "cd" },
  issuedAt: { S: "2026-11-21T08:00:00.000Z" },
  expiresAt: { S: "2026-11-24T08:00:00.000Z" },
};
// 12 code symbols then 16 salt bytes
const RANDOM = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (n === 12 ? [7, 20, 3, 23, 19, 9, 29, 13, 2, 17, 15, 10][i] : i)));

function cancelled(codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({ message: "Transaction cancelled", $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
}

describe("DynamoClaimStore", () => {
  let ddb: AwsClientStub<DynamoDBClient>;
  const client = new DynamoDBClient({ region: "eu-west-1" });
  const store = new DynamoClaimStore(client, TABLE);
  before(() => {
    ddb = mockClient(DynamoDBClient);
  });
  beforeEach(() => ddb.reset());
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
      [{ customerId: { S: "meter#MTR0001" } }, "attribute_not_exists(#owner)", { ":customer": { S: ANA }, ":now": { S: at } }],
      [{ customerId: { S: ANA } }, "attribute_not_exists(#clientId) AND attribute_not_exists(#erasedAt)", { ":meter": { S: "MTR0001" } }],
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

  it("first makes the claim the customer used name no one, and goes on when it names someone else or nobody", async () => {
    ddb.on(TransactWriteItemsCommand).resolves({});
    ddb.on(UpdateItemCommand).rejectsOnce(Object.assign(new Error("The conditional request failed"), { name: "ConditionalCheckFailedException" }));
    await store.erase(ANA, "MTR0001", NOW);
    expect(ddb.commandCalls(UpdateItemCommand).map((c) => c.args[0].input)).to.deep.equal([
      {
        TableName: TABLE,
        Key: { customerId: { S: "claim#MTR0001" } },
        UpdateExpression: "SET #usedBy = :erased",
        ConditionExpression: "#usedBy = :customer",
        ExpressionAttributeNames: { "#usedBy": "usedBy" },
        ExpressionAttributeValues: { ":erased": { S: "erased" }, ":customer": { S: ANA } },
      },
    ]);
    expect(ddb.commandCalls(TransactWriteItemsCommand)).to.have.length(1);
    expect(forgetClaimUserUpdate(TABLE, ANA, "MTR0001").ExpressionAttributeValues).to.deep.equal({ ":erased": { S: ERASED_USER }, ":customer": { S: ANA } });
  });

  it("erases nothing when the claim cannot be updated for another reason, so a retry does it all", async () => {
    ddb.on(UpdateItemCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ProvisionedThroughputExceededException" }));
    const e = await store.erase(ANA, "MTR0001", NOW).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(e?.name).to.equal("ProvisionedThroughputExceededException");
    expect(ddb.commandCalls(TransactWriteItemsCommand)).to.have.length(0);
  });

  it("updates no claim when erasing a profile without a meter", async () => {
    ddb.on(TransactWriteItemsCommand).resolves({});
    await store.erase(ANA, undefined, NOW);
    expect(ddb.commandCalls(UpdateItemCommand)).to.have.length(0);
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

  describe("operator commands", () => {
    it("issues a code, stores only its salted hash with the expiry, and prints the code once", async () => {
      ddb.on(PutItemCommand).resolves({});
      const issued = await issueClaim(client, TABLE, "MTR0001", 72, NOW, RANDOM);
      expect(issued).to.deep.equal({ meterId: "MTR0001", claimCode: "7M3Q-K9XD-2HFA", expiresAt: "2026-11-25T08:30:00.000Z" });
      const salt = "000102030405060708090a0b0c0d0e0f";
      expect(ddb.commandCalls(PutItemCommand)[0].args[0].input).to.deep.equal({
        TableName: TABLE,
        Item: {
          customerId: { S: "claim#MTR0001" },
          meterId: { S: "MTR0001" },
          salt: { S: salt },
          codeHash: { S: claimHash(salt, "7M3QK9XD2HFA") },
          issuedAt: { S: NOW.toISOString() },
          expiresAt: { S: "2026-11-25T08:30:00.000Z" },
        },
      });
    });

    it("revokes only an unused claim, and says so when there is none", async () => {
      ddb
        .on(DeleteItemCommand)
        .resolvesOnce({})
        .rejects(new ConditionalCheckFailedException({ message: "failed", $metadata: {} }));
      await revokeClaim(client, TABLE, "MTR0001");
      expect(ddb.commandCalls(DeleteItemCommand)[0].args[0].input).to.deep.equal({
        TableName: TABLE,
        Key: { customerId: { S: "claim#MTR0001" } },
        ConditionExpression: "attribute_exists(#codeHash) AND attribute_not_exists(#usedBy)",
        ExpressionAttributeNames: { "#codeHash": "codeHash", "#usedBy": "usedBy" },
      });
      const e = await revokeClaim(client, TABLE, "MTR0001").then(
        () => undefined,
        (err: unknown) => err,
      );
      expect((e as Error).message).to.equal('meter "MTR0001" has no unused claim to revoke (never issued, already used or revoked)');
    });

    it("refuses a meter id that could name another key, before any call", async () => {
      const e = await issueClaim(client, TABLE, "MTR#1", 72, NOW).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect((e as Error).message).to.equal('meter id must be 1-64 letters, digits, - or _, got "MTR#1"');
      expect(ddb.calls()).to.have.length(0);
    });

    const sink = () => {
      const chunks: string[] = [];
      return {
        chunks,
        out: new Writable({
          write(c, _e, cb) {
            chunks.push(String(c));
            cb();
          },
        }),
      };
    };

    it("`claims unlink` takes the meter from its owner in one transaction conditioned on both items, and prints whose it was", async () => {
      ddb.on(GetItemCommand).resolves({ Item: { customerId: { S: "meter#MTR0001" }, owner: { S: ANA } } });
      ddb.on(TransactWriteItemsCommand).resolves({});
      const { chunks, out } = sink();
      await runClaims({ subcommand: "unlink", meter: "MTR0001", table: TABLE }, client, out, NOW);
      expect(chunks.join("")).to.equal(`meter MTR0001 unlinked from customer ${ANA}; issue a claim code for the next occupant\n`);
      expect(ddb.commandCalls(GetItemCommand)[0].args[0].input).to.deep.equal({
        TableName: TABLE,
        Key: { customerId: { S: "meter#MTR0001" } },
        ConsistentRead: true,
      });
      expect(ddb.commandCalls(TransactWriteItemsCommand)[0].args[0].input).to.deep.equal({
        TransactItems: [
          {
            Delete: {
              TableName: TABLE,
              Key: { customerId: { S: "meter#MTR0001" } },
              ConditionExpression: "#owner = :owner",
              ExpressionAttributeNames: { "#owner": "owner" },
              ExpressionAttributeValues: { ":owner": { S: ANA } },
            },
          },
          {
            Update: {
              TableName: TABLE,
              Key: { customerId: { S: ANA } },
              UpdateExpression: "REMOVE #clientId",
              ConditionExpression: "#clientId = :meter",
              ExpressionAttributeNames: { "#clientId": "clientId" },
              ExpressionAttributeValues: { ":meter": { S: "MTR0001" } },
            },
          },
        ],
      });
    });

    it("refuses to unlink a meter without an owner, and reports a transaction the items refused", async () => {
      ddb
        .on(GetItemCommand)
        .resolvesOnce({})
        .resolves({ Item: { customerId: { S: "meter#MTR0001" }, owner: { S: ANA } } });
      ddb.on(TransactWriteItemsCommand).rejects(cancelled(["None", "ConditionalCheckFailed"]));
      const failure = (p: Promise<unknown>) =>
        p.then(
          () => undefined,
          (e: Error) => e.message,
        );
      expect([await failure(unlinkMeter(client, TABLE, "MTR0009")), await failure(unlinkMeter(client, TABLE, "MTR0001"))]).to.deep.equal([
        'meter "MTR0009" has no owner to unlink',
        'meter "MTR0001": its owner or the owner\'s profile changed meanwhile, or the profile is not on the meter; run unlink again',
      ]);
    });

    it("`claims issue --json` prints the code, the meter and the expiry", async () => {
      ddb.on(PutItemCommand).resolves({});
      const { chunks, out } = sink();
      await runClaims({ subcommand: "issue", meter: "MTR0007", table: TABLE, "ttl-hours": "24", json: true }, client, out, NOW);
      const printed = JSON.parse(chunks.join("")) as { meterId: string; claimCode: string; expiresAt: string };
      expect([printed.meterId, printed.expiresAt, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}$/.test(printed.claimCode)]).to.deep.equal([
        "MTR0007",
        "2026-11-23T08:30:00.000Z",
        true,
      ]);
    });

    it("names the table and where credentials and region come from when AWS refuses", async () => {
      ddb.on(PutItemCommand).rejects(Object.assign(new Error("Region is missing"), { name: "Error" }));
      const e = await runClaims({ subcommand: "issue", meter: "MTR0007", table: TABLE }, client, sink().out, NOW).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect([(e as Error).name, (e as Error).message]).to.deep.equal([
        "InputError",
        `DynamoDB table ${TABLE}: Error: Region is missing (AWS credentials and region come from the environment)`,
      ]);
    });

    const usage: [Record<string, string | boolean>, string][] = [
      [{ subcommand: "issue", table: TABLE }, "--meter is required"],
      [{ subcommand: "issue", meter: "MTR0001" }, "--table is required (the stack output profileTableName)"],
      [{ subcommand: "issue", meter: "MTR0001", table: TABLE, "ttl-hours": "0" }, '--ttl-hours must be an integer in [1, 720], got "0"'],
      [{ subcommand: "revoke", meter: "MTR0001", table: TABLE, "ttl-hours": "5" }, "--ttl-hours goes with issue, not revoke"],
      [{ subcommand: "unlink", meter: "MTR0001", table: TABLE, json: true }, "--json goes with issue, not unlink"],
      [{ subcommand: "revoke", meter: "MTR0001", table: TABLE, "ttl-hours": "5", json: true }, "--ttl-hours and --json go with issue, not revoke"],
      [
        { subcommand: "issue", meter: "MTR0001", table: "" },
        '--table "" is not a DynamoDB table name or ARN (3 to 255 letters, digits, _, - or .; the stack output profileTableName)',
      ],
      [
        { subcommand: "issue", meter: "MTR0001", table: "my table" },
        '--table "my table" is not a DynamoDB table name or ARN (3 to 255 letters, digits, _, - or .; the stack output profileTableName)',
      ],
      [{ subcommand: "issue", meter: "", table: TABLE }, '--meter: meter id must be 1-64 letters, digits, - or _, got ""'],
      [{ subcommand: "revoke", meter: "MTR#1", table: TABLE }, '--meter: meter id must be 1-64 letters, digits, - or _, got "MTR#1"'],
    ];
    for (const [args, message] of usage) {
      it(`refuses ${JSON.stringify(args)}: ${message}`, async () => {
        const e = await runClaims(args, client, sink().out, NOW).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect([(e as Error).name, (e as Error).message]).to.deep.equal(["UsageError", message]);
        expect(ddb.calls()).to.have.length(0);
      });
    }
  });
});
