import { DEVICE_KINDS, DeviceKind, isDeviceKind, serialProblem } from "../functions/provisioningHook/serials";
import { jsonObject, repeatedItems } from "./configReader";

/**
 * `gridrail:deviceAllowList`: JSON `{ "meter": [serials], "train": [serials] }`, both optional. Serials put on
 * the fleet provisioning allow-lists at deploy time, one table item each; meant for development fleets. Larger
 * fleets add their serials to the allow-list tables directly (docs/devices.md).
 */
export type DeviceAllowList = Readonly<Record<DeviceKind, readonly string[]>>;

/** Each seeded serial is a resource of the stack: beyond this, load the table instead. */
export const MAX_SEEDED_SERIALS = 100;

/** Validates `raw` (the config value's JSON text, or undefined); problems are appended, one exact line each. */
export function parseDeviceAllowList(raw: string | undefined, problems: string[]): DeviceAllowList {
  const key = "gridrail:deviceAllowList";
  const out: Record<DeviceKind, string[]> = { meter: [], train: [] };
  if (raw === undefined) return out;
  const parsed = jsonObject(raw);
  if (parsed === undefined) {
    problems.push(`${key} must be an object of device kind (${DEVICE_KINDS.join(", ")}) to a list of serials`);
    return out;
  }
  for (const [kind, serials] of Object.entries(parsed)) {
    if (!isDeviceKind(kind)) {
      problems.push(`${key}: "${kind}" is not a device kind (one of ${DEVICE_KINDS.join(", ")})`);
    } else if (!Array.isArray(serials)) {
      problems.push(`${key}.${kind} must be a list of serials`);
    } else if (serials.length > MAX_SEEDED_SERIALS) {
      problems.push(`${key}.${kind} has ${serials.length} serials; at most ${MAX_SEEDED_SERIALS} are seeded from config`);
    } else {
      const bad = serials.map((s) => serialProblem(kind, s)).filter((p): p is string => p !== undefined);
      problems.push(...bad.map((p) => `${key}.${kind}: ${p}`));
      problems.push(...repeatedItems(serials as string[]).map((s) => `${key}.${kind}: serial "${s}" is listed more than once`));
      if (bad.length === 0) out[kind] = [...new Set(serials as string[])];
    }
  }
  return out;
}
