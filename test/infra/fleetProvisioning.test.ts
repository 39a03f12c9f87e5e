import { expect } from "chai";
import { Synthesis } from "../../infra/synth/recorder";
import { STACKS, document, ofType, one, rolePolicy, runProgram } from "../helpers/pulumiRecorder";

const IOT = "arn:aws:iot:eu-west-1:123456789012";
const SYSTEMS = [
  { component: "meters", kind: "meter", prefix: "NMI", group: "thinggroup/gridrail-STACK-meters", policy: "meters-device-policy", thingType: undefined },
  {
    component: "trains",
    kind: "train",
    prefix: "train-",
    group: "thinggroup/gridrail-STACK-trains",
    policy: "trains-device-policy",
    thingType: "gridrail-STACK-train",
  },
] as const;

for (const stack of STACKS) {
  describe(`fleet provisioning (${stack})`, () => {
    let s: Synthesis;
    before(async () => {
      s = await runProgram(stack);
    });

    for (const sys of SYSTEMS) {
      const name = `${sys.component}-provisioning`;
      const template = `gridrail-${stack}-${sys.component}`;
      const group = sys.group.replace("STACK", stack);
      const thingType = sys.thingType?.replace("STACK", stack);

      it(`gives ${sys.component} an enabled template with the hook, whose body makes the serial's thing in its group with the ${sys.kind} policy`, () => {
        const t = one(s, "aws:iot/provisioningTemplate:ProvisioningTemplate", `${name}-template`).inputs;
        expect(t).to.deep.include({
          name: template,
          enabled: true,
          type: "FLEET_PROVISIONING",
          provisioningRoleArn: `arn:aws:iam::123456789012:role/${name}-iot-role`,
          preProvisioningHook: { targetArn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}-hook-fn`, payloadVersion: "2020-04-01" },
        });
        expect(JSON.parse(t.templateBody as string)).to.deep.equal({
          Parameters: { SerialNumber: { Type: "String" }, "AWS::IoT::Certificate::Id": { Type: "String" } },
          Resources: {
            thing: {
              Type: "AWS::IoT::Thing",
              OverrideSettings: { AttributePayload: "MERGE", ThingTypeName: "REPLACE", ThingGroups: "DO_NOTHING" },
              Properties: {
                ThingName: { Ref: "SerialNumber" },
                AttributePayload: {},
                ThingGroups: [group.slice("thinggroup/".length)],
                ...(thingType ? { ThingTypeName: thingType } : {}),
              },
            },
            certificate: { Type: "AWS::IoT::Certificate", Properties: { CertificateId: { Ref: "AWS::IoT::Certificate::Id" }, Status: "ACTIVE" } },
            policy: { Type: "AWS::IoT::Policy", Properties: { PolicyName: sys.policy } },
          },
        });
      });

      it(`attaches the ${sys.kind} device policy to the ${sys.component} thing group`, () => {
        expect(one(s, "aws:iot/policyAttachment:PolicyAttachment", `${sys.component}-device-policy-attachment`).inputs).to.deep.equal({
          policy: sys.policy,
          target: `${IOT}:${group}`,
        });
      });

      it(`lets only IoT Core of this account and region invoke the ${sys.kind} hook`, () => {
        expect(one(s, "aws:lambda/permission:Permission", `${name}-hook-invoke`).inputs).to.deep.equal({
          action: "lambda:InvokeFunction",
          function: `${name}-hook-fn`,
          principal: "iot.amazonaws.com",
          sourceAccount: "123456789012",
          sourceArn: `${IOT}:*`,
        });
      });

      it(`lets the ${sys.kind} hook read its allow-list and mark a serial provisioned, and nothing else`, () => {
        const doc = rolePolicy(s, `${name}-hook`);
        const table = `arn:aws:dynamodb:eu-west-1:123456789012:table/${name}-allow-list`;
        expect(doc.Statement.map((st) => st.Sid)).to.deep.equal(["WriteOwnLogs", "WriteTraces", "DecryptEnvironment", "ReadAllowList", "MarkProvisioned"]);
        expect(doc.Statement.slice(3)).to.deep.equal([
          { Sid: "ReadAllowList", Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: table },
          {
            Sid: "MarkProvisioned",
            Effect: "Allow",
            Action: ["dynamodb:PutItem"],
            Resource: table,
            Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["provisioned#*"] } },
          },
        ]);
        const fn = one(s, "aws:lambda/function:Function", `${name}-hook-fn`).inputs;
        expect(fn.environment).to.deep.equal({ variables: { DEVICE_KIND: sys.kind, ALLOW_LIST_TABLE: `${name}-allow-list` } });
        expect(fn).to.deep.include({ role: `arn:aws:iam::123456789012:role/${name}-hook-role`, reservedConcurrentExecutions: 5, handler: "__index.handler" });
      });

      it(`gives the ${sys.kind} provisioning role exactly what the template needs, trusted by IoT Core of this account`, () => {
        const things = `${IOT}:thing/${sys.prefix}*`;
        expect(rolePolicy(s, `${name}-iot`).Statement).to.deep.equal([
          {
            Sid: "ProvisionThings",
            Effect: "Allow",
            Action: ["iot:CreateThing", "iot:DescribeThing", "iot:UpdateThing", "iot:ListThingGroupsForThing"],
            Resource: things,
          },
          { Sid: "AttachCertificateToThing", Effect: "Allow", Action: ["iot:AttachThingPrincipal"], Resource: [things, `${IOT}:cert/*`] },
          { Sid: "JoinThingGroup", Effect: "Allow", Action: ["iot:AddThingToThingGroup", "iot:DescribeThingGroup"], Resource: [`${IOT}:${group}`, things] },
          ...(thingType ? [{ Sid: "UseThingType", Effect: "Allow", Action: ["iot:DescribeThingType"], Resource: `${IOT}:thingtype/${thingType}` }] : []),
          { Sid: "ActivateCertificates", Effect: "Allow", Action: ["iot:DescribeCertificate", "iot:UpdateCertificate"], Resource: `${IOT}:cert/*` },
          {
            Sid: "AttachDevicePolicy",
            Effect: "Allow",
            Action: ["iot:AttachPolicy", "iot:GetPolicy"],
            Resource: [`${IOT}:policy/${sys.policy}`, `${IOT}:cert/*`],
          },
        ]);
        expect(document(one(s, "aws:iam/role:Role", `${name}-iot-role`), "assumeRolePolicy").Statement).to.deep.equal([
          {
            Effect: "Allow",
            Principal: { Service: "iot.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
          },
        ]);
      });

      it(`limits the ${sys.kind} claim certificate to claim client ids of its serial prefix and the two provisioning exchanges`, () => {
        expect(document(one(s, "aws:iot/policy:Policy", `${name}-claim-policy`)).Statement).to.deep.equal([
          { Sid: "ConnectAsClaimClient", Effect: "Allow", Action: "iot:Connect", Resource: `${IOT}:client/claim-${sys.prefix}*` },
          {
            Sid: "ProvisioningRequests",
            Effect: "Allow",
            Action: ["iot:Publish", "iot:Receive"],
            Resource: [`${IOT}:topic/$aws/certificates/create/json*`, `${IOT}:topic/$aws/provisioning-templates/${template}/provision/json*`],
          },
          {
            Sid: "ProvisioningAnswers",
            Effect: "Allow",
            Action: "iot:Subscribe",
            Resource: [`${IOT}:topicfilter/$aws/certificates/create/json*`, `${IOT}:topicfilter/$aws/provisioning-templates/${template}/provision/json*`],
          },
        ]);
      });
    }

    it("exports what operators need to provision: thing groups, templates, claim policies and allow-list tables", () => {
      const keys = [
        "meterThingGroup",
        "meterProvisioningTemplate",
        "trainProvisioningTemplate",
        "meterClaimPolicy",
        "trainClaimPolicy",
        "meterAllowListTable",
        "trainAllowListTable",
      ];
      expect(Object.fromEntries(keys.map((k) => [k, s.outputs[k]]))).to.deep.equal({
        meterThingGroup: `gridrail-${stack}-meters`,
        meterProvisioningTemplate: `gridrail-${stack}-meters`,
        trainProvisioningTemplate: `gridrail-${stack}-trains`,
        meterClaimPolicy: "meters-provisioning-claim-policy",
        trainClaimPolicy: "trains-provisioning-claim-policy",
        meterAllowListTable: "meters-provisioning-allow-list",
        trainAllowListTable: "trains-provisioning-allow-list",
      });
    });

    it(stack === "dev" ? "seeds the allow-lists with the config's serials" : "seeds no serials in prod", () => {
      const items = ofType(s, "aws:dynamodb/tableItem:TableItem").map((r) => [r.inputs.tableName, r.inputs.item]);
      expect(items).to.deep.equal(
        stack === "dev"
          ? [
              ["meters-provisioning-allow-list", '{"serial":{"S":"NMI6100000001"}}'],
              ["meters-provisioning-allow-list", '{"serial":{"S":"NMI6100000002"}}'],
              ["trains-provisioning-allow-list", '{"serial":{"S":"train-0001"}}'],
              ["trains-provisioning-allow-list", '{"serial":{"S":"train-0002"}}'],
            ]
          : [],
      );
      for (const c of ["meters", "trains"]) {
        expect(one(s, "aws:dynamodb/table:Table", `${c}-provisioning-allow-list`).inputs).to.deep.include({
          hashKey: "serial",
          pointInTimeRecovery: { enabled: true },
          deletionProtectionEnabled: stack === "prod",
        });
      }
    });
  });
}
