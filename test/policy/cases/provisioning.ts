import { ACCOUNT, policyDocument, res, RuleCase, variant } from "../fixtures";

const IOT = `arn:aws:iot:eu-west-1:${ACCOUNT}`;
const template = res("aws:iot/provisioningTemplate:ProvisioningTemplate", "meters-provisioning-template", {
  name: "gridrail-dev-meters",
  enabled: true,
  preProvisioningHook: { targetArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:meters-provisioning-hook-fn`, payloadVersion: "2020-04-01" },
});
const claimStatements = [
  { Sid: "ConnectAsDeviceSerial", Effect: "Allow", Action: "iot:Connect", Resource: `${IOT}:client/NMI*` },
  {
    Sid: "ProvisioningRequests",
    Effect: "Allow",
    Action: ["iot:Publish", "iot:Receive"],
    Resource: [`${IOT}:topic/$aws/certificates/create/json*`, `${IOT}:topic/$aws/provisioning-templates/gridrail-dev-meters/provision/json*`],
  },
  {
    Sid: "ProvisioningAnswers",
    Effect: "Allow",
    Action: "iot:Subscribe",
    Resource: [`${IOT}:topicfilter/$aws/certificates/create/json*`, `${IOT}:topicfilter/$aws/provisioning-templates/gridrail-dev-meters/provision/json*`],
  },
];
const claim = res("aws:iot/policy:Policy", "meters-provisioning-claim-policy", { policy: policyDocument(...claimStatements) });

export const PROVISIONING_CASES: readonly RuleCase[] = [
  {
    rule: "iot-provisioning-template-hooked",
    title: "a disabled template without a pre-provisioning hook",
    pass: [template],
    fail: [variant(template, { enabled: false, preProvisioningHook: undefined })],
    messages: [
      "IoT provisioning template meters-provisioning-template has no pre-provisioning hook (preProvisioningHook.targetArn: unset)",
      "IoT provisioning template meters-provisioning-template is not enabled (enabled: false)",
    ],
  },
  {
    rule: "iot-claim-policy-provisioning-only",
    title: "a claim policy that also publishes readings and connects as anyone",
    pass: [claim],
    fail: [
      variant(claim, {
        policy: policyDocument(
          { ...claimStatements[0], Resource: "*" },
          { ...claimStatements[1], Resource: [...claimStatements[1].Resource, `${IOT}:topic/meters/NMI6100000001/readings`] },
          claimStatements[2],
        ),
      }),
    ],
    messages: [
      "IoT claim policy meters-provisioning-claim-policy statement ConnectAsDeviceSerial allows iot:Connect on *, beyond the fleet provisioning topics",
      `IoT claim policy meters-provisioning-claim-policy statement ProvisioningRequests allows iot:Publish on ${IOT}:topic/meters/NMI6100000001/readings, beyond the fleet provisioning topics`,
      `IoT claim policy meters-provisioning-claim-policy statement ProvisioningRequests allows iot:Receive on ${IOT}:topic/meters/NMI6100000001/readings, beyond the fleet provisioning topics`,
    ],
  },
];
