/**
 * The part of IoT Core's policy evaluation the local broker reproduces: may a connected device publish on a
 * topic, subscribe to a topic filter, or receive a message on a topic, under its IoT policy? The device's policy
 * variables (`${iot:Connection.Thing.ThingName}`, `${iot:ClientId}`) are its client id, as for a thing that
 * connects with its own name. An explicit Deny wins.
 */
import type { PolicyDocument } from "../../infra/shared/policyDocuments";
import { IotScope, TrainShadows, iotArn, trainDevicePolicy } from "../../infra/shared/iotPolicies";
import type { BrokerOptions } from "./broker";

/** An IoT policy resource, variables substituted, as a regular expression: `*` any run of characters, `?` one. */
function resourcePattern(resource: string, clientId: string): RegExp {
  const concrete = resource.replace(/\$\{iot:(Connection\.Thing\.ThingName|ClientId)\}/g, clientId);
  return new RegExp(
    `^${concrete
      .split("")
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
      .join("")}$`,
  );
}

/** Where the local stack evaluates policies: ARNs only need to agree with themselves. */
export const LOCAL_SCOPE: IotScope = { partition: "aws", region: "local", accountId: "000000000000" };

/** Whether `policy` allows `action` on `resource` for `clientId`: an Allow matches and no Deny does. */
function allows(policy: PolicyDocument, clientId: string, action: string, resource: string): boolean {
  const matching = policy.Statement.filter((s) => {
    const actions = ([] as string[]).concat(s.Action as string | string[]);
    const resources = ([] as string[]).concat((s.Resource ?? []) as string | string[]);
    return actions.some((a) => a === action || a === "iot:*" || a === "*") && resources.some((r) => resourcePattern(r, clientId).test(resource));
  });
  return matching.some((s) => s.Effect === "Allow") && !matching.some((s) => s.Effect === "Deny");
}

export function mayPublish(policy: PolicyDocument, scope: IotScope, clientId: string, topic: string): boolean {
  return allows(policy, clientId, "iot:Publish", iotArn(scope, `topic/${topic}`));
}

/** A subscription is judged on the filter as written (wildcards included), against `topicfilter/` resources. */
export function maySubscribe(policy: PolicyDocument, scope: IotScope, clientId: string, filter: string): boolean {
  return allows(policy, clientId, "iot:Subscribe", iotArn(scope, `topicfilter/${filter}`));
}

/** A delivery is judged on the message's topic, against `topic/` resources. */
export function mayReceive(policy: PolicyDocument, scope: IotScope, clientId: string, topic: string): boolean {
  return allows(policy, clientId, "iot:Receive", iotArn(scope, `topic/${topic}`));
}

/**
 * The local stack's checks for the broker: trains (`train-*` clients) publish, subscribe and receive under
 * the program's train device policy; other clients are not checked.
 */
export function trainPolicyChecks(shadows: TrainShadows): Required<BrokerOptions> {
  const policy = trainDevicePolicy(LOCAL_SCOPE, shadows);
  const isTrain = (clientId: string): boolean => clientId.startsWith("train-");
  return {
    mayPublish: (clientId, topic) => !isTrain(clientId) || mayPublish(policy, LOCAL_SCOPE, clientId, topic),
    maySubscribe: (clientId, filter) => !isTrain(clientId) || maySubscribe(policy, LOCAL_SCOPE, clientId, filter),
    mayReceive: (clientId, topic) => !isTrain(clientId) || mayReceive(policy, LOCAL_SCOPE, clientId, topic),
  };
}
