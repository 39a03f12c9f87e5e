import { CognitoIdentityProviderClient, GetUserCommand } from "@aws-sdk/client-cognito-identity-provider";

/** Why a token with a valid signature is still refused. */
export interface Refusal {
  readonly reason: string;
  readonly detail: string;
}

/**
 * Asks the user pool whether the session behind a verified access token still stands. A signature check alone
 * accepts a token until it expires, after the customer signed out everywhere (RevokeToken, GlobalSignOut) or
 * was disabled or deleted.
 */
export interface SessionCheck {
  /** Resolves to undefined when the session stands, to the refusal when the pool refuses the token. */
  refusal(accessToken: string): Promise<Refusal | undefined>;
}

/**
 * The errors with which GetUser refuses a token (NotAuthorizedException: "Access Token has been revoked",
 * "User is disabled."; UserNotFoundException: the user was deleted). Anything else (throttling, a network
 * failure, an internal error) says nothing about the token and is thrown: the authorizer then fails and API
 * Gateway answers 500, rather than letting the request through or telling a customer their session ended.
 */
export const REFUSING_ERRORS: readonly string[] = [
  "NotAuthorizedException",
  "UserNotFoundException",
  "UserNotConfirmedException",
  "PasswordResetRequiredException",
];

/** The part of the Cognito client the check uses. */
export interface GetUserClient {
  send(command: GetUserCommand): Promise<unknown>;
}

/**
 * GetUser with the access token itself: Cognito authorises the call by the token (no IAM permission is
 * involved) and refuses revoked tokens. Tokens from the SRP sign-in carry the
 * `aws.cognito.signin.user.admin` scope it needs.
 */
export function cognitoSessionCheck(client: GetUserClient = new CognitoIdentityProviderClient({})): SessionCheck {
  return {
    async refusal(accessToken: string): Promise<Refusal | undefined> {
      try {
        await client.send(new GetUserCommand({ AccessToken: accessToken }));
        return undefined;
      } catch (e) {
        const name = (e as { name?: unknown }).name;
        if (typeof name === "string" && REFUSING_ERRORS.includes(name)) return { reason: name, detail: (e as Error).message };
        throw e;
      }
    },
  };
}
