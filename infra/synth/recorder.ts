/**
 * Runs a Pulumi program in-process under `pulumi.runtime.setMocks` and records every resource registration:
 * type, logical name, parent and the exact inputs the provider would receive. No engine, no plugin, no cloud.
 *
 * `setMocks` is process-global; `synthesize` resets it (and the config) on every call, so stacks can be
 * synthesized one after another in the same process (mocha, the synth CLI).
 */
import * as pulumi from "@pulumi/pulumi";
import { mockCall, mockResource, REMOTE_COMPONENTS } from "./mockOutputs";

export const PROJECT = "gridrail";
const STACK_TYPE = "pulumi:pulumi:Stack";

export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Type of the parent resource; null for the stack's direct children. */
  readonly parentType: string | null;
  readonly parentUrn: string | undefined;
  readonly custom: boolean;
  /** The `retainOnDelete` resource option (stateful resources in prod). */
  readonly retainOnDelete: boolean;
  /** Inputs as the provider would receive them (secrets, assets still wrapped). */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** The mock's outputs (ids, ARNs, names). */
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface Synthesis {
  readonly stack: string;
  /** Every registered resource except the root stack, sorted by URN (parent chain, type, name). */
  readonly resources: readonly RecordedResource[];
  /** The program's stack outputs. */
  readonly outputs: Readonly<Record<string, unknown>>;
}

interface MonitorLike {
  registerResource(req: RegisterRequest, callback: (err: unknown, resp: unknown) => void): unknown;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getRetainondelete?(): boolean | undefined;
  getObject(): unknown;
}

function urnOf(parentUrn: string | undefined, type: string, name: string, stack: string): string {
  let qualified = type;
  if (parentUrn) qualified = `${parentUrn.split("::")[2]}$${type}`;
  return `urn:pulumi:${stack}::${PROJECT}::${qualified}::${name}`;
}

function typeOfUrn(urn: string): string {
  return urn.split("::")[2].split("$").pop()!;
}

/**
 * Synthesizes `program` as stack `stack` with raw config `config` (full keys, string values). The program
 * runs inside a root stack resource like a real `pulumi up`; its return value becomes the stack outputs.
 */
export async function synthesize(stack: string, config: Readonly<Record<string, string>>, program: () => unknown): Promise<Synthesis> {
  const stackRegion = config["aws:region"] ?? "us-east-1";
  const providerRegions = new Map<string, string>();
  const regionOf = (providerRef: string | undefined): string => {
    if (!providerRef) return stackRegion;
    // A provider reference is "<urn>::<id>"; the URN ends with the provider's (unique) logical name.
    const parts = providerRef.split("::");
    return providerRegions.get(parts[parts.length - 2]) ?? stackRegion;
  };
  const outputsByUrn = new Map<string, Record<string, unknown>>();
  const pendingUrns = new Map<string, string[]>();

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const key = `${args.type}::${args.name}`;
        const urn = pendingUrns.get(key)?.shift();
        if (args.type.startsWith("pulumi:providers:")) {
          providerRegions.set(args.name, String(args.inputs.region ?? stackRegion));
          return { id: `${args.name}-provider`, state: args.inputs };
        }
        // local components have no outputs of their own; remote ones (awsx) stand for the children they would create
        if (!args.custom && !REMOTE_COMPONENTS.includes(args.type)) return { id: "", state: {} };
        const result = mockResource(args.type, args.name, args.inputs, regionOf(args.provider));
        if (urn) outputsByUrn.set(urn, { ...result.state, id: result.id });
        return result;
      },
      call(args) {
        return mockCall(args.token, regionOf(args.provider));
      },
    },
    PROJECT,
    stack,
    false,
  );
  pulumi.runtime.setAllConfig({ ...config });

  const recorded: Omit<RecordedResource, "outputs">[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const type = req.getType();
    const name = req.getName();
    const parentUrn = req.getParent() || undefined;
    const urn = urnOf(parentUrn, type, name, stack);
    const key = `${type}::${name}`;
    pendingUrns.set(key, [...(pendingUrns.get(key) ?? []), urn]);
    if (type !== STACK_TYPE) {
      const parentType = parentUrn ? typeOfUrn(parentUrn) : null;
      recorded.push({
        urn,
        type,
        name,
        parentUrn,
        parentType: parentType === STACK_TYPE ? null : parentType,
        custom: req.getCustom(),
        retainOnDelete: req.getRetainondelete?.() === true,
        inputs: pulumi.runtime.deserializeProperties(req.getObject() as never) as Record<string, unknown>,
      });
    }
    return register(req, callback);
  };

  const outputs = await pulumi.runtime.runInPulumiStack(async () => (await program()) as pulumi.Inputs);
  await waitForRegistrations();

  const urns = new Set<string>();
  for (const r of recorded) {
    if (urns.has(r.urn)) throw new Error(`two resources share the URN ${r.urn}: logical names must be unique`);
    urns.add(r.urn);
  }
  const resources = recorded.map((r) => ({ ...r, outputs: outputsByUrn.get(r.urn) ?? {} })).sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return { stack, resources, outputs: (outputs ?? {}) as Record<string, unknown> };
}

/**
 * Resolves once every pending resource operation has finished. The SDK tracks them with a keep-alive counter
 * and exposes the drain as `runtime.waitForRPCs` (marked internal, present in the pinned 3.248.0).
 */
async function waitForRegistrations(): Promise<void> {
  const wait = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (typeof wait !== "function") throw new Error("@pulumi/pulumi no longer exposes runtime.waitForRPCs; update infra/synth/recorder.ts");
  await wait();
}
