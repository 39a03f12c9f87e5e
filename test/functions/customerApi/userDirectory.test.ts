import { AdminDeleteUserCommand, CognitoIdentityProviderClient, UserNotFoundException } from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { claimRoute } from "../../../functions/meterClaim/claimRoute";
import { LinkConflictError } from "../../../functions/meterClaim/claimStore";
import { UserDirectory, cognitoUserDirectory } from "../../../functions/meterClaim/userDirectory";
import { usersFromEnvironment } from "../../../functions/profileApi/handler";
import { HttpApiEvent, respond } from "../../../functions/profileApi/httpApi";
import { httpApiRequest, withAuthorizerContext } from "../../helpers/httpApiEvents";
import { MemoryClaimStore } from "../../../functions/meterClaim/memoryClaimStore";
import { MemoryProfileStore } from "../../../functions/profileApi/memoryProfileStore";
import { ANA } from "./customers";

const POOL = "eu-west-1_Gr1dRa1lX";
const NOW = new Date("2026-11-22T08:00:00.000Z");

describe("the Cognito user directory", () => {
  // the instance, not the class, is mocked: other suites mock the class
  let client: CognitoIdentityProviderClient;
  let cognito: ReturnType<typeof mockClient>;
  beforeEach(() => {
    client = new CognitoIdentityProviderClient({ region: "eu-west-1" });
    cognito = mockClient(client);
  });
  afterEach(() => cognito.restore());

  it("deletes exactly the customer's user (by sub) from the pool", async () => {
    cognito.on(AdminDeleteUserCommand).resolves({});
    await cognitoUserDirectory(client, POOL).remove(ANA);
    expect(cognito.commandCalls(AdminDeleteUserCommand).map((c) => c.args[0].input)).to.deep.equal([{ UserPoolId: POOL, Username: ANA }]);
  });

  it("counts a user already gone as deleted", async () => {
    cognito.on(AdminDeleteUserCommand).rejects(new UserNotFoundException({ message: "User does not exist.", $metadata: {} }));
    await cognitoUserDirectory(client, POOL).remove(ANA);
    expect(cognito.commandCalls(AdminDeleteUserCommand)).to.have.length(1);
  });

  it("lets any other failure through", async () => {
    cognito.on(AdminDeleteUserCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" }));
    let error: unknown;
    try {
      await cognitoUserDirectory(client, POOL).remove(ANA);
    } catch (e) {
      error = e;
    }
    expect([(error as Error)?.name, (error as Error)?.message]).to.deep.equal(["TooManyRequestsException", "Rate exceeded"]);
  });

  it("is configured by USER_POOL_ID and fails fast without it", () => {
    expect(() => usersFromEnvironment({})).to.throw("environment variable USER_POOL_ID must be set");
  });
});

describe("DELETE /profile and the customer's account", () => {
  class RecordingUsers implements UserDirectory {
    readonly removed: string[] = [];
    constructor(private readonly failure?: Error) {}
    async remove(customerId: string) {
      if (this.failure) throw this.failure;
      this.removed.push(customerId);
    }
  }

  async function erase(customerId: string, users: UserDirectory, claimsFail = false, lostToTwin = false) {
    const profiles = new MemoryProfileStore([{ customerId: ANA, clientId: "MTR0001", name: "Ana Duarte", email: "ana@example.com", version: 2 }]);
    const claims = new MemoryClaimStore(profiles, [], [["MTR0001", ANA]]);
    if (claimsFail) claims.erase = async () => Promise.reject(new LinkConflictError("profile"));
    // a second DELETE of the same customer erased it first (a double click): this one's condition fails
    if (lostToTwin) {
      const erase = claims.erase.bind(claims);
      claims.erase = async (...args) => erase(...args).then(() => Promise.reject(new LinkConflictError("profile")));
    }
    const event: HttpApiEvent = withAuthorizerContext(httpApiRequest({ method: "DELETE", path: "/profile" }), {
      customerId,
      tokenExpiresAt: NOW.getTime() / 1000 + 60,
    });
    const logs: Record<string, unknown>[] = [];
    let notDeleted = 0;
    const r = await respond(
      event,
      (l) => logs.push(l),
      () => claimRoute(event, { claims, profiles, users, now: () => NOW, onAccountNotDeleted: () => notDeleted++ }),
    );
    return { status: r.statusCode, body: r.body, profileLeft: profiles.items.has(ANA), logs, notDeleted };
  }

  it("deletes the account after the profile and the meter link", async () => {
    const users = new RecordingUsers();
    expect(await erase(ANA, users)).to.deep.include({ status: 204, body: "", profileLeft: false, notDeleted: 0 });
    expect(users.removed).to.deep.equal([ANA]);
  });

  it("deletes an account without a profile (it never saved one, or an earlier erase failed at the account), and keeps the account when the erase conflicts (409)", async () => {
    const users = new RecordingUsers();
    expect((await erase("0c1d2e3f-0000-4000-8000-00000000c0c0", users)).status).to.equal(204);
    expect(await erase(ANA, users, true)).to.deep.include({ status: 409, profileLeft: true });
    expect(users.removed).to.deep.equal(["0c1d2e3f-0000-4000-8000-00000000c0c0"]);
  });

  it("answers 204 and deletes the account when another DELETE of the same customer erased the data first", async () => {
    const users = new RecordingUsers();
    expect(await erase(ANA, users, false, true)).to.deep.include({ status: 204, profileLeft: false });
    expect(users.removed).to.deep.equal([ANA]);
  });

  it("answers 500, logs why and counts it (one alarms) when the account cannot be deleted; the data is already erased", async () => {
    const r = await erase(ANA, new RecordingUsers(Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" })));
    expect([r.status, r.body, r.profileLeft, r.notDeleted]).to.deep.equal([500, JSON.stringify({ error: "internal error; try again later" }), false, 1]);
    expect(r.logs.map((l) => [l.level, l.error])).to.deep.equal([
      ["ERROR", `TooManyRequestsException: Rate exceeded (account ${ANA} not deleted; its data is erased)`],
    ]);
  });
});
