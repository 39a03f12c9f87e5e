import { METER_CLAIM_SCHEMA, MAX_CLAIM_BODY_BYTES, MAX_FAILURES_PER_HOUR } from "../meterClaim/linkMeter";
import { MAX_BODY_BYTES } from "../profileApi/httpApi";
import { PROFILE_SCHEMA } from "../profileApi/profileSchema";
import { DEFAULT_PAGE, LIMIT_SCHEMA, MAX_PAGE, NEXT_SCHEMA } from "../reportUrl/reportList";
import { REPORT_DATE_SCHEMA, REPORT_FORMAT_SCHEMA } from "../reportUrl/reportDate";
import { JsonSchema } from "../shared/httpSchema";

/**
 * The customer API's OpenAPI 3.1 document, built from the schemas the handlers validate requests with and the
 * route table below (every route and every status its handler or API Gateway answers).
 */

export interface ParameterDoc {
  readonly name: string;
  readonly in: "path" | "query" | "header";
  readonly required: boolean;
  readonly description: string;
  readonly schema: JsonSchema;
}

export interface ResponseDoc {
  readonly description: string;
  /** A component schema name, or none for an empty body. */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, { readonly description: string; readonly schema: JsonSchema }>>;
}

export interface RouteDoc {
  readonly method: "get" | "put" | "post" | "delete";
  /** In OpenAPI form: `/reports/{date}`, as the API Gateway route key names it. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly parameters?: readonly ParameterDoc[];
  readonly body?: { readonly schema: string; readonly maxBytes: number };
  readonly responses: Readonly<Record<number, ResponseDoc>>;
}

const ETAG = { etag: { description: 'the profile\'s version, quoted (like "3"); send it back as If-Match', schema: { type: "string" } } };

/** Answers API Gateway gives on every route, before or around the handler. */
const GATEWAY: Readonly<Record<number, ResponseDoc>> = {
  401: {
    description: "no Authorization header (API Gateway, `{ message }`), or the token expired while API Gateway cached the authorizer's answer (`{ error }`)",
    body: "Refusal",
  },
  403: { description: "the authorizer refused the token: bad signature, issuer, client or token use, expired, or the session was revoked", body: "Refusal" },
  429: { description: "the stage's throttling limit was reached (API Gateway, `{ message }`)", body: "Refusal" },
  500: { description: "an internal failure (of the route, or of the authorizer before it); try again later", body: "Refusal" },
};

const BODY_ERRORS: Readonly<Record<number, ResponseDoc>> = {
  413: { description: "the body is larger than the route accepts", body: "Error" },
  415: { description: "content-type is not application/json (charset utf-8 if given)", body: "Error" },
};

const NO_METER = { description: "no smart meter is linked to the caller's profile yet (link it with POST /profile/meter)", body: "Error" };

/** A token the authorizer's cache still allows after DELETE /profile: every route answers it alike. */
const ERASED = { description: "this account was erased (a token the authorizer's cache still allows after DELETE /profile)", body: "Error" } as const;

export const ROUTE_DOCS: readonly RouteDoc[] = [
  {
    method: "get",
    path: "/profile",
    operationId: "getProfile",
    summary: "The caller's profile",
    description: "Always the caller's own profile (the token's subject); `clientId` is null until a meter is linked.",
    responses: {
      200: { description: "the profile, with its version as ETag", body: "Profile", headers: ETAG },
      404: { description: "no profile yet; create it with PUT /profile", body: "Error" },
      410: ERASED,
      ...GATEWAY,
    },
  },
  {
    method: "put",
    path: "/profile",
    operationId: "putProfile",
    summary: "Create or replace the caller's profile",
    description:
      "The whole profile: absent optional fields are removed. With If-Match the write only replaces that version, so two editors cannot lose each other's changes.",
    parameters: [
      {
        name: "If-Match",
        in: "header",
        required: false,
        description: 'the ETag from GET /profile (like "3"), or * to require an existing profile; absent: the last write wins',
        schema: { type: "string", pattern: '^"?(0|[1-9][0-9]{0,14})"?$|^\\*$' },
      },
    ],
    body: { schema: "ProfileFields", maxBytes: MAX_BODY_BYTES },
    responses: {
      200: { description: "the stored profile, with its new version as ETag", body: "Profile", headers: ETAG },
      400: { description: "the body or If-Match is invalid; the message names every bad field and its value", body: "Error" },
      409: { description: "another request (a meter link, an erase) was changing the profile at the same moment; try again", body: "Error" },
      410: ERASED,
      412: { description: "If-Match does not hold (another write came first, or no profile exists for *); GET /profile again and retry", body: "Error" },
      ...BODY_ERRORS,
      ...GATEWAY,
    },
  },
  {
    method: "delete",
    path: "/profile",
    operationId: "deleteProfile",
    summary: "Erase the caller's profile, meter link and account",
    description:
      "Erases the profile and the meter link (the profile becomes a tombstone without personal data for a day, so a token the authorizer's cache still allows cannot write one again), then deletes the caller's Cognito user; an account without a profile is deleted too. The meter's reports stay in the reports bucket (they belong to the meter); linking it again needs a new claim code.",
    responses: {
      204: { description: "erased" },
      409: { description: "the profile's meter link, or its meter's claim, changed meanwhile; try again", body: "Error" },
      ...GATEWAY,
    },
  },
  {
    method: "post",
    path: "/profile/meter",
    operationId: "linkMeter",
    summary: "Link the caller's profile to a meter with its one-time claim code",
    description: `Wrong, used or expired codes count as failures; after ${MAX_FAILURES_PER_HOUR} failures in an hour every attempt is refused with 429.`,
    body: { schema: "MeterClaim", maxBytes: MAX_CLAIM_BODY_BYTES },
    responses: {
      200: { description: "the meter is linked", body: "MeterLink" },
      400: { description: "the body is invalid; the message names every bad field and its value", body: "Error" },
      403: {
        description: "the claim code does not match the meter (handler, `{ error }`), or the authorizer refused the token (`{ message }`)",
        body: "Refusal",
      },
      409: { description: "the caller already has another meter, or the meter is linked to another account", body: "Error" },
      410: { description: "the claim code was already used or has expired (ask the supplier for a new one), or this account was erased", body: "Error" },
      429: {
        description: `more than ${MAX_FAILURES_PER_HOUR} failed claims in the hour (handler, \`{ error }\`, with Retry-After), or stage throttling (\`{ message }\`)`,
        body: "Refusal",
        headers: { "retry-after": { description: "the handler's 429: seconds until the next hour's attempts", schema: { type: "string" } } },
      },
      ...BODY_ERRORS,
      401: GATEWAY[401],
      500: GATEWAY[500],
    },
  },
  {
    method: "get",
    path: "/reports",
    operationId: "listReports",
    summary: "The days of the caller's reports, newest first, paged",
    description: "`next` is absent on the last page.",
    parameters: [
      { name: "limit", in: "query", required: false, description: `days per page, 1-${MAX_PAGE} (default ${DEFAULT_PAGE})`, schema: LIMIT_SCHEMA.jsonSchema },
      { name: "next", in: "query", required: false, description: "the previous page's `next` token", schema: NEXT_SCHEMA.jsonSchema },
    ],
    responses: {
      200: { description: "one page of report days", body: "ReportPage" },
      400: { description: "limit or next is invalid", body: "Error" },
      409: NO_METER,
      410: ERASED,
      ...GATEWAY,
    },
  },
  {
    method: "get",
    path: "/reports/{date}",
    operationId: "getReportUrl",
    summary: "A short-lived presigned URL of the caller's report of one day",
    description: "The meter comes from the caller's profile, never from the request.",
    parameters: [
      { name: "date", in: "path", required: true, description: "the report's day, YYYY-MM-DD or YYYYMMDD", schema: REPORT_DATE_SCHEMA.jsonSchema },
      {
        name: "format",
        in: "query",
        required: false,
        description: "the report's format (default html)",
        schema: { ...REPORT_FORMAT_SCHEMA.jsonSchema, default: "html" },
      },
    ],
    responses: {
      200: { description: "the presigned URL and when it expires", body: "ReportUrl" },
      400: { description: "date is not a calendar day, or format is not html or json", body: "Error" },
      404: { description: "no report of that format for that day yet, or a day before the caller's household (its reportsFrom)", body: "Error" },
      409: NO_METER,
      410: ERASED,
      ...GATEWAY,
    },
  },
];

const TIMESTAMP = { type: "string", format: "date-time" } as const;
const profileFields = PROFILE_SCHEMA.jsonSchema.properties as Record<string, JsonSchema>;

/** The component schemas the routes refer to. */
export const COMPONENT_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  ProfileFields: PROFILE_SCHEMA.jsonSchema,
  MeterClaim: METER_CLAIM_SCHEMA.jsonSchema,
  Profile: {
    type: "object",
    properties: {
      customerId: { type: "string", description: "the caller (the token's subject)" },
      clientId: { type: ["string", "null"], description: "the linked smart meter, null until POST /profile/meter" },
      reportsFrom: {
        type: "string",
        format: "date",
        description: "the first day of the meter's reports this customer may see (their household's first day, from the claim code); absent: every day",
      },
      ...profileFields,
      createdAt: TIMESTAMP,
      updatedAt: TIMESTAMP,
      version: { type: "integer", minimum: 0 },
    },
    required: ["customerId", "clientId", "version"],
    additionalProperties: false,
  },
  MeterLink: {
    type: "object",
    properties: { customerId: { type: "string" }, clientId: { type: "string" }, linkedAt: TIMESTAMP },
    required: ["customerId", "clientId", "linkedAt"],
    additionalProperties: false,
  },
  ReportPage: {
    type: "object",
    properties: {
      reports: {
        type: "array",
        items: {
          type: "object",
          properties: { date: { type: "string", format: "date" }, formats: { type: "array", items: REPORT_FORMAT_SCHEMA.jsonSchema } },
          required: ["date", "formats"],
          additionalProperties: false,
        },
      },
      next: { type: "string", description: "pass as ?next= for the following page; absent on the last page" },
    },
    required: ["reports"],
    additionalProperties: false,
  },
  ReportUrl: {
    type: "object",
    properties: {
      url: { type: "string", format: "uri" },
      expiresAt: TIMESTAMP,
      date: { type: "string", format: "date" },
      format: REPORT_FORMAT_SCHEMA.jsonSchema,
    },
    required: ["url", "expiresAt", "date", "format"],
    additionalProperties: false,
  },
  Error: {
    type: "object",
    description: "a refusal by the route: what was wrong, naming the field and the value",
    properties: { error: { type: "string" } },
    required: ["error"],
    additionalProperties: false,
  },
  GatewayMessage: {
    type: "object",
    description: "a refusal by API Gateway itself (no token, authorizer denial, throttling, authorizer failure)",
    properties: { message: { type: "string" } },
    required: ["message"],
  },
  Refusal: { oneOf: [{ $ref: "#/components/schemas/Error" }, { $ref: "#/components/schemas/GatewayMessage" }] },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function operation(route: RouteDoc): JsonSchema {
  const responses = Object.fromEntries(
    Object.entries(route.responses)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([status, r]) => [
        status,
        {
          description: r.description,
          ...(r.headers ? { headers: r.headers } : {}),
          ...(r.body ? { content: { "application/json": { schema: ref(r.body) } } } : {}),
        },
      ]),
  );
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: route.description,
    ...(route.parameters ? { parameters: route.parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            description: `JSON, at most ${route.body.maxBytes} bytes`,
            content: { "application/json": { schema: ref(route.body.schema) } },
          },
        }
      : {}),
    responses,
  };
}

const DESCRIPTION = [
  "Customers of the meter analysis read and edit their profile, link their smart meter with the supplier's one-time claim code, list their daily reports and fetch a short-lived download URL of one.",
  "Every route needs a Cognito access token of the app client (`Authorization: Bearer <token>`); a Lambda authorizer verifies it and the routes act on the token's subject only.",
  "CORS: when the stack sets `gridrail:webOrigin`, that one origin may call the API from a browser with methods GET, PUT, POST, DELETE and headers authorization, content-type, if-match, and may read the etag header; no credentials (cookies) are used. Without it browsers on other origins cannot read answers; API clients are unaffected.",
].join("\n\n");

/** The OpenAPI 3.1 document of the customer API. */
export function openApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of ROUTE_DOCS) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: "3.1.0",
    info: { title: "gridrail customer API", version: "1.0.0", description: DESCRIPTION },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: "https://{apiId}.execute-api.{region}.amazonaws.com", variables: { apiId: { default: "apiId" }, region: { default: "eu-west-1" } } }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      schemas: COMPONENT_SCHEMAS,
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "a Cognito user pool access token of the customer app client" },
      },
    },
  };
}

/** The document as checked in at docs/openapi.json. */
export const renderOpenApi = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;
