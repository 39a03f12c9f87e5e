import { AdminDeleteUserCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";

/** The sign-in accounts of customers, as erasure needs them. */
export interface UserDirectory {
  /** Deletes the customer's sign-in account; an account already gone counts as deleted. */
  remove(customerId: string): Promise<void>;
}

/**
 * The Cognito user pool. AdminDeleteUser takes the user's `sub` as Username (the pool signs in by e-mail, so
 * the sub is the one name that never changes); it also ends the user's sessions, so the authorizer's GetUser
 * check refuses the deleted customer's tokens at once.
 */
export function cognitoUserDirectory(client: CognitoIdentityProviderClient, userPoolId: string): UserDirectory {
  return {
    async remove(customerId) {
      try {
        await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: customerId }));
      } catch (e) {
        if ((e as Error).name !== "UserNotFoundException") throw e;
      }
    },
  };
}
