/**
 * IoT Core's fleet provisioning by claim on the loopback broker: answers CreateKeysAndCertificate and
 * RegisterThing on their `$aws/...` topics, runs the real pre-provisioning hook decision against a local
 * allow-list, records things, groups and policy attachments, and from then on lets a client publish (other than
 * provisioning requests) only when its client id is a provisioned thing, as IoT Core's policies do.
 * Answers go only to the client that asked, as on IoT Core. Certificates are a local stand-in format
 * (localCertificates.ts); the broker checks none, so a provisioned client id is what stands for the device
 * certificate.
 */
import { AuthorizeForwardHandler, AuthorizePublishHandler, AuthorizeSubscribeHandler, Client } from "aedes";
import { randomBytes } from "crypto";
import { AllowList, SERIAL_PARAMETER, decideProvisioning } from "../../functions/provisioningHook/decide";
import { CLAIM_CLIENT_PREFIX, DeviceKind } from "../../functions/provisioningHook/serials";
import { createTopic } from "../../devices/provisioning/claimFlow";
import { LoopbackBroker, publishFromBroker } from "./broker";
import { LocalCertificateAuthority } from "./localCertificates";

/** What a template does, as the infra's template body does it. */
export interface LocalTemplate {
  readonly kind: DeviceKind;
  readonly thingGroupName: string;
  readonly devicePolicyName: string;
}

export interface LocalThing {
  readonly thingName: string;
  readonly kind: DeviceKind;
  readonly thingGroupName: string;
  readonly certificateIds: string[];
  /** Policies attached to its certificates. */
  readonly policyNames: string[];
  /** When RegisterThing first accepted it (ms since the epoch). */
  readonly provisionedAt: number;
}

interface IssuedCertificate {
  readonly clientId: string;
  status: "PENDING_ACTIVATION" | "ACTIVE";
  tokenUsed: boolean;
}

export interface ProvisioningStandIn {
  readonly things: ReadonlyMap<string, LocalThing>;
  /** Every RegisterThing refused, in order: the client, the serial it asked for and why. */
  readonly refusals: readonly { readonly clientId: string; readonly serial?: string; readonly reason: string }[];
  isProvisioned(clientId: string): boolean;
  /** Verifies a certificate PEM this stand-in issued. */
  readonly authority: LocalCertificateAuthority;
  /** Stops answering and restores the broker's own publish and forward checks. */
  detach(): void;
}

export interface StandInOptions {
  readonly templates: Readonly<Record<string, LocalTemplate>>;
  readonly allowList: AllowList;
  readonly now?: () => number;
}

const PROVISION = /^\$aws\/provisioning-templates\/([^/]+)\/provision\/json$/;

/** Whether `topic` is a provisioning request a claim connection may publish. */
export function isProvisioningRequest(topic: string): boolean {
  return topic === createTopic || PROVISION.test(topic);
}

/** Whether `filter` is a provisioning answer a claim connection may subscribe to (`.../accepted`, `.../rejected`). */
export function isProvisioningAnswer(filter: string): boolean {
  const m = /^(.*)\/(accepted|rejected)$/.exec(filter);
  return m !== null && isProvisioningRequest(m[1]);
}

