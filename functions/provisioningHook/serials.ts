/**
 * Device kinds and the serial formats fleet provisioning accepts for each. The serial becomes the thing name
 * and the MQTT client id, so it must match the formats the rest of the system already uses: meters publish as
 * `NMI<10 digits>` (`meters/<client id>/readings`), trains as `train-<digits>` (the anomaly Lambda's shadows and
 * the telemetry rule key on that prefix).
 */
import { showValue } from "../shared/showValue";

export type DeviceKind = "meter" | "train";

export const DEVICE_KINDS: readonly DeviceKind[] = ["meter", "train"];

export interface SerialFormat {
  readonly pattern: RegExp;
  /** Thing names of this kind start with this; IAM and IoT policies scope to `<prefix>*`. */
  readonly prefix: string;
  readonly description: string;
  readonly example: string;
}

export const SERIAL_FORMATS: Readonly<Record<DeviceKind, SerialFormat>> = {
  meter: { pattern: /^NMI[0-9]{10}$/, prefix: "NMI", description: "NMI followed by 10 digits", example: "NMI6100000001" },
  train: { pattern: /^train-[0-9]{4,8}$/, prefix: "train-", description: "train- followed by 4 to 8 digits", example: "train-0001" },
};

/**
 * A device provisions under the claim certificate with client id `claim-<serial>`, never its serial: the claim
 * policy allows only these, so a copy of the claim certificate cannot take a provisioned device's client id
 * (IoT Core drops the older of two connections with one client id) and knock it offline.
 */
export const CLAIM_CLIENT_PREFIX = "claim-";

export function claimClientId(serial: string): string {
  return `${CLAIM_CLIENT_PREFIX}${serial}`;
}

export function isDeviceKind(value: unknown): value is DeviceKind {
  return typeof value === "string" && (DEVICE_KINDS as readonly string[]).includes(value);
}

/** Why `kind` is not a device kind, or undefined when it is one. */
export function kindProblem(kind: unknown): string | undefined {
  return isDeviceKind(kind) ? undefined : `kind ${show(kind)} is not a device kind (one of ${DEVICE_KINDS.join(", ")})`;
}

/** Why `serial` is not a valid serial of `kind`, or undefined when it is one. */
export function serialProblem(kind: DeviceKind, serial: unknown): string | undefined {
  const f = SERIAL_FORMATS[kind];
  if (typeof serial === "string" && f.pattern.test(serial)) return undefined;
  return `serial ${show(serial)} is not a ${kind} serial: ${f.description}, e.g. ${f.example}`;
}

/** JSON of a value for a message, cut to a readable length. */
export function show(value: unknown): string {
  return showValue(value, "undefined", 80);
}

/** Stack names that fit every physical name built from them (the provisioning template's is the tightest). */
export const STACK_NAME = /^[a-z][a-z0-9-]{0,20}$/;

/** `gridrail-<stack>-<kind>s`: the fleet provisioning template of `kind` in stack `stack`. */
export function provisioningTemplateName(stack: string, kind: DeviceKind): string {
  if (!STACK_NAME.test(stack)) throw new Error(`stack ${show(stack)} must be 1-21 lowercase letters, digits or -, starting with a letter`);
  return `gridrail-${stack}-${kind}s`;
}
