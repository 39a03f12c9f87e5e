/**
 * A device's side of fleet provisioning by claim, over MQTT with the claim certificate: CreateKeysAndCertificate
 * (`$aws/certificates/create/json`) then RegisterThing (`$aws/provisioning-templates/<template>/provision/json`),
 * each answered on `/accepted` or `/rejected`. The same flow runs against IoT Core (mqtts, claim certificate)
 * and the local stand-in (plain mqtt on loopback).
 */
import { IClientOptions, MqttClient, connectAsync } from "mqtt";
import { SERIAL_PARAMETER } from "../../functions/provisioningHook/decide";
import { claimClientId } from "../../functions/provisioningHook/serials";

export const createTopic = "$aws/certificates/create/json";
export const provisionTopic = (template: string) => `$aws/provisioning-templates/${template}/provision/json`;

/** CreateKeysAndCertificate's accepted answer. */
export interface CreatedCertificate {
  readonly certificateId: string;
  readonly certificatePem: string;
  readonly privateKey: string;
  readonly certificateOwnershipToken: string;
}

/** RegisterThing's accepted answer. */
export interface RegisteredThing {
  readonly thingName: string;
  readonly deviceConfiguration?: Readonly<Record<string, string>>;
}

/** What a device keeps from provisioning. */
export interface ProvisionedDevice extends RegisteredThing {
  readonly certificateId: string;
  readonly certificatePem: string;
  readonly privateKey: string;
}

export class ProvisioningError extends Error {
  constructor(message: string) {
    super(message);
    this.message = message;
    this.name = "ProvisioningError";
  }
}

/** The endpoint did not answer the connection. */
export class EndpointUnreachableError extends ProvisioningError {
  constructor(message: string) {
    super(message);
    this.name = "EndpointUnreachableError";
  }
}

/** IoT Core (or its hook) said no; the message carries its status and reason. */
export class ProvisioningRejectedError extends ProvisioningError {
  constructor(message: string) {
    super(message);
    this.name = "ProvisioningRejectedError";
  }
}

/**
 * RegisterThing got no answer in time: IoT Core may have registered the thing with the new certificate all the
 * same, and a new attempt would make another certificate, which the hook refuses once the serial is marked. The
 * credentials come with the error so they are kept, not lost.
 */
export class RegistrationUnansweredError extends ProvisioningError {
  constructor(
    message: string,
    readonly device: ProvisionedDevice,
  ) {
    super(message);
    this.name = "RegistrationUnansweredError";
  }
}

/** No answer on `.../accepted` or `.../rejected` within the wait. */
class NoAnswerError extends ProvisioningError {}

export interface ClaimFlowOptions {
  /** `mqtt://host:port` (the local stand-in) or `mqtts://<prefix>-ats.iot.<region>.amazonaws.com:8883`. */
  readonly endpoint: string;
  readonly templateName: string;
  readonly serial: string;
  /** Claim certificate, its key and the CA (PEM), for mqtts. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca?: string };
  /** Milliseconds for the connection and for each answer. Default 10 000. */
  readonly timeoutMs?: number;
}

interface ErrorAnswer {
  readonly statusCode?: number;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

/** Publishes `payload` on `topic` and waits for its `/accepted` (resolved) or `/rejected` (thrown) answer. */
async function exchange<T>(client: MqttClient, topic: string, payload: object, what: string, timeoutMs: number): Promise<T> {
  const accepted = `${topic}/accepted`;
  const rejected = `${topic}/rejected`;
  await client.subscribeAsync([accepted, rejected], { qos: 1 });
  try {
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.removeListener("message", onMessage);
        reject(new NoAnswerError(`${what}: no answer on ${accepted} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (t: string, body: Buffer) => {
        if (t !== accepted && t !== rejected) return;
        clearTimeout(timer);
        client.removeListener("message", onMessage);
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString("utf8"));
        } catch {
          reject(new ProvisioningError(`${what}: the answer on ${t} is not JSON`));
          return;
        }
        if (t === accepted) resolve(parsed as T);
        else {
          const e = parsed as ErrorAnswer;
          reject(new ProvisioningRejectedError(`${what} rejected (${e.statusCode ?? "?"} ${e.errorCode ?? "?"}): ${e.errorMessage ?? "no reason given"}`));
        }
      };
      client.on("message", onMessage);
      client.publish(topic, JSON.stringify(payload), { qos: 1 }, (err) => {
        if (err) {
          clearTimeout(timer);
          client.removeListener("message", onMessage);
          reject(new ProvisioningError(`${what}: publish on ${topic} failed: ${err.message}`));
        }
      });
    });
  } finally {
    await client.unsubscribeAsync([accepted, rejected]).catch(() => undefined);
  }
}

/** Runs the whole flow as client id `claim-<serial>` (serials.ts); the device's new certificate, key and thing name. */
export async function provisionByClaim(o: ClaimFlowOptions): Promise<ProvisionedDevice> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const options: IClientOptions = {
    clientId: claimClientId(o.serial),
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    ...(o.tls ? { cert: o.tls.cert, key: o.tls.key, ca: o.tls.ca } : {}),
  };
  let client: MqttClient;
  try {
    client = await connectAsync(o.endpoint, options, false);
  } catch (e) {
    throw new EndpointUnreachableError(`cannot connect to ${o.endpoint} as ${claimClientId(o.serial)}: ${(e as Error).message}`);
  }
  try {
    const created = await exchange<CreatedCertificate>(client, createTopic, {}, "CreateKeysAndCertificate", timeoutMs);
    const credentials = { certificateId: created.certificateId, certificatePem: created.certificatePem, privateKey: created.privateKey };
    let registered: RegisteredThing;
    try {
      registered = await exchange<RegisteredThing>(
        client,
        provisionTopic(o.templateName),
        { certificateOwnershipToken: created.certificateOwnershipToken, parameters: { [SERIAL_PARAMETER]: o.serial } },
        `RegisterThing with template ${o.templateName}`,
        timeoutMs,
      );
    } catch (e) {
      if (e instanceof NoAnswerError) throw new RegistrationUnansweredError(e.message, { thingName: o.serial, ...credentials });
      throw e;
    }
    return {
      thingName: registered.thingName,
      deviceConfiguration: registered.deviceConfiguration,
      certificateId: created.certificateId,
      certificatePem: created.certificatePem,
      privateKey: created.privateKey,
    };
  } finally {
    await client.endAsync().catch(() => undefined);
  }
}
