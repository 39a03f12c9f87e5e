import { EMAIL_ADDRESS, jsonObject } from "../configReader";

/**
 * `gridrail:customerEmailSender`: how Cognito sends customers their codes. Unset, Cognito's built-in sender, which
 * AWS caps at a few dozen messages a day per account; set, SES with a verified identity:
 * `{"identityArn": "arn:aws:ses:<region>:<account>:identity/<domain or address>", "from": "Gridrail <no-reply@domain>"}`.
 */
export interface EmailSender {
  /** The verified SES identity (a domain or an address) Cognito sends as. */
  readonly identityArn: string;
  /** The From header; default the identity's address (an address identity only). */
  readonly from?: string;
}

const IDENTITY_ARN = /^arn:aws(?:-[a-z]+)*:ses:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):identity\/([^\s/]+)$/;
const FROM = /^(?:[^<>@]*<([^<>\s]+)>|([^<>\s]+))$/;

/** Parses the config value; problems name the key and the value. */
export function parseEmailSender(raw: string | undefined, problems: string[], region?: string): EmailSender | undefined {
  if (raw === undefined) return undefined;
  const key = "gridrail:customerEmailSender";
  const o = jsonObject(raw);
  if (o === undefined) {
    problems.push(`${key} must be a JSON object {"identityArn", "from"?}, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  const unknownKeys = Object.keys(o).filter((k) => k !== "identityArn" && k !== "from");
  if (unknownKeys.length > 0) problems.push(`${key} has unknown field(s) ${unknownKeys.join(", ")} (known: identityArn, from)`);
  const arn = typeof o.identityArn === "string" ? IDENTITY_ARN.exec(o.identityArn) : null;
  if (!arn) {
    problems.push(
      `${key}.identityArn must be an SES identity ARN arn:aws:ses:<region>:<account>:identity/<domain or address>, got ${JSON.stringify(o.identityArn)}`,
    );
    return undefined;
  }
  const identity = arn[3];
  if (region !== undefined && arn[1] !== region) {
    problems.push(`${key}.identityArn is in ${arn[1]}, the stack in ${region}: verify the identity in the stack's region`);
  }
  const identityDomain = EMAIL_ADDRESS.exec(identity)?.[1] ?? identity;
  if (o.from === undefined) {
    if (!EMAIL_ADDRESS.test(identity))
      problems.push(`${key}.from is required when the identity is a domain (${identity}): the address customers see mail from`);
    return { identityArn: o.identityArn as string };
  }
  const m = typeof o.from === "string" ? FROM.exec(o.from.trim()) : null;
  const address = m ? (m[1] ?? m[2]) : undefined;
  const domain = address === undefined ? undefined : EMAIL_ADDRESS.exec(address)?.[1];
  if (domain === undefined) {
    problems.push(`${key}.from must be an address or "Name <address>", got ${JSON.stringify(o.from)}`);
    return undefined;
  }
  if (EMAIL_ADDRESS.test(identity) && address!.toLowerCase() !== identity.toLowerCase()) {
    problems.push(`${key}.from ${JSON.stringify(o.from)} is not the identity's address ${identity}: SES sends only as a verified identity`);
  } else if (domain.toLowerCase() !== identityDomain.toLowerCase()) {
    problems.push(`${key}.from ${JSON.stringify(o.from)} is not of the identity's domain ${identityDomain}: SES sends only as a verified identity`);
  }
  return { identityArn: o.identityArn as string, from: (o.from as string).trim() };
}
