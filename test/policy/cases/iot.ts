import { ACCOUNT, policyDocument, res, RuleCase, variant } from "../fixtures";

/** The meters' topic rule (also the alarm cases' rule). */
export const rule = res("aws:iot/topicRule:TopicRule", "readings-rule", {
  name: "gridrail_dev_readings",
  sql: "SELECT * FROM 'meters/+/readings'",
  firehoses: [{ deliveryStreamName: "readings", roleArn: "arn:aws:iam::123456789012:role/rule-role" }],
  errorAction: { cloudwatchLogs: { logGroupName: "/gridrail/dev/iot/errors", roleArn: "arn:aws:iam::123456789012:role/rule-role" } },
});
const devicePolicy = res("aws:iot/policy:Policy", "device-policy", {
  policy: policyDocument(
    {
      Sid: "ConnectAsOwnThing",
      Effect: "Allow",
      Action: "iot:Connect",
      Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:client/\${iot:Connection.Thing.ThingName}`,
    },
    { Sid: "PublishOwnReadings", Effect: "Allow", Action: "iot:Publish", Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:topic/meters/\${iot:ClientId}/readings` },
  ),
});

/** The anomaly Lambda may update each train's `anomaly` shadow: that shadow is the cloud's. */
const shadowWriter = res("aws:iam/rolePolicy:RolePolicy", "anomaly-policy", {
  role: "anomaly-role",
  policy: policyDocument({
    Sid: "TrainShadows",
    Effect: "Allow",
    Action: ["iot:GetThingShadow", "iot:UpdateThingShadow"],
    Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:thing/train-*/anomaly`,
  }),
});
const thing = "${iot:Connection.Thing.ThingName}";
const trainPolicy = res("aws:iot/policy:Policy", "train-policy", {
  policy: policyDocument(
    {
      Sid: "RequestOwnShadows",
      Effect: "Allow",
      Action: "iot:Publish",
      Resource: [
        `arn:aws:iot:eu-west-1:${ACCOUNT}:topic/$aws/things/${thing}/shadow/name/anomaly/get`,
        `arn:aws:iot:eu-west-1:${ACCOUNT}:topic/$aws/things/${thing}/shadow/name/anomaly-ack/update`,
      ],
    },
    { Sid: "ReadOwnShadowsOverHttp", Effect: "Allow", Action: "iot:GetThingShadow", Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:thing/${thing}/anomaly` },
    { Sid: "OwnClassicShadow", Effect: "Allow", Action: "iot:UpdateThingShadow", Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:thing/${thing}` },
  ),
});

/** Forty stars in a row: as forty `.*` a miss would backtrack for hours. */
const STARS = "*".repeat(40);

export const IOT_CASES: readonly RuleCase[] = [
  {
    rule: "iot-rule-error-action",
    title: "no error action",
    pass: [rule],
    fail: [variant(rule, { errorAction: undefined })],
    messages: ["IoT rule readings-rule has no error action"],
  },
  {
    rule: "iot-policy-least-privilege",
    title: "iot:* and * on resource *",
    pass: [devicePolicy],
    fail: [
      variant(devicePolicy, {
        policy: policyDocument(
          { Sid: "Everything", Effect: "Allow", Action: ["iot:Connect", "iot:*"], Resource: "*" },
          { Effect: "Allow", Action: "*", Resource: "arn:aws:iot:eu-west-1:123456789012:topic/x" },
        ),
      }),
    ],
    messages: [
      "IoT policy device-policy statement Everything allows iot:*",
      "IoT policy device-policy statement Everything grants resource *",
      "IoT policy device-policy statement 2 allows *",
    ],
  },
  {
    rule: "iot-policy-least-privilege",
    title: "a policy that is not JSON",
    pass: [devicePolicy],
    fail: [variant(devicePolicy, { policy: "allow all" })],
    messages: ["IoT policy device-policy has no readable policy document"],
  },
  {
    rule: "iot-policy-per-device",
    title: "any client id, every topic, every meter's readings, every thing's shadows (a claim's serial prefix and AWS's provisioning topics pass)",
    pass: [
      devicePolicy,
      res("aws:iot/policy:Policy", "claim-policy", {
        policy: policyDocument(
          { Sid: "ConnectAsSerial", Effect: "Allow", Action: "iot:Connect", Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:client/NMI*` },
          {
            Sid: "Provision",
            Effect: "Allow",
            Action: ["iot:Publish", "iot:Receive"],
            Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:topic/$aws/certificates/create/*`,
          },
        ),
      }),
    ],
    fail: [
      variant(devicePolicy, {
        policy: policyDocument(
          { Sid: "AnyClient", Effect: "Allow", Action: "iot:Connect", Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:client/*` },
          { Sid: "Everything", Effect: "Allow", Action: "iot:Subscribe", Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:topicfilter/#` },
          { Sid: "AnyMeter", Effect: "Allow", Action: "iot:Publish", Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:topic/meters/*/readings` },
          { Sid: "AnyThing", Effect: "Allow", Action: "iot:Receive", Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:topic/$aws/things/+/shadow/update` },
        ),
      }),
    ],
    messages: [
      `IoT policy device-policy statement AnyClient grants arn:aws:iot:eu-west-1:${ACCOUNT}:client/*: any client id`,
      `IoT policy device-policy statement Everything grants arn:aws:iot:eu-west-1:${ACCOUNT}:topicfilter/#: every topic`,
      `IoT policy device-policy statement AnyMeter grants arn:aws:iot:eu-west-1:${ACCOUNT}:topic/meters/*/readings: every device's meters/ topics`,
      `IoT policy device-policy statement AnyThing grants arn:aws:iot:eu-west-1:${ACCOUNT}:topic/$aws/things/+/shadow/update: every thing's shadow and job topics`,
    ],
  },
  {
    rule: "iot-device-cloud-shadows-read-only",
    title: "a train that may update its cloud-written anomaly shadow",
    pass: [shadowWriter, trainPolicy],
    fail: [
      shadowWriter,
      variant(trainPolicy, {
        policy: policyDocument(
          {
            Sid: "PublishOwnShadows",
            Effect: "Allow",
            Action: "iot:Publish",
            Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:topic/$aws/things/${thing}/shadow/*`,
          },
          {
            Sid: "OwnShadowsOverHttp",
            Effect: "Allow",
            Action: ["iot:GetThingShadow", "iot:DeleteThingShadow"],
            Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:thing/${thing}/*`,
          },
        ),
      }),
    ],
    messages: [
      `IoT policy train-policy statement PublishOwnShadows allows iot:Publish on arn:aws:iot:eu-west-1:${ACCOUNT}:topic/$aws/things/${thing}/shadow/*, which covers topic/$aws/things/<thing>/shadow/name/anomaly/update: shadow "anomaly" is written by the cloud, devices may only read it`,
      `IoT policy train-policy statement PublishOwnShadows allows iot:Publish on arn:aws:iot:eu-west-1:${ACCOUNT}:topic/$aws/things/${thing}/shadow/*, which covers topic/$aws/things/<thing>/shadow/name/anomaly/delete: shadow "anomaly" is written by the cloud, devices may only read it`,
      `IoT policy train-policy statement OwnShadowsOverHttp allows iot:DeleteThingShadow on arn:aws:iot:eu-west-1:${ACCOUNT}:thing/${thing}/*, which covers thing/<thing>/anomaly: shadow "anomaly" is written by the cloud, devices may only read it`,
    ],
  },
  {
    rule: "iot-device-cloud-shadows-read-only",
    title: "a resource of forty stars in a row (judged at once: a run of stars is one)",
    pass: [shadowWriter, trainPolicy],
    fail: [
      shadowWriter,
      variant(trainPolicy, {
        policy: policyDocument(
          { Sid: "Miss", Effect: "Allow", Action: "iot:Publish", Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:topic/${STARS}/x` },
          { Sid: "Hit", Effect: "Allow", Action: "iot:Publish", Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:topic/$aws/things/${STARS}` },
        ),
      }),
    ],
    messages: ["update", "delete"].map(
      (op) =>
        `IoT policy train-policy statement Hit allows iot:Publish on arn:aws:iot:eu-west-1:${ACCOUNT}:topic/$aws/things/${STARS}, which covers topic/$aws/things/<thing>/shadow/name/anomaly/${op}: shadow "anomaly" is written by the cloud, devices may only read it`,
    ),
  },
];
