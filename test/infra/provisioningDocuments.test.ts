import { expect } from "chai";
import { claimTopics, templateBody } from "../../infra/shared/provisioningDocuments";

describe("fleet provisioning documents", () => {
  it("names only the certificate and this template's topics as claim topics", () => {
    expect(claimTopics("gridrail-prod-trains")).to.deep.equal([
      "$aws/certificates/create/json*",
      "$aws/provisioning-templates/gridrail-prod-trains/provision/json*",
    ]);
  });

  const cases: [string, Parameters<typeof templateBody>[0], unknown][] = [
    ["without a thing type", { thingGroupName: "g", devicePolicyName: "p" }, { ThingName: { Ref: "SerialNumber" }, AttributePayload: {}, ThingGroups: ["g"] }],
    [
      "with a thing type",
      { thingGroupName: "g", devicePolicyName: "p", thingTypeName: "t" },
      { ThingName: { Ref: "SerialNumber" }, AttributePayload: {}, ThingGroups: ["g"], ThingTypeName: "t" },
    ],
  ];
  for (const [title, target, thing] of cases) {
    it(`builds the thing ${title}`, () => {
      const body = templateBody(target) as { Resources: { thing: { Properties: unknown }; policy: unknown } };
      expect(body.Resources.thing.Properties).to.deep.equal(thing);
      expect(body.Resources.policy).to.deep.equal({ Type: "AWS::IoT::Policy", Properties: { PolicyName: "p" } });
    });
  }
});
