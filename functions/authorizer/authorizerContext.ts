import type { APIGatewaySimpleAuthorizerResult, APIGatewaySimpleAuthorizerWithContextResult } from "aws-lambda";

/**
 * What the authorizer hands to the route Lambdas (`requestContext.authorizer.lambda` in payload 2.0). The
 * routes take the customer's identity from here and nowhere else: never from the path, query or body.
 */
export interface AuthorizerContext {
  /** The Cognito user's `sub`: the key of the customer's profile. */
  readonly customerId: string;
  /**
   * The token's `exp` (epoch seconds). API Gateway caches an Allow for 300 s per Authorization header, which
   * can outlive the token; the routes refuse a request whose token has expired since it was authorized.
   */
  readonly tokenExpiresAt: number;
}

/** The simple response of an HTTP API Lambda authorizer (enableSimpleResponses): false → 403 Forbidden. */
export type SimpleAuthorizerResponse =
  | (Readonly<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> & { readonly isAuthorized: true })
  | (Readonly<APIGatewaySimpleAuthorizerResult> & { readonly isAuthorized: false });
