import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { Writable } from "stream";
import { runClaims } from "../../../cli/claims";
import { claimHash } from "../../../functions/meterClaim/claimCode";
import { issueClaim, revokeClaim, unlinkMeter } from "../../../functions/meterClaim/claimAdmin";
import { ANA, cancelled, NOW, TABLE } from "./claims";

// 12 code symbols then 16 salt bytes
const RANDOM = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (n === 12 ? [7, 20, 3, 23, 19, 9, 29, 13, 2, 17, 15, 10][i] : i)));

describe("claims: the operator commands on the profile table (DynamoDB mocked)", () => {
  let ddb: AwsClientStub<DynamoDBClient>;
  const client = new DynamoDBClient({ region: "eu-west-1" });
  before(() => {
    ddb = mockClient(DynamoDBClient);
  });
  beforeEach(() => ddb.reset());
  after(() => ddb.restore());

  it("issues a code, stores only its salted hash with the expiry, and prints the code once", async () => {
    ddb.on(PutItemCommand).resolves({});
    const issued = await issueClaim(client, TABLE, "MTR0001", 72, NOW, RANDOM);
    // the household that links with it sees reports from the day the code was issued (UTC) on
    expect(issued).to.deep.equal({ meterId: "MTR0001", claimCode: "7M3Q-K9XD-2HFA", expiresAt: "2026-11-25T08:30:00.000Z", reportsFrom: "2026-11-22" });
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
        reportsFrom: { S: "2026-11-22" },
      },
    });
  });

  it("keeps the household's first day it is given, earlier or later, and refuses one that is not a day", async () => {
    ddb.on(PutItemCommand).resolves({});
    expect((await issueClaim(client, TABLE, "MTR0001", 72, NOW, RANDOM, "2026-11-01")).reportsFrom).to.equal("2026-11-01");
    expect((await issueClaim(client, TABLE, "MTR0001", 72, NOW, RANDOM, "2026-12-01")).reportsFrom).to.equal("2026-12-01");
    for (const bad of ["2026-02-30", "20261101", "2026-11-1", "yesterday"]) {
      const e = await issueClaim(client, TABLE, "MTR0001", 72, NOW, RANDOM, bad).then(
        () => undefined,
        (x: Error) => x,
      );
      expect([e?.name, e?.message]).to.deep.equal(["InputError", `reports-from must be a day YYYY-MM-DD, got ${JSON.stringify(bad)}`]);
    }
    expect(ddb.commandCalls(PutItemCommand)).to.have.length(2);
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
            // the household's first day goes with the meter
            UpdateExpression: "REMOVE #clientId, #reportsFrom",
            ConditionExpression: "#clientId = :meter",
            ExpressionAttributeNames: { "#clientId": "clientId", "#reportsFrom": "reportsFrom" },
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

  it("`claims issue` warns of an owner the code cannot link past and of an unused code it makes worthless, and issues all the same", async () => {
    ddb.on(PutItemCommand).resolves({});
    ddb.on(GetItemCommand, { Key: { customerId: { S: "meter#MTR0001" } } }).resolves({ Item: { customerId: { S: "meter#MTR0001" }, owner: { S: ANA } } });
    ddb.on(GetItemCommand, { Key: { customerId: { S: "claim#MTR0001" } } }).resolves({
      Item: {
        customerId: { S: "claim#MTR0001" },
        codeHash: { S: "ab" },
        issuedAt: { S: "2026-11-21T08:00:00.000Z" },
        expiresAt: { S: "2026-11-24T08:00:00.000Z" },
      },
    });
    const { chunks, out } = sink();
    const err = sink();
    await runClaims({ subcommand: "issue", meter: "MTR0001", table: TABLE }, client, out, NOW, err.out);
    expect(err.chunks.join("")).to.equal(
      `warning: meter "MTR0001" is linked to customer ${ANA}: the new code links it only once they erase their account or you run claims unlink --meter MTR0001\n` +
        'warning: meter "MTR0001" had an unused code issued at 2026-11-21T08:00:00.000Z, valid until 2026-11-24T08:00:00.000Z: it no longer works\n',
    );
    expect([chunks.join("").startsWith("meter MTR0001: claim code "), ddb.commandCalls(PutItemCommand).length]).to.deep.equal([true, 1]);
    // a meter without an owner or a live code: no warning
    ddb.reset();
    ddb.on(PutItemCommand).resolves({});
    ddb.on(GetItemCommand).resolves({});
    const quiet = sink();
    await runClaims({ subcommand: "issue", meter: "MTR0002", table: TABLE }, client, sink().out, NOW, quiet.out);
    expect(quiet.chunks).to.deep.equal([]);
  });

  it("`claims issue --reports-from` stores the household's first day and says it", async () => {
    ddb.on(PutItemCommand).resolves({});
    const { chunks, out } = sink();
    await runClaims({ subcommand: "issue", meter: "MTR0007", table: TABLE, "reports-from": "2026-11-01" }, client, out, NOW);
    expect(chunks.join("")).to.match(
      /^meter MTR0007: claim code [0-9A-Z-]{14} \(valid until 2026-11-25T08:30:00.000Z, shown once\); its household sees reports from 2026-11-01\n$/,
    );
    expect(ddb.commandCalls(PutItemCommand)[0].args[0].input.Item!.reportsFrom).to.deep.equal({ S: "2026-11-01" });
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
    [{ subcommand: "issue", meter: "MTR0001", table: TABLE, "reports-from": "1/11/2026" }, '--reports-from must be a day YYYY-MM-DD, got "1/11/2026"'],
    [{ subcommand: "unlink", meter: "MTR0001", table: TABLE, "reports-from": "2026-11-01" }, "--reports-from goes with issue, not unlink"],
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
