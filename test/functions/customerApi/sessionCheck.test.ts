import { CognitoIdentityProviderClient, GetUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { cognitoSessionCheck } from "../../../functions/authorizer/sessionCheck";

const TOKEN = "eyJraWQiOiJrMSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

function cognitoError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: "client" });
}

describe("session check (Cognito GetUser with the access token)", () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  afterEach(() => cognito.reset());
  after(() => cognito.restore());

  it("asks with exactly the access token and passes a standing session", async () => {
    cognito.on(GetUserCommand).resolves({ Username: "7d1c2b3a", UserAttributes: [] });
    const refusal = await cognitoSessionCheck(new CognitoIdentityProviderClient({ region: "eu-west-1" })).refusal(TOKEN);
    expect(refusal).to.equal(undefined);
    expect(cognito.commandCalls(GetUserCommand).map((c) => c.args[0].input)).to.deep.equal([{ AccessToken: TOKEN }]);
  });

  describe("refuses the token when the pool does", () => {
    const cases: [string, string][] = [
      ["NotAuthorizedException", "Access Token has been revoked"],
      ["NotAuthorizedException", "User is disabled."],
      ["UserNotFoundException", "User does not exist."],
      ["UserNotConfirmedException", "User is not confirmed."],
      ["PasswordResetRequiredException", "Password reset required for the user"],
    ];
    for (const [name, message] of cases) {
      it(`${name}: ${message}`, async () => {
        cognito.on(GetUserCommand).rejects(cognitoError(name, message));
        const refusal = await cognitoSessionCheck(new CognitoIdentityProviderClient({ region: "eu-west-1" })).refusal(TOKEN);
        expect(refusal).to.deep.equal({ reason: name, detail: message });
      });
    }
  });

  describe("throws what says nothing about the token", () => {
    const cases: [string, string][] = [
      ["TooManyRequestsException", "Rate exceeded"],
      ["InternalErrorException", "Internal server error"],
      ["TimeoutError", "socket hang up"],
    ];
    for (const [name, message] of cases) {
      it(`${name}: ${message}`, async () => {
        cognito.on(GetUserCommand).rejects(cognitoError(name, message));
        let thrown: Error | undefined;
        try {
          await cognitoSessionCheck(new CognitoIdentityProviderClient({ region: "eu-west-1" })).refusal(TOKEN);
        } catch (e) {
          thrown = e as Error;
        }
        expect([thrown?.name, thrown?.message]).to.deep.equal([name, message]);
      });
    }
  });
});
