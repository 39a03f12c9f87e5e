/**
 * Pure IoT Core policy builders. Policy variables are written literally (`${iot:...}`): IoT substitutes them
 * per connection, which is what scopes one policy to every device's own client id, topic and shadow.
 */
import { PolicyDocument, policyDocument } from "./policyDocuments";
import { topics } from "./naming";

export const THING_NAME = "${iot:Connection.Thing.ThingName}";
export const CLIENT_ID = "${iot:ClientId}";

export interface IotScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export function iotArn(scope: IotScope, resource: string): string {
  return `arn:${scope.partition}:iot:${scope.region}:${scope.accountId}:${resource}`;
}

/** Connect only as the registered thing whose certificate is presenting (client id = thing name). */
function connectAsOwnThing(scope: IotScope) {
  return {
    Sid: "ConnectAsOwnThing",
    Effect: "Allow" as const,
    Action: "iot:Connect",
    Resource: iotArn(scope, `client/${THING_NAME}`),
    Condition: { Bool: { "iot:Connection.Thing.IsAttached": true } },
  };
}

/** A meter may connect as itself and publish readings only to `meters/<its client id>/readings`. */
export function meterDevicePolicy(scope: IotScope): PolicyDocument {
  return policyDocument([
    connectAsOwnThing(scope),
    {
      Sid: "PublishOwnReadings",
      Effect: "Allow",
      Action: "iot:Publish",
      Resource: iotArn(scope, `topic/${topics.meterReadings(CLIENT_ID)}`),
    },
  ]);
}

/** The named shadows of a train: one the cloud writes, one the train acknowledges in. */
export interface TrainShadows {
  /** Cloud-owned: the anomaly Lambda writes `state.desired`; the train may only read it. */
  readonly alerts: string;
  /** Train-owned: the train reports there what it was told. */
  readonly acknowledgements: string;
}

/**
 * A train may connect as itself, publish only its own telemetry, read its alert shadow and write only its
 * acknowledgement shadow. An IoT policy cannot limit which part of a shadow document an update touches: a
 * train allowed to update the alert shadow could clear the alerts the cloud writes for it, so it gets no
 * update (or delete) on that shadow at all, over MQTT or HTTP.
 */
export function trainDevicePolicy(scope: IotScope, shadows: TrainShadows): PolicyDocument {
  const shadow = (name: string) => `$aws/things/${THING_NAME}/shadow/name/${name}`;
  const both = [shadows.alerts, shadows.acknowledgements];
  return policyDocument([
    connectAsOwnThing(scope),
    {
      Sid: "PublishOwnTelemetry",
      Effect: "Allow",
      Action: "iot:Publish",
      Resource: iotArn(scope, `topic/${topics.trainTelemetry(THING_NAME)}`),
    },
    {
      Sid: "RequestOwnShadows",
      Effect: "Allow",
      Action: "iot:Publish",
      Resource: [...both.map((name) => iotArn(scope, `topic/${shadow(name)}/get`)), iotArn(scope, `topic/${shadow(shadows.acknowledgements)}/update`)],
    },
    {
      Sid: "SubscribeOwnShadows",
      Effect: "Allow",
      Action: "iot:Subscribe",
      Resource: both.map((name) => iotArn(scope, `topicfilter/${shadow(name)}/*`)),
    },
    {
      Sid: "ReceiveOwnShadows",
      Effect: "Allow",
      Action: "iot:Receive",
      Resource: both.map((name) => iotArn(scope, `topic/${shadow(name)}/*`)),
    },
    {
      Sid: "ReadOwnShadowsOverHttp",
      Effect: "Allow",
      Action: "iot:GetThingShadow",
      Resource: both.map((name) => iotArn(scope, `thing/${THING_NAME}/${name}`)),
    },
    {
      Sid: "AcknowledgeOverHttp",
      Effect: "Allow",
      Action: "iot:UpdateThingShadow",
      Resource: iotArn(scope, `thing/${THING_NAME}/${shadows.acknowledgements}`),
    },
  ]);
}
