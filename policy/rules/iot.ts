/**
 * AWS IoT: rules report their failures; device policies stay scoped to the device's own client id and topics,
 * and let devices only read the shadows the cloud writes.
 */
import { ResourceView, StackGraph } from "../graph";
import { resourceRule, Rule, stackRule } from "../rule";
import { get, isTrue, isUnknown, policyChars, show, statements } from "../values";
import { T } from "./types";

export const iotRuleErrorAction = resourceRule({
  id: "iot-rule-error-action",
  level: "mandatory",
  description: "Every IoT topic rule has an error action, so failed deliveries are not dropped silently.",
  types: T.iotRule,
  check(rule) {
    const action = rule.inputs.errorAction;
    const empty = action === undefined || action === null || (typeof action === "object" && Object.keys(action).length === 0);
    return empty ? [`IoT rule ${rule.name} has no error action`] : [];
  },
});

export const iotPolicyLeastPrivilege = resourceRule({
  id: "iot-policy-least-privilege",
  level: "mandatory",
  description: "No IoT policy allows iot:* or * actions, or any action on resource *.",
  types: T.iotPolicy,
  check(policy) {
    if (isUnknown(policy.inputs.policy)) return [];
    const found = statements(policy.inputs.policy);
    if (!found) return [`IoT policy ${policy.name} has no readable policy document`];
    return found
      .filter((s) => s.effect === "Allow")
      .flatMap((s) => [
        ...s.actions.filter((a) => a === "*" || a === "iot:*").map((a) => `IoT policy ${policy.name} statement ${s.id} allows ${a}`),
        ...s.resources.filter((r) => r === "*").map(() => `IoT policy ${policy.name} statement ${s.id} grants resource *`),
      ]);
  },
});

