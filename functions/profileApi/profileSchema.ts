import { CONTROL_CLASS, Rule, flag, isObject, matching, object, oneOf, optional, required, text, validate } from "../shared/httpSchema";

/**
 * The profile a customer edits with `PUT /profile` (the whole document: absent optional fields are removed).
 *
 *   name           required  string, 1-100 characters, no control characters
 *   email          required  string, an e-mail address (local@domain.tld), at most 254 characters
 *   phone          optional  string, E.164: "+" then 7-15 digits, e.g. "+441632960001"
 *   address        optional  object, exactly these keys:
 *     line1          required  string, 1-100 characters
 *     line2          optional  string, 1-100 characters
 *     city           required  string, 1-60 characters
 *     postcode       required  string, 2-10 letters, digits, spaces or hyphens
 *     country        required  string, ISO 3166-1 alpha-2 in capitals, e.g. "GB"
 *   tariff         optional  one of "standard", "time-of-use", "economy-7", "dynamic"
 *   notifications  optional  object, exactly these keys:
 *     dailyReport    required  boolean: tell me when my daily report is ready
 *     unusualUsage   required  boolean: tell me when a day looks unusual
 *     channel        required  "email" or "sms" ("sms" needs a phone)
 *
 * Unknown fields are refused. Server-kept fields are refused too: `clientId` (the smart-meter id, linked by
 * POST /profile/meter), `customerId` (the caller, from the token), `createdAt`, `updatedAt`, `version`.
 */
export interface ProfileFields {
  readonly name: string;
  readonly email: string;
  readonly phone?: string;
  readonly address?: PostalAddress;
  readonly tariff?: Tariff;
  readonly notifications?: NotificationPreferences;
}

export interface PostalAddress {
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly postcode: string;
  readonly country: string;
}

export const TARIFFS = ["standard", "time-of-use", "economy-7", "dynamic"] as const;
export type Tariff = (typeof TARIFFS)[number];

export interface NotificationPreferences {
  readonly dailyReport: boolean;
  readonly unusualUsage: boolean;
  readonly channel: "email" | "sms";
}

export const PROFILE_FIELDS = ["name", "email", "phone", "address", "tariff", "notifications"] as const;
const READ_ONLY: Record<string, string> = {
  clientId: "is the smart-meter id, linked with POST /profile/meter, and cannot be set here",
  reportsFrom: "is the first day of your household's reports, set by the claim code you linked with, and cannot be set here",
  customerId: "comes from the access token and cannot be set",
  createdAt: "is kept by the server and cannot be set",
  updatedAt: "is kept by the server and cannot be set",
  version: "is kept by the server; send it as If-Match instead",
};

// an address part: no space, none of @ " < > ( ) , ; : \\, no control, separator or bidi character
const EMAIL_PART = `[^\\s@"<>(),;:\\\\${CONTROL_CLASS}\\ud800-\\udfff]+`;
const EMAIL = new RegExp(`^${EMAIL_PART}@${EMAIL_PART}\\.${EMAIL_PART}$`, "u");
const PHONE = /^\+[1-9][0-9]{6,14}$/;
const POSTCODE = /^[A-Za-z0-9][A-Za-z0-9 -]{0,8}[A-Za-z0-9]$/;
const COUNTRY = /^[A-Z]{2}$/;

export const PHONE_SCHEMA = matching(PHONE, 'an E.164 number like "+441632960001"', 16, "+441632960001");

export const ADDRESS_SCHEMA = object<PostalAddress>(
  {
    line1: required(text(1, 100)),
    line2: optional(text(1, 100)),
    city: required(text(1, 60)),
    postcode: required(matching(POSTCODE, "2-10 letters, digits, spaces or hyphens", 10, "SW1A 1AA")),
    country: required(matching(COUNTRY, 'an ISO 3166-1 alpha-2 code in capitals like "GB"', 2, "GB")),
  },
  { what: "an object with line1, city, postcode, country and optionally line2" },
);

export const NOTIFICATIONS_SCHEMA = object<NotificationPreferences>(
  {
    dailyReport: required(flag("tell me when my daily report is ready")),
    unusualUsage: required(flag("tell me when a day looks unusual")),
    channel: required(oneOf(["email", "sms"] as const, '"email" or "sms"')),
  },
  { what: "an object with dailyReport, unusualUsage and channel" },
);

/** "sms" needs a phone to send to. */
const SMS_NEEDS_PHONE: Rule = {
  check(raw, problems) {
    if (isObject(raw.notifications) && raw.notifications.channel === "sms" && raw.phone === undefined) {
      problems.push(`notifications.channel is "sms" but no phone is given`);
    }
  },
  jsonSchema: {
    if: { properties: { notifications: { type: "object", properties: { channel: { const: "sms" } }, required: ["channel"] } }, required: ["notifications"] },
    then: { required: ["phone"] },
  },
};

/** The PUT /profile body; validates requests and is the OpenAPI document's `ProfileFields` schema. */
export const PROFILE_SCHEMA = object<ProfileFields>(
  {
    name: required(text(1, 100)),
    email: required(matching(EMAIL, 'an e-mail address like "ana@example.com"', 254, "ana@example.com")),
    phone: optional(PHONE_SCHEMA),
    address: optional(ADDRESS_SCHEMA),
    tariff: optional(oneOf(TARIFFS)),
    notifications: optional(NOTIFICATIONS_SCHEMA),
  },
  {
    what: "a JSON object",
    refused: READ_ONLY,
    rules: [SMS_NEEDS_PHONE],
    description:
      "The whole profile: absent optional fields are removed. Server-kept fields (clientId, reportsFrom, customerId, createdAt, updatedAt, version) are refused.",
  },
);

/** Thrown with every problem of a body, each naming the field and the value. */
export class ProfileValidationError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const message = `invalid profile: ${problems.join("; ")}`;
    super(message);
    this.message = message;
    this.name = "ProfileValidationError";
    this.problems = problems;
  }
}

/** Checks a parsed PUT body against the schema above; throws ProfileValidationError with every problem. */
export function parseProfile(raw: unknown): ProfileFields {
  const result = validate(PROFILE_SCHEMA, raw);
  if (!result.ok) throw new ProfileValidationError(result.problems);
  return result.value;
}
