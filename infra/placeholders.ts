import { StackConfig, insideNetwork, parseCidr } from "./config";

/** The address blocks RFC 5737 reserves for documentation: no caller is ever inside them. */
const DOCUMENTATION_BLOCKS: readonly string[] = ["192.0.2.0", "198.51.100.0", "203.0.113.0"];

/** Domains RFC 2606 reserves for examples: mail to them is never delivered. */
const EXAMPLE_DOMAIN = /@(?:[a-z0-9-]+\.)*example\.(?:com|net|org)$/i;

/** Whether a (validated) corporate CIDR lies in a documentation block, each a /24. */
function insideDocumentationBlock(cidr: string): boolean {
  const parsed = parseCidr(cidr);
  return parsed !== undefined && DOCUMENTATION_BLOCKS.some((block) => insideNetwork(parsed, block, 24));
}

/**
 * Values the stack files ship as examples that a real deployment must replace: the deployment still works, but
 * no one can read the shared data from the corporate network, or no one receives the alarms; and a prod stack
 * whose customers' mail goes through Cognito's capped sender. One warning each.
 */
export function placeholderWarnings(
  config: Pick<StackConfig, "corporateCidrs" | "alarmEmail"> & Partial<Pick<StackConfig, "environment" | "customerEmailSender">>,
): string[] {
  const warnings: string[] = [];
  const examples = config.corporateCidrs.filter(insideDocumentationBlock);
  if (examples.length > 0) {
    warnings.push(
      `gridrail:corporateCidrs holds documentation ranges (${examples.join(", ")}) that no caller is ever in: set the corporate network's ranges, or no person can read the raw shared data outside Athena`,
    );
  }
  if (config.alarmEmail !== undefined && EXAMPLE_DOMAIN.test(config.alarmEmail)) {
    warnings.push(
      `gridrail:alarmEmail ${config.alarmEmail} is an example address that never receives mail: set the on-call address, or the alarms reach no one`,
    );
  }
  if (config.environment === "prod" && config.customerEmailSender === undefined) {
    warnings.push(
      "gridrail:customerEmailSender is not set: Cognito sends customers' sign-up and reset codes itself, a few dozen a day per account; set an SES identity before opening sign-up",
    );
  }
  return warnings;
}
