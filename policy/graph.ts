/**
 * The neutral view every rule reads, built alike from the offline synth (`{ type, name, parent, inputs }`) and
 * from a real `pulumi preview` (`args.resources` of a stack policy), plus the joins rules need: in @pulumi/aws 7
 * a bucket's encryption, a cluster's parameters or a function's log group are separate resources.
 *
 * A reference is resolved by the engine's property dependencies when they exist (a real run, where a new
 * bucket's id is still unknown) and otherwise by value: the referring input holds the target's name, id or ARN
 * (the synth's mocks report a resource's logical or explicit name as its id and build ARNs from it).
 */
import { get, isUnknown, parseJson, strings } from "./values";

export type Environment = "dev" | "prod";

export interface ResourceView {
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  readonly urn?: string;
  /** Inputs (offline) or properties (real run), secrets masked, not-yet-known values as UNKNOWN. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** The `retainOnDelete` option; undefined when the source cannot tell (a real run, a graph file without it). */
  readonly retainOnDelete?: boolean;
  /** URNs each top-level input depends on (a real run); absent offline. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface StackView {
  /** `prod` turns the prod-only rules on; undefined when the source does not say. */
  readonly environment?: Environment;
  readonly resources: readonly ResourceView[];
}

/** Input names that carry a resource's physical name, plus the id and ARN a real run reports. */
const HANDLE_KEYS = ["name", "bucket", "clusterIdentifier", "functionName", "identityPoolName", "arn", "id"];

/** Names a reference string may be resolved by: the string, an ARN's resource part with and without type and qualifier, a URL's last segment. */
export function referenceKeys(value: string): string[] {
  const keys = [value];
  const arn = /^arn:[^:]*:[^:]*:[^:]*:[^:]*:(.+)$/.exec(value);
  if (arn) {
    const resource = arn[1];
    const withoutType = /^[A-Za-z-]+[/:](.+)$/.exec(resource)?.[1] ?? resource;
    const withoutQualifier = withoutType.replace(/:[^:/]*$/, "");
    keys.push(resource, withoutType, withoutQualifier, withoutQualifier.split("/").pop()!, resource.split("/")[0]);
  }
  const url = /^(?:https:\/\/[^/]+|s3:\/)\/(.+)$/.exec(value);
  if (url) {
    const segments = url[1].split("/").filter(Boolean);
    keys.push(value.startsWith("s3:") ? segments[0] : segments[segments.length - 1]);
  }
  return keys.filter((k) => k !== undefined && k !== "");
}

export class StackGraph {
  readonly environment: Environment | undefined;
  readonly resources: readonly ResourceView[];
  private readonly byUrn = new Map<string, ResourceView>();
  private readonly handles = new Map<string, Map<string, ResourceView[]>>();

  constructor(view: StackView) {
    this.environment = view.environment;
    this.resources = view.resources;
    for (const r of view.resources) if (r.urn) this.byUrn.set(r.urn, r);
  }

  ofType(...types: readonly string[]): ResourceView[] {
    return this.resources.filter((r) => types.includes(r.type));
  }

  /** Resources of one of `types` that the input at `path` of `from` refers to. */
  references(from: ResourceView, path: string, types: readonly string[]): ResourceView[] {
    const deps = from.propertyDependencies?.[path.split(".")[0]] ?? [];
    const byDeps = deps.map((u) => this.byUrn.get(u)).filter((r): r is ResourceView => r !== undefined && types.includes(r.type));
    if (byDeps.length > 0) return byDeps;
    const found = new Set<ResourceView>();
    for (const value of strings(get(from.inputs, path))) {
      if (isUnknown(value)) continue;
      for (const key of referenceKeys(value)) {
        for (const type of types) for (const r of this.handleIndex(type).get(key) ?? []) found.add(r);
      }
    }
    return [...found];
  }

  /** Resources of one of `types` whose input at `path` refers to `target`. */
  referrers(target: ResourceView, types: readonly string[], path: string): ResourceView[] {
    return this.ofType(...types).filter((r) => this.references(r, path, [target.type]).includes(target));
  }

  private handleIndex(type: string): Map<string, ResourceView[]> {
    let index = this.handles.get(type);
    if (!index) {
      index = new Map();
      for (const r of this.ofType(type)) {
        const values = [r.name, ...HANDLE_KEYS.map((k) => r.inputs[k])];
        for (const v of new Set(values)) {
          if (typeof v === "string" && v !== "" && !isUnknown(v)) index.set(v, [...(index.get(v) ?? []), r]);
        }
      }
      this.handles.set(type, index);
    }
    return index;
  }
}

/**
 * The environment a resource list declares through its AWS providers' default tags (`environment`, else
 * `stack`): the default provider of a real run carries the stack's `aws:defaultTags`.
 */
export function inferEnvironment(resources: readonly ResourceView[]): Environment | undefined {
  for (const r of resources) {
    if (!r.type.startsWith("pulumi:providers:aws")) continue;
    const tags = get(parseJson(r.inputs.defaultTags), "tags") as Record<string, unknown> | undefined;
    const value = tags?.environment ?? tags?.stack;
    if (value === "dev" || value === "prod") return value;
  }
  return undefined;
}
