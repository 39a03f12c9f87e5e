/**
 * Provisions the local stack's devices through the fleet provisioning MQTT flow before they publish: attaches the
 * stand-in to the loopback broker (templates named for the `local` stack, an allow-list of exactly the given
 * devices unless one is passed), runs the device side of the flow for each, and reports when each was
 * provisioned. A device the hook refuses is reported with the reason, never silently skipped.
 */
import { AllowList, MemoryAllowList } from "../../functions/provisioningHook/decide";
import { DEVICE_KINDS, DeviceKind, provisioningTemplateName } from "../../functions/provisioningHook/serials";
import { provisionByClaim } from "../../devices/provisioning/claimFlow";
import { LoopbackBroker } from "./broker";
import { LocalTemplate, ProvisioningStandIn, attachProvisioning } from "./provisioning";

export const LOCAL_STACK = "local";

export interface FleetDevice {
  readonly kind: DeviceKind;
  readonly serial: string;
}

export interface ProvisionedEntry extends FleetDevice {
  readonly thingName: string;
  readonly certificateId: string;
  /** When the stand-in accepted RegisterThing (ms since the epoch). */
  readonly provisionedAt: number;
}

export interface ProvisioningReport {
  readonly provisioned: readonly ProvisionedEntry[];
  readonly refused: readonly (FleetDevice & { readonly reason: string })[];
  /** The stand-in, still attached: its gate keeps refusing publishes by client ids that are not things. */
  readonly standIn: ProvisioningStandIn;
}

/** The local templates: one per kind, as the infra's (thing group and device policy named likewise). */
export function localTemplates(stack = LOCAL_STACK): Record<string, LocalTemplate> {
  return Object.fromEntries(
    DEVICE_KINDS.map((kind) => [
      provisioningTemplateName(stack, kind),
      { kind, thingGroupName: `gridrail-${stack}-${kind}s`, devicePolicyName: `gridrail-${stack}-${kind}-device-policy` },
    ]),
  );
}

export interface ProvisionFleetOptions {
  /** Default: exactly `devices`. */
  readonly allowList?: AllowList;
  /** Devices provisioned at once. Default 4. */
  readonly concurrency?: number;
  readonly now?: () => number;
}

const attached = new WeakSet<LoopbackBroker>();

/** Call once per broker: a second stand-in would answer every request twice. Later devices use `provisionByClaim`. */
export async function provisionFleet(
  broker: LoopbackBroker,
  devices: readonly FleetDevice[],
  options: ProvisionFleetOptions = {},
): Promise<ProvisioningReport> {
  const allowList =
    options.allowList ??
    new MemoryAllowList({
      meter: devices.filter((d) => d.kind === "meter").map((d) => d.serial),
      train: devices.filter((d) => d.kind === "train").map((d) => d.serial),
    });
  if (attached.has(broker))
    throw new Error(`provisionFleet: ${broker.url} already has the provisioning stand-in; provision later devices with provisionByClaim`);
  attached.add(broker);
  const standIn = attachProvisioning(broker, { templates: localTemplates(), allowList, now: options.now });
  const provisioned: ProvisionedEntry[] = [];
  const refused: (FleetDevice & { reason: string })[] = [];
  let next = 0;
  const worker = async () => {
    while (next < devices.length) {
      const device = devices[next++];
      try {
        const out = await provisionByClaim({ endpoint: broker.url, templateName: provisioningTemplateName(LOCAL_STACK, device.kind), serial: device.serial });
        const thing = standIn.things.get(out.thingName);
        provisioned.push({ ...device, thingName: out.thingName, certificateId: out.certificateId, provisionedAt: thing?.provisionedAt ?? Number.NaN });
      } catch (e) {
        refused.push({ ...device, reason: (e as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  const order = new Map(devices.map((d, i) => [d.serial, i]));
  const byInput = <T extends FleetDevice>(a: T, b: T) => (order.get(a.serial) ?? 0) - (order.get(b.serial) ?? 0);
  return { provisioned: provisioned.sort(byInput), refused: refused.sort(byInput), standIn };
}
