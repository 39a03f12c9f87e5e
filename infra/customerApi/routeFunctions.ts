import { AUTHORIZER_VARIABLES } from "../../functions/authorizer/variables";
import { PROFILE_API_VARIABLES } from "../../functions/profileApi/variables";
import { REPORT_URL_VARIABLES } from "../../functions/reportUrl/variables";
import { variableValues } from "../../functions/shared/environment";
import * as pulumi from "@pulumi/pulumi";
import { BundledFunction, createBundledFunction } from "../shared/lambdaFunction";
import { allow, kmsStatement } from "../shared/policyDocuments";
import { REPORT_URL_TTL_SECONDS, ROUTE_FUNCTION_TIMEOUT_SECONDS, RouteTarget } from "./defaults";
import { HelperOptions, WithDeployment } from "../shared/options";

export interface RouteFunctionsArgs {
  readonly userPoolId: pulumi.Input<string>;
  readonly userPoolArn: pulumi.Input<string>;
  readonly clientId: pulumi.Input<string>;
  readonly profilesName: pulumi.Input<string>;
  readonly profilesArn: pulumi.Input<string>;
  /** The component's key: function logs and environment, and the profile table. */
  readonly key: { readonly arn: pulumi.Output<string> };
  readonly reportsBucketName: pulumi.Input<string>;
  readonly reportsBucketArn: pulumi.Input<string>;
  readonly reportsKeyArn: pulumi.Input<string>;
}

export interface RouteFunctions {
  readonly authorizerFn: BundledFunction;
  /** The function behind each route target, each with its own least-privilege role. */
  readonly targets: Record<RouteTarget, BundledFunction>;
}

/** The Lambda authorizer and the functions the routes call. */
export function createRouteFunctions(name: string, args: RouteFunctionsArgs & WithDeployment, opts: HelperOptions): RouteFunctions {
  const { deployment } = args;
  const { key } = args;
  const profiles = { name: args.profilesName, arn: args.profilesArn };
  const authorizerFn = createBundledFunction(
    `${name}-authorizer`,
    {
      source: "authorizer",
      description: "Verifies Cognito tokens for the customer API",
      kmsKeyArn: key.arn,
      timeout: ROUTE_FUNCTION_TIMEOUT_SECONDS,
      environment: variableValues(AUTHORIZER_VARIABLES, { USER_POOL_ID: args.userPoolId, CLIENT_ID: args.clientId }),
      deployment,
    },
    opts,
  );
  const targets: Record<RouteTarget, BundledFunction> = {
    profileApi: createBundledFunction(
      `${name}-profile`,
      {
        source: "profileApi",
        timeout: ROUTE_FUNCTION_TIMEOUT_SECONDS,
        description: "GET/PUT/DELETE the signed-in customer's profile; link their meter by claim code",
        kmsKeyArn: key.arn,
        environment: variableValues(PROFILE_API_VARIABLES, { PROFILE_TABLE: profiles.name, USER_POOL_ID: args.userPoolId }),
        // PUT is one UpdateItem (it never names clientId, which onboarding owns); the erase is one transaction: the tombstone's Put, the owner item's Delete and the used claim's Update
        statements: pulumi.all([profiles.arn, key.arn, args.userPoolArn]).apply(([tableArn, keyArn, poolArn]) => [
          allow("OwnProfiles", ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:DeleteItem"], tableArn),
          kmsStatement("ProfileKey", [keyArn], ["kms:Decrypt", "kms:GenerateDataKey"]),
          // DELETE /profile ends with the customer's account; only this pool, only deletion
          allow("EraseAccounts", ["cognito-idp:AdminDeleteUser"], poolArn),
        ]),
        deployment,
      },
      opts,
    ),
    reportUrl: createBundledFunction(
      `${name}-report-url`,
      {
        source: "reportUrl",
        timeout: ROUTE_FUNCTION_TIMEOUT_SECONDS,
        description: "Lists the signed-in customer's reports and presigns a GET of one",
        kmsKeyArn: key.arn,
        environment: variableValues(REPORT_URL_VARIABLES, {
          PROFILE_TABLE: profiles.name,
          REPORTS_BUCKET: args.reportsBucketName,
          URL_TTL_SECONDS: String(REPORT_URL_TTL_SECONDS),
        }),
        statements: pulumi.all([args.reportsBucketArn, args.reportsKeyArn, profiles.arn, key.arn]).apply(([bucketArn, keyArn, tableArn, profileKeyArn]) => [
          allow("ReadReports", ["s3:GetObject"], `${bucketArn}/*`),
          // without ListBucket, HeadObject answers 403 instead of 404 for a report not written yet
          allow("FindReports", ["s3:ListBucket"], bucketArn),
          kmsStatement("DecryptReports", [keyArn], ["kms:Decrypt"]),
          // the caller's meter id comes from their profile
          allow("ReadProfiles", ["dynamodb:GetItem"], tableArn),
          kmsStatement("ProfileKey", [profileKeyArn], ["kms:Decrypt"]),
        ]),
        deployment,
      },
      opts,
    ),
  };
  return { authorizerFn, targets };
}
