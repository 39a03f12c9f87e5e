/**
 * The pre-provisioning hook's decision: a device may join only if its serial has the format of the template's
 * device kind and is on that kind's allow-list. IoT Core gives the hook the template's parameters as the device
 * sent them in RegisterThing (payload version 2020-04-01) and expects `{ allowProvisioning }` back.
 */
import { DeviceKind, serialProblem, show } from "./serials";

/** The hook's event, payload version 2020-04-01 (only the fields the decision reads). */
export interface PreProvisioningEvent {
  readonly claimCertificateId?: string;
  readonly certificateId?: string;
  readonly templateArn?: string;
  readonly clientId?: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** What IoT Core reads from the hook. */
export interface PreProvisioningResponse {
  readonly allowProvisioning: boolean;
}

/** The serials allowed to join, per device kind. */
export interface AllowList {
  has(kind: DeviceKind, serial: string): Promise<boolean>;
}

export interface Decision extends PreProvisioningResponse {
  readonly serial: string | undefined;
  /** Why the device was refused; undefined when allowed. IoT Core does not pass it on, so the hook logs it. */
  readonly reason?: string;
}

/** The template parameter the device sends its serial in. */
export const SERIAL_PARAMETER = "SerialNumber";

export async function decideProvisioning(event: unknown, kind: DeviceKind, allowList: AllowList): Promise<Decision> {
  if (typeof event !== "object" || event === null) {
    return { allowProvisioning: false, serial: undefined, reason: `the hook event must be an object, got ${show(event)}` };
  }
  const parameters = (event as PreProvisioningEvent).parameters;
  const raw = typeof parameters === "object" && parameters !== null ? parameters[SERIAL_PARAMETER] : undefined;
  if (raw === undefined) return { allowProvisioning: false, serial: undefined, reason: `parameter ${SERIAL_PARAMETER} is required` };
  const problem = serialProblem(kind, raw);
  if (problem) return { allowProvisioning: false, serial: undefined, reason: `parameter ${SERIAL_PARAMETER}: ${problem}` };
  const serial = raw as string;
  if (!(await allowList.has(kind, serial))) {
    return { allowProvisioning: false, serial, reason: `serial ${show(serial)} is not on the ${kind} allow-list` };
  }
  return { allowProvisioning: true, serial };
}

/** An allow-list held in memory: the local stack's, and tests'. */
export class MemoryAllowList implements AllowList {
  private readonly serials: Readonly<Record<DeviceKind, Set<string>>>;

  constructor(serials: Partial<Readonly<Record<DeviceKind, readonly string[]>>>) {
    this.serials = { meter: new Set(serials.meter ?? []), train: new Set(serials.train ?? []) };
  }

  has(kind: DeviceKind, serial: string): Promise<boolean> {
    return Promise.resolve(this.serials[kind].has(serial));
  }

  add(kind: DeviceKind, serial: string): void {
    this.serials[kind].add(serial);
  }
}
