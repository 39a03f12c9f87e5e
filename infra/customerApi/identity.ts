import * as aws from "@pulumi/aws";
import { statefulOptions } from "../shared/deployment";
import { identifier } from "../shared/naming";
import { passwordPolicyDefaults, tokenDefaults } from "./defaults";
import { HelperOptions, WithDeployment } from "../shared/options";
import { EmailSender } from "./emailSender";

export interface CustomerIdentity {
  readonly userPool: aws.cognito.UserPool;
  /** The web client customers sign in with (SRP, no secret). */
  readonly client: aws.cognito.UserPoolClient;
}

/** Cognito sign-up/sign-in: the user pool, its web client, and an identity pool that hands out no AWS credentials. */
export function createCustomerIdentity(
  name: string,
  { deployment, emailSender }: WithDeployment & { readonly emailSender?: EmailSender },
  opts: HelperOptions,
): CustomerIdentity {
  const userPool = new aws.cognito.UserPool(
    `${name}-users`,
    {
      usernameAttributes: ["email"],
      autoVerifiedAttributes: ["email"],
      passwordPolicy: { ...passwordPolicyDefaults },
      mfaConfiguration: "OPTIONAL",
      softwareTokenMfaConfiguration: { enabled: true },
      accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
      adminCreateUserConfig: { allowAdminCreateUserOnly: false },
      userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdates: ["email"] },
      deletionProtection: deployment.environment === "prod" ? "ACTIVE" : "INACTIVE",
      // without a sender, Cognito's own, capped at a few dozen messages a day (docs/infrastructure.md)
      ...(emailSender
        ? {
            emailConfiguration: {
              emailSendingAccount: "DEVELOPER",
              sourceArn: emailSender.identityArn,
              ...(emailSender.from ? { fromEmailAddress: emailSender.from } : {}),
            },
          }
        : {}),
    },
    statefulOptions(deployment, opts),
  );
  const client = new aws.cognito.UserPoolClient(
    `${name}-web-client`,
    {
      userPoolId: userPool.id,
      generateSecret: false,
      explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      preventUserExistenceErrors: "ENABLED",
      enableTokenRevocation: true,
      supportedIdentityProviders: ["COGNITO"],
      accessTokenValidity: tokenDefaults.accessTokenMinutes,
      idTokenValidity: tokenDefaults.idTokenMinutes,
      refreshTokenValidity: tokenDefaults.refreshTokenDays,
      tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
    },
    { ...opts },
  );
  // Federated identities only for signed-in users; no role mapping, so no AWS credentials are handed out.
  new aws.cognito.IdentityPool(
    `${name}-identities`,
    {
      identityPoolName: identifier(["gridrail", deployment.stack, "customers"], "_", 128),
      allowUnauthenticatedIdentities: false,
      allowClassicFlow: false,
      cognitoIdentityProviders: [{ clientId: client.id, providerName: userPool.endpoint, serverSideTokenCheck: true }],
    },
    { ...opts },
  );
  return { userPool, client };
}
