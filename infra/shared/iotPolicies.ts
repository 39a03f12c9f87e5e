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

/**
 * A train may connect as itself, publish only its own telemetry topic and use only its own device shadows
 * (classic and named: `shadow/*` covers `shadow/name/<n>/...`).
 */
export function trainDevicePolicy(scope: IotScope): PolicyDocument {
    const shadowTopics = `$aws/things/${THING_NAME}/shadow/*`;
    return policyDocument([
        connectAsOwnThing(scope),
        {
            Sid: "PublishOwnTelemetryAndShadow",
            Effect: "Allow",
            Action: "iot:Publish",
            Resource: [
                iotArn(scope, `topic/${topics.trainTelemetry(THING_NAME)}`),
                iotArn(scope, `topic/${shadowTopics}`),
            ],
        },
        {
            Sid: "SubscribeOwnShadow",
            Effect: "Allow",
            Action: "iot:Subscribe",
            Resource: iotArn(scope, `topicfilter/${shadowTopics}`),
        },
        {
            Sid: "ReceiveOwnShadow",
            Effect: "Allow",
            Action: "iot:Receive",
            Resource: iotArn(scope, `topic/${shadowTopics}`),
        },
        {
            Sid: "OwnShadowOverHttp",
            Effect: "Allow",
            Action: ["iot:GetThingShadow", "iot:UpdateThingShadow"],
            Resource: iotArn(scope, `thing/${THING_NAME}`),
        },
    ]);
}
