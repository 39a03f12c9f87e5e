/** AWS IoT: rules report their failures; device policies stay scoped to the device's own client id and topics. */
import { resourceRule, Rule } from "../rule";
import { isUnknown, statements } from "../values";
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
        return found.filter((s) => s.effect === "Allow").flatMap((s) => [
            ...s.actions.filter((a) => a === "*" || a === "iot:*").map((a) => `IoT policy ${policy.name} statement ${s.id} allows ${a}`),
            ...s.resources.filter((r) => r === "*").map(() => `IoT policy ${policy.name} statement ${s.id} grants resource *`),
        ]);
    },
});

export const IOT_RULES: readonly Rule[] = [iotRuleErrorAction, iotPolicyLeastPrivilege];
