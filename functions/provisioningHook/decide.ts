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

/** When a serial was provisioned, and with which certificate. */
export interface Provisioned {
  readonly provisionedAt: string;
  readonly certificateId?: string;
}

/** The serials allowed to join, per device kind; each joins once. */
export interface AllowList {
  has(kind: DeviceKind, serial: string): Promise<boolean>;
  /**
   * Marks `serial` provisioned with `certificateId`, unless it already was with another certificate: undefined
   * when marked now (or by this certificate before: IoT Core's retry of one request), else the earlier mark.
   */
  claim(kind: DeviceKind, serial: string, certificateId: string | undefined, at: Date): Promise<Provisioned | undefined>;
}

/** The allow-list item that marks a serial provisioned (a separate item: deploys manage the serials' own). */
export const provisionedKey = (serial: string) => `provisioned#${serial}`;

export interface Decision extends PreProvisioningResponse {
  readonly serial: string | undefined;
  /** Why the device was refused; undefined when allowed. IoT Core does not pass it on, so the hook logs it. */
  readonly reason?: string;
}

/** The template parameter the device sends its serial in. */
export const SERIAL_PARAMETER = "SerialNumber";

/**
 * A serial joins once: a copy of the claim certificate cannot give another device a provisioned train's identity.
 * A device that lost its key joins again once an operator deletes its `provisioned#<serial>` item.
 */
export async function decideProvisioning(event: unknown, kind: DeviceKind, allowList: AllowList, now: () => Date = () => new Date()): Promise<Decision> {
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
  const certificateId = (event as PreProvisioningEvent).certificateId;
  const earlier = await allowList.claim(kind, serial, typeof certificateId === "string" ? certificateId : undefined, now());
  if (earlier) {
    const cert = earlier.certificateId ? ` with certificate ${earlier.certificateId}` : "";
    return {
      allowProvisioning: false,
      serial,
      reason: `serial ${show(serial)} was provisioned at ${earlier.provisionedAt}${cert}; to provision it again, delete the allow-list item ${show(provisionedKey(serial))}`,
    };
  }
  return { allowProvisioning: true, serial };
}

/** An allow-list held in memory: the local stack's, and tests'. */
export class MemoryAllowList implements AllowList {
  private readonly serials: Readonly<Record<DeviceKind, Set<string>>>;

  constructor(serials: Partial<Readonly<Record<DeviceKind, readonly string[]>>>) {
    this.serials = { meter: new Set(serials.meter ?? []), train: new Set(serials.train ?? []) };
  }

  private readonly provisioned = new Map<string, Provisioned>();

  has(kind: DeviceKind, serial: string): Promise<boolean> {
    return Promise.resolve(this.serials[kind].has(serial));
  }

  claim(kind: DeviceKind, serial: string, certificateId: string | undefined, at: Date): Promise<Provisioned | undefined> {
    const key = `${kind}/${serial}`;
    const earlier = this.provisioned.get(key);
    if (earlier) return Promise.resolve(certificateId !== undefined && earlier.certificateId === certificateId ? undefined : earlier);
    this.provisioned.set(key, { provisionedAt: at.toISOString(), ...(certificateId ? { certificateId } : {}) });
    return Promise.resolve(undefined);
  }

  /** What an operator does to let a device that lost its key join again. */
  forget(kind: DeviceKind, serial: string): void {
    this.provisioned.delete(`${kind}/${serial}`);
  }

  add(kind: DeviceKind, serial: string): void {
    this.serials[kind].add(serial);
  }
}
