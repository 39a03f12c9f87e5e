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

  describe("refuses the token when the pool does, and throws what says nothing about the token", () => {
    const cases: { name: string; message: string; refuses: boolean }[] = [
      { name: "NotAuthorizedException", message: "Access Token has been revoked", refuses: true },
      { name: "NotAuthorizedException", message: "User is disabled.", refuses: true },
      { name: "UserNotFoundException", message: "User does not exist.", refuses: true },
      { name: "UserNotConfirmedException", message: "User is not confirmed.", refuses: true },
      { name: "PasswordResetRequiredException", message: "Password reset required for the user", refuses: true },
      { name: "TooManyRequestsException", message: "Rate exceeded", refuses: false },
      { name: "InternalErrorException", message: "Internal server error", refuses: false },
      { name: "TimeoutError", message: "socket hang up", refuses: false },
    ];
    for (const { name, message, refuses } of cases) {
      it(`${name}: ${message} → ${refuses ? "refused" : "thrown"}`, async () => {
        cognito.on(GetUserCommand).rejects(cognitoError(name, message));
        const outcome = await cognitoSessionCheck(new CognitoIdentityProviderClient({ region: "eu-west-1" }))
          .refusal(TOKEN)
          .then(
            (refusal) => ({ refusal }),
            (e: Error) => ({ thrown: [e.name, e.message] }),
          );
        expect(outcome).to.deep.equal(refuses ? { refusal: { reason: name, detail: message } } : { thrown: [name, message] });
      });
    }
  });
});
