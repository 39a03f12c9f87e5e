/**
 * Pure builders for fleet provisioning by claim: the template body, the claim certificate's IoT policy and the
 * provisioning role's statements. Plain strings in, plain objects out, so the exact JSON is table-tested.
 */
import { SERIAL_PARAMETER } from "../../functions/provisioningHook/decide";
import { CLAIM_CLIENT_PREFIX } from "../../functions/provisioningHook/serials";
import { IotScope, iotArn } from "./iotPolicies";
import { PolicyDocument, Statement, allow, policyDocument } from "./policyDocuments";

/** What one system's template provisions. */
export interface TemplateTarget {
  /** Thing group every provisioned thing joins. */
  readonly thingGroupName: string;
  /** The system's scoped device policy, attached to the new certificate. */
  readonly devicePolicyName: string;
  /** Thing type of the new things; none when absent. */
  readonly thingTypeName?: string;
}

/**
 * `$aws/certificates/create/json*` and `$aws/provisioning-templates/<template>/provision/json*`: the only claim
 * topics, each with its `/accepted` and `/rejected` answers, in the JSON payload format the devices use (not CBOR).
 */
export function claimTopics(templateName: string): string[] {
  return ["$aws/certificates/create/json*", `$aws/provisioning-templates/${templateName}/provision/json*`];
}

/**
 * The template: the thing is named after the serial the device sends, joins the group, gets the new certificate
 * (activated) and the system's device policy on it. Re-provisioning an existing serial keeps the thing and adds
 * the new certificate.
 */
export function templateBody(target: TemplateTarget): Record<string, unknown> {
  return {
    Parameters: {
      [SERIAL_PARAMETER]: { Type: "String" },
      "AWS::IoT::Certificate::Id": { Type: "String" },
    },
    Resources: {
      thing: {
        Type: "AWS::IoT::Thing",
        OverrideSettings: { AttributePayload: "MERGE", ThingTypeName: "REPLACE", ThingGroups: "DO_NOTHING" },
        Properties: {
          ThingName: { Ref: SERIAL_PARAMETER },
          AttributePayload: {},
          ThingGroups: [target.thingGroupName],
          ...(target.thingTypeName ? { ThingTypeName: target.thingTypeName } : {}),
        },
      },
      certificate: {
        Type: "AWS::IoT::Certificate",
        Properties: { CertificateId: { Ref: "AWS::IoT::Certificate::Id" }, Status: "ACTIVE" },
      },
      policy: {
        Type: "AWS::IoT::Policy",
        Properties: { PolicyName: target.devicePolicyName },
      },
    },
  };
}

/**
 * The claim certificate's policy: connect only with a claim client id of the kind (`claim-<serial prefix>*`, never
 * a device's own client id), and only the two provisioning exchanges of this template (publish the request,
 * subscribe to and receive the answer).
 */
export function claimPolicy(scope: IotScope, templateName: string, serialPrefix: string): PolicyDocument {
  const topics = claimTopics(templateName);
  return policyDocument([
    { Sid: "ConnectAsClaimClient", Effect: "Allow", Action: "iot:Connect", Resource: iotArn(scope, `client/${CLAIM_CLIENT_PREFIX}${serialPrefix}*`) },
    { Sid: "ProvisioningRequests", Effect: "Allow", Action: ["iot:Publish", "iot:Receive"], Resource: topics.map((t) => iotArn(scope, `topic/${t}`)) },
    { Sid: "ProvisioningAnswers", Effect: "Allow", Action: "iot:Subscribe", Resource: topics.map((t) => iotArn(scope, `topicfilter/${t}`)) },
  ]);
}

export interface ProvisioningRoleTarget extends TemplateTarget {
  /** Thing names of the kind start with this (the serial prefix). */
  readonly thingPrefix: string;
}

/**
 * What IoT Core needs to run the template as the provisioning role: create or update the serial's thing, put it in
 * its group, activate the new certificate and attach it and the device policy. Certificate ids are not known in
 * advance, so certificate actions are on `cert/*`; everything else names its resource.
 */
export function provisioningRoleStatements(scope: IotScope, target: ProvisioningRoleTarget): Statement[] {
  const things = iotArn(scope, `thing/${target.thingPrefix}*`);
  const group = iotArn(scope, `thinggroup/${target.thingGroupName}`);
  const certs = iotArn(scope, "cert/*");
  return [
    allow("ProvisionThings", ["iot:CreateThing", "iot:DescribeThing", "iot:UpdateThing", "iot:ListThingGroupsForThing"], things),
    // IoT's actions table names the certificate as AttachThingPrincipal's resource; the thing is named too
    allow("AttachCertificateToThing", ["iot:AttachThingPrincipal"], [things, certs]),
    allow("JoinThingGroup", ["iot:AddThingToThingGroup", "iot:DescribeThingGroup"], [group, things]),
    ...(target.thingTypeName ? [allow("UseThingType", ["iot:DescribeThingType"], iotArn(scope, `thingtype/${target.thingTypeName}`))] : []),
    allow("ActivateCertificates", ["iot:DescribeCertificate", "iot:UpdateCertificate"], certs),
    allow("AttachDevicePolicy", ["iot:AttachPolicy", "iot:GetPolicy"], [iotArn(scope, `policy/${target.devicePolicyName}`), certs]),
  ];
}
