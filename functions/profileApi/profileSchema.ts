import { show } from "./httpApi";

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
const ADDRESS_FIELDS = ["line1", "line2", "city", "postcode", "country"] as const;
const NOTIFICATION_FIELDS = ["dailyReport", "unusualUsage", "channel"] as const;
const READ_ONLY: Record<string, string> = {
  clientId: "is the smart-meter id, linked with POST /profile/meter, and cannot be set here",
  customerId: "comes from the access token and cannot be set",
  createdAt: "is kept by the server and cannot be set",
  updatedAt: "is kept by the server and cannot be set",
  version: "is kept by the server; send it as If-Match instead",
};

const EMAIL = /^[^\s@"<>(),;:\\]+@[^\s@"<>(),;:\\]+\.[^\s@"<>(),;:\\]+$/;
const PHONE = /^\+[1-9][0-9]{6,14}$/;
const POSTCODE = /^[A-Za-z0-9][A-Za-z0-9 -]{0,8}[A-Za-z0-9]$/;
const COUNTRY = /^[A-Z]{2}$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(problems: string[], field: string, value: unknown, min: number, max: number): string | undefined {
  if (typeof value !== "string" || [...value].length < min || [...value].length > max || CONTROL.test(value) || value.trim() !== value) {
    problems.push(`${field} must be a string of ${min} to ${max} characters without control characters or surrounding spaces, got ${show(value)}`);
    return undefined;
  }
  return value;
}

function matching(problems: string[], field: string, value: unknown, pattern: RegExp, max: number, what: string): string | undefined {
  if (typeof value !== "string" || value.length > max || !pattern.test(value)) {
    problems.push(`${field} must be ${what}, got ${show(value)}`);
    return undefined;
  }
  return value;
}

function unknownKeys(problems: string[], where: string, raw: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(raw)) {
    if (known.includes(key) || (where === "" && Object.hasOwn(READ_ONLY, key))) continue;
    problems.push(`unknown field ${show(where + key)} (allowed: ${known.map((k) => where + k).join(", ")})`);
  }
}

function required(problems: string[], field: string, raw: Record<string, unknown>, key: string): boolean {
  if (raw[key] !== undefined) return true;
  problems.push(`${field} is required`);
  return false;
}

function address(problems: string[], raw: unknown): PostalAddress | undefined {
  if (!isObject(raw)) {
    problems.push(`address must be an object with line1, city, postcode, country and optionally line2, got ${show(raw)}`);
    return undefined;
  }
  unknownKeys(problems, "address.", raw, ADDRESS_FIELDS);
  const out: Record<string, string | undefined> = {
    line1: required(problems, "address.line1", raw, "line1") ? text(problems, "address.line1", raw.line1, 1, 100) : undefined,
    city: required(problems, "address.city", raw, "city") ? text(problems, "address.city", raw.city, 1, 60) : undefined,
    postcode: required(problems, "address.postcode", raw, "postcode")
      ? matching(problems, "address.postcode", raw.postcode, POSTCODE, 10, "2-10 letters, digits, spaces or hyphens")
      : undefined,
    country: required(problems, "address.country", raw, "country")
      ? matching(problems, "address.country", raw.country, COUNTRY, 2, 'an ISO 3166-1 alpha-2 code in capitals like "GB"')
      : undefined,
  };
  if (raw.line2 !== undefined) out.line2 = text(problems, "address.line2", raw.line2, 1, 100);
  return out as unknown as PostalAddress;
}

function notifications(problems: string[], raw: unknown): NotificationPreferences | undefined {
  if (!isObject(raw)) {
    problems.push(`notifications must be an object with dailyReport, unusualUsage and channel, got ${show(raw)}`);
    return undefined;
  }
  unknownKeys(problems, "notifications.", raw, NOTIFICATION_FIELDS);
  for (const key of ["dailyReport", "unusualUsage"] as const) {
    if (required(problems, `notifications.${key}`, raw, key) && typeof raw[key] !== "boolean") {
      problems.push(`notifications.${key} must be true or false, got ${show(raw[key])}`);
    }
  }
  if (required(problems, "notifications.channel", raw, "channel") && raw.channel !== "email" && raw.channel !== "sms") {
    problems.push(`notifications.channel must be "email" or "sms", got ${show(raw.channel)}`);
  }
  return { dailyReport: raw.dailyReport as boolean, unusualUsage: raw.unusualUsage as boolean, channel: raw.channel as "email" | "sms" };
}

/** Checks a parsed PUT body against the schema above; throws ProfileValidationError with every problem. */
export function parseProfile(raw: unknown): ProfileFields {
  if (!isObject(raw)) throw new ProfileValidationError([`the body must be a JSON object, got ${show(raw)}`]);
  const problems: string[] = [];
  for (const [key, why] of Object.entries(READ_ONLY)) {
    if (Object.hasOwn(raw, key)) problems.push(`${key} ${why}, got ${show(raw[key])}`);
  }
  unknownKeys(problems, "", raw, PROFILE_FIELDS);
  const profile: Record<string, unknown> = {
    name: required(problems, "name", raw, "name") ? text(problems, "name", raw.name, 1, 100) : undefined,
    email: required(problems, "email", raw, "email")
      ? matching(problems, "email", raw.email, EMAIL, 254, 'an e-mail address like "ana@example.com"')
      : undefined,
  };
  if (raw.phone !== undefined) profile.phone = matching(problems, "phone", raw.phone, PHONE, 16, 'an E.164 number like "+441632960001"');
  if (raw.address !== undefined) profile.address = address(problems, raw.address);
  if (raw.tariff !== undefined) {
    if (!(TARIFFS as readonly unknown[]).includes(raw.tariff))
      problems.push(`tariff must be one of ${TARIFFS.map((t) => `"${t}"`).join(", ")}, got ${show(raw.tariff)}`);
    else profile.tariff = raw.tariff;
  }
  if (raw.notifications !== undefined) {
    profile.notifications = notifications(problems, raw.notifications);
    if (isObject(raw.notifications) && raw.notifications.channel === "sms" && raw.phone === undefined) {
      problems.push(`notifications.channel is "sms" but no phone is given`);
    }
  }
  if (problems.length > 0) throw new ProfileValidationError(problems);
  return profile as unknown as ProfileFields;
}