/** Attaches the stand-in to a running loopback broker. */
export function attachProvisioning(loopback: LoopbackBroker, options: StandInOptions): ProvisioningStandIn {
  const { broker } = loopback;
  const now = options.now ?? Date.now;
  const authority = new LocalCertificateAuthority();
  const things = new Map<string, LocalThing>();
  const certificates = new Map<string, IssuedCertificate>();
  const tokens = new Map<string, string>();
  const refusals: { clientId: string; serial?: string; reason: string }[] = [];
  // answer topic + payload -> the client it is for; payloads name the device, so they never collide
  const addressedTo = new Map<string, string>();
  const previousPublish: AuthorizePublishHandler = broker.authorizePublish;
  const previousForward: AuthorizeForwardHandler = broker.authorizeForward;
  const previousSubscribe: AuthorizeSubscribeHandler = broker.authorizeSubscribe;

  broker.authorizePublish = (client, packet, callback) => {
    // a provisioning request is made under the claim certificate, whose policy allows exactly these topics, and
    // only with a claim client id; the device's own policy (checked next for everything else) would not
    if (client && isProvisioningRequest(packet.topic)) {
      if (client.id.startsWith(CLAIM_CLIENT_PREFIX)) return callback(null);
      loopback.refused.push({ topic: packet.topic, payload: packet.payload.toString(), clientId: client.id });
      return callback(new Error(`client ${client.id}: the claim certificate connects only as ${CLAIM_CLIENT_PREFIX}<serial>`));
    }
    if (!client || things.has(client.id)) return previousPublish.call(broker, client, packet, callback);
    loopback.refused.push({ topic: packet.topic, payload: packet.payload.toString(), clientId: client.id });
    callback(new Error(`client ${client.id} is not a provisioned thing: it may only publish fleet provisioning requests`));
  };
  broker.authorizeSubscribe = (client, subscription, callback) => {
    // the claim certificate's policy allows the answers to its own requests; a thing is judged by its device policy
    if (client && !things.has(client.id) && isProvisioningAnswer(subscription.topic)) return callback(null, subscription);
    return previousSubscribe.call(broker, client, subscription, callback);
  };
  broker.authorizeForward = (client, packet) => {
    const target = addressedTo.get(`${packet.topic}\n${packet.payload.toString()}`);
    // an answer goes to the claim connection it is for, under the claim certificate's policy, and to no one else
    if (target !== undefined) return target === client.id ? packet : null;
    return previousForward ? previousForward.call(broker, client, packet) : packet;
  };

  const answer = (client: Client, topic: string, body: object) => {
    const payload = JSON.stringify(body);
    addressedTo.set(`${topic}\n${payload}`, client.id);
    void publishFromBroker(broker, topic, payload).catch(() => undefined);
  };
  const reject = (client: Client, topic: string, statusCode: number, errorCode: string, errorMessage: string, serial?: string) => {
    refusals.push({ clientId: client.id, serial, reason: errorMessage });
    answer(client, `${topic}/rejected`, { statusCode, errorCode, errorMessage });
  };

  const createKeys = (client: Client) => {
    const issued = authority.issue(client.id, new Date(now()));
    const token = randomBytes(24).toString("base64url");
    certificates.set(issued.certificateId, { clientId: client.id, status: "PENDING_ACTIVATION", tokenUsed: false });
    tokens.set(token, issued.certificateId);
    answer(client, `${createTopic}/accepted`, { ...issued, certificateOwnershipToken: token });
  };

  const registerThing = async (client: Client, topic: string, templateName: string, raw: string) => {
    const template = options.templates[templateName];
    if (!template) return reject(client, topic, 404, "ResourceNotFound", `template ${templateName} does not exist (client ${client.id})`);
    let request: { certificateOwnershipToken?: unknown; parameters?: Record<string, unknown> };
    try {
      request = JSON.parse(raw) as typeof request;
    } catch {
      return reject(client, topic, 400, "InvalidPayload", `the RegisterThing payload is not JSON (client ${client.id})`);
    }
    const certificateId = typeof request.certificateOwnershipToken === "string" ? tokens.get(request.certificateOwnershipToken) : undefined;
    const certificate = certificateId === undefined ? undefined : certificates.get(certificateId);
    if (certificateId === undefined || !certificate || certificate.tokenUsed || certificate.clientId !== client.id) {
      return reject(
        client,
        topic,
        400,
        "InvalidCertificateOwnershipToken",
        `the certificate ownership token is unknown, used or not this client's (client ${client.id})`,
      );
    }
    const serial = request.parameters?.[SERIAL_PARAMETER];
    const decision = await decideProvisioning(
      {
        certificateId,
        clientId: client.id,
        templateArn: `arn:aws:iot:local:000000000000:provisioningtemplate/${templateName}`,
        parameters: request.parameters,
      },
      template.kind,
      options.allowList,
    );
    if (!decision.allowProvisioning) {
      return reject(
        client,
        topic,
        403,
        "AccessDenied",
        `the pre-provisioning hook refused: ${decision.reason}`,
        typeof serial === "string" ? serial : undefined,
      );
    }
    const thingName = decision.serial as string;
    certificate.tokenUsed = true;
    certificate.status = "ACTIVE";
    const existing = things.get(thingName);
    things.set(thingName, {
      thingName,
      kind: template.kind,
      thingGroupName: template.thingGroupName,
      certificateIds: [...(existing?.certificateIds ?? []), certificateId],
      policyNames: [...new Set([...(existing?.policyNames ?? []), template.devicePolicyName])],
      provisionedAt: existing?.provisionedAt ?? now(),
    });
    answer(client, `${topic}/accepted`, { thingName, deviceConfiguration: {} });
  };

  const onPublish = (packet: { topic: string; payload: Buffer | string }, client: Client | null) => {
    if (!client) return;
    if (packet.topic === createTopic) return createKeys(client);
    const m = PROVISION.exec(packet.topic);
    if (m) void registerThing(client, packet.topic, m[1], packet.payload.toString());
  };
  broker.on("publish", onPublish);

  return {
    things,
    refusals,
    authority,
    isProvisioned: (clientId) => things.has(clientId),
    detach: () => {
      broker.removeListener("publish", onPublish);
      broker.authorizePublish = previousPublish;
      broker.authorizeForward = previousForward;
      broker.authorizeSubscribe = previousSubscribe;
    },
  };
}