const WILD = /^[*+#?]/;

/**
 * Why an IoT resource reaches other devices' clients or topics, or undefined. Topics are named
 * `<system>/<device>/...` (and AWS's `$aws/things/<device>/...`): a wildcard where the device goes, a whole
 * namespace (`topic/*`), or any client id (`client/*`) lets one device act as, or listen to, every other.
 */
export function crossDeviceReach(resource: string): string | undefined {
  const m = /:(client|topic|topicfilter)\/(.*)$/.exec(resource);
  if (!m) return undefined;
  const [, kind, path] = m;
  if (kind === "client") return WILD.test(path) ? "any client id" : undefined;
  const parts = path.split("/");
  if (parts.length === 1 && WILD.test(parts[0])) return "every topic";
  if (parts[0] === "$aws") return parts[1] === "things" && WILD.test(parts[2] ?? "") ? "every thing's shadow and job topics" : undefined;
  return WILD.test(parts[1] ?? "") ? `every device's ${parts[0]}/ topics` : WILD.test(parts[0]) ? "every topic" : undefined;
}

export const iotPolicyPerDevice = resourceRule({
  id: "iot-policy-per-device",
  level: "mandatory",
  description:
    "No IoT policy reaches other devices: no `client/*`, no whole topic namespace, no wildcard where a topic names its device (a policy variable such as ${iot:Connection.Thing.ThingName} names the device's own).",
  types: T.iotPolicy,
  check(policy) {
    if (isUnknown(policy.inputs.policy)) return [];
    return (statements(policy.inputs.policy) ?? [])
      .filter((s) => s.effect === "Allow")
      .flatMap((s) =>
        s.resources.flatMap((r) => {
          const reach = crossDeviceReach(r);
          return reach ? [`IoT policy ${policy.name} statement ${s.id} grants ${r}: ${reach}`] : [];
        }),
      );
  },
});

/** An IoT resource pattern as a regular expression: `*` any run of characters, `?` one. */
function globSource(pattern: string): string {
  // a run of `*` matches what one does; as `.*.*.*…` it would backtrack exponentially on a miss
  return pattern
    .replace(/\*+/g, "*")
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
    .join("");
}

/** A device policy's resource as a regular expression; a `${iot:...}` variable is any one device's name. */
function devicePattern(resource: string): RegExp {
  return new RegExp(
    `^${resource
      .split(/\$\{iot:[^}]+\}/)
      .map(globSource)
      .join("[^/]+")}$`,
  );
}

const SHADOW_UPDATE = ["iot:UpdateThingShadow"];
const NAMED_SHADOW = /^arn:[^:]+:iot:[^:]*:[^:]*:thing\/[^/]+\/([^/*?]+)$/;

/** Named shadows that a Lambda's role may update: the cloud writes them. */
function cloudOwnedShadows(graph: StackGraph): string[] {
  const names = new Set<string>();
  for (const p of graph.ofType("aws:iam/rolePolicy:RolePolicy")) {
    for (const s of statements(p.inputs.policy) ?? []) {
      if (s.effect !== "Allow" || !s.actions.some((a) => SHADOW_UPDATE.includes(a))) continue;
      for (const r of s.resources) {
        const m = NAMED_SHADOW.exec(r);
        if (m) names.add(m[1]);
      }
    }
  }
  return [...names].sort();
}

/** What a device must not be allowed to do to a cloud-owned shadow `name` (of some thing `thing`). */
function writesTo(policy: ResourceView, name: string): string[] {
  const found = statements(policy.inputs.policy) ?? [];
  const out: string[] = [];
  for (const s of found.filter((st) => st.effect === "Allow")) {
    for (const action of s.actions) {
      const publish = ["iot:Publish", "iot:*", "*"].includes(action);
      const http = ["iot:UpdateThingShadow", "iot:DeleteThingShadow", "iot:*", "*"].includes(action);
      for (const resource of s.resources) {
        const re = devicePattern(resource);
        const arn = resource.replace(/:(topic|thing|topicfilter|client)\/.*$/, "");
        const hits = [
          ...(publish ? ["update", "delete"].map((op) => `${arn}:topic/$aws/things/a-device/shadow/name/${name}/${op}`) : []),
          ...(http ? [`${arn}:thing/a-device/${name}`] : []),
        ].filter((target) => re.test(target));
        for (const target of hits) {
          const what = target.slice(arn.length + 1).replace("a-device", "<thing>");
          out.push(
            `IoT policy ${policy.name} statement ${s.id} allows ${action} on ${resource}, which covers ${what}: shadow "${name}" is written by the cloud, devices may only read it`,
          );
        }
      }
    }
  }
  return out;
}

export const iotDeviceCloudShadowsReadOnly = stackRule({
  id: "iot-device-cloud-shadows-read-only",
  level: "mandatory",
  description:
    "No IoT policy lets a device update or delete a named shadow that a Lambda role of the stack updates (the cloud's alerts): an IoT policy cannot limit which part of a document an update touches.",
  check(graph) {
    const shadows = cloudOwnedShadows(graph);
    return graph
      .ofType(...T.iotPolicy)
      .filter((p) => !isUnknown(p.inputs.policy))
      .flatMap((p) => shadows.flatMap((name) => writesTo(p, name)).map((message) => ({ resource: p, message })));
  },
});

const PROVISIONING_TEMPLATE = ["aws:iot/provisioningTemplate:ProvisioningTemplate"];

export const iotProvisioningTemplateHooked = resourceRule({
  id: "iot-provisioning-template-hooked",
  level: "mandatory",
  description:
    "Every fleet provisioning template is enabled and has a pre-provisioning hook: without one, anyone holding the shared claim certificate can provision a device.",
  types: PROVISIONING_TEMPLATE,
  check(template) {
    const out: string[] = [];
    const target = get(template.inputs, "preProvisioningHook.targetArn");
    if (target === undefined || target === null || target === "") {
      out.push(`IoT provisioning template ${template.name} has no pre-provisioning hook (preProvisioningHook.targetArn: ${show(target)})`);
    }
    const enabled = template.inputs.enabled;
    if (!isUnknown(enabled) && !isTrue(enabled)) out.push(`IoT provisioning template ${template.name} is not enabled (enabled: ${show(enabled)})`);
    return out;
  },
});

/** Topics of the fleet provisioning MQTT API; a policy allowing one of them is a claim certificate's policy. */
const CLAIM_TOPIC = /:topic(filter)?\/\$aws\/(certificates\/create\/|provisioning-templates\/[^/*]+\/provision\/)/;

export const iotClaimPolicyProvisioningOnly = resourceRule({
  id: "iot-claim-policy-provisioning-only",
  level: "mandatory",
  description:
    "An IoT policy that allows the fleet provisioning topics (a claim certificate's) allows nothing else: connecting, and the $aws/certificates/create and $aws/provisioning-templates/<template>/provision topics.",
  types: T.iotPolicy,
  check(policy) {
    if (isUnknown(policy.inputs.policy)) return [];
    const allowed = (statements(policy.inputs.policy) ?? []).filter((s) => s.effect === "Allow");
    if (!allowed.some((s) => s.resources.some((r) => CLAIM_TOPIC.test(r)))) return [];
    return allowed.flatMap((s) =>
      s.actions.flatMap((action) =>
        s.resources
          .filter(
            (r) =>
              !(action === "iot:Connect" ? /:client\/[^*]/.test(r) : ["iot:Publish", "iot:Receive", "iot:Subscribe"].includes(action) && CLAIM_TOPIC.test(r)),
          )
          .map((r) => `IoT claim policy ${policy.name} statement ${s.id} allows ${action} on ${r}, beyond the fleet provisioning topics`),
      ),
    );
  },
});

/** AWS IoT's limit on a policy document, in characters other than white space. */
export const IOT_POLICY_MAX_CHARS = 2048;

export const iotPolicySize = resourceRule({
  id: "iot-policy-size",
  level: "mandatory",
  description: `Every IoT policy document is at most ${IOT_POLICY_MAX_CHARS} characters, white space excluded (IoT refuses a longer one at create or update).`,
  types: T.iotPolicy,
  check(policy) {
    const chars = policyChars(policy.inputs.policy);
    return chars !== undefined && chars > IOT_POLICY_MAX_CHARS
      ? [`IoT policy ${policy.name} is ${chars} characters without white space, over IoT's ${IOT_POLICY_MAX_CHARS}`]
      : [];
  },
});

export const IOT_RULES: readonly Rule[] = [
  iotRuleErrorAction,
  iotPolicyLeastPrivilege,
  iotPolicyPerDevice,
  iotPolicySize,
  iotDeviceCloudShadowsReadOnly,
  iotProvisioningTemplateHooked,
  iotClaimPolicyProvisioningOnly,
];
