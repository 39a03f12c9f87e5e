/**
 * Device credentials the local provisioning stand-in issues. The private key is a real ECDSA P-256 key (PKCS#8
 * PEM). The certificate is NOT X.509: the loopback broker speaks plain MQTT and checks no certificates, so the
 * stand-in issues a `GRIDRAIL LOCAL CERTIFICATE` PEM block holding JSON (certificate id, subject, the device's
 * public key, issue time) signed with the stand-in's own Ed25519 key. `verifyLocalCertificate` checks one. Real
 * devices get X.509 certificates signed by Amazon's CA from IoT Core.
 */
import { KeyObject, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from "crypto";

export const LOCAL_CERTIFICATE_LABEL = "GRIDRAIL LOCAL CERTIFICATE";

export interface LocalCertificateBody {
  readonly certificateId: string;
  readonly subject: string;
  /** The device's public key, SPKI PEM. */
  readonly publicKey: string;
  readonly issuedAt: string;
  readonly issuer: "gridrail local provisioning stand-in";
}

export interface IssuedCredentials {
  readonly certificateId: string;
  readonly certificatePem: string;
  readonly privateKey: string;
}

/** 64 hex characters, like an IoT Core certificate id. */
export function newCertificateId(): string {
  return randomBytes(32).toString("hex");
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export class LocalCertificateAuthority {
  private readonly signer: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync("ed25519");

  issue(subject: string, now: Date): IssuedCredentials {
    const device = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const body: LocalCertificateBody = {
      certificateId: newCertificateId(),
      subject,
      publicKey: device.publicKey.export({ type: "spki", format: "pem" }).toString(),
      issuedAt: now.toISOString(),
      issuer: "gridrail local provisioning stand-in",
    };
    const payload = Buffer.from(JSON.stringify(body), "utf8");
    const signature = sign(null, payload, this.signer.privateKey);
    const der = Buffer.concat([Buffer.from([payload.length >> 8, payload.length & 0xff]), payload, signature]);
    return {
      certificateId: body.certificateId,
      certificatePem: pem(LOCAL_CERTIFICATE_LABEL, der),
      privateKey: device.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    };
  }

  /** The certificate's body when this authority signed it; undefined for anything else. */
  verify(certificatePem: string): LocalCertificateBody | undefined {
    return verifyLocalCertificate(certificatePem, this.signer.publicKey);
  }

  /** The stand-in's signing key, SPKI PEM, for checks outside this process. */
  publicKeyPem(): string {
    return createPublicKey(this.signer.publicKey).export({ type: "spki", format: "pem" }).toString();
  }
}

export function verifyLocalCertificate(certificatePem: string, issuerKey: KeyObject | string): LocalCertificateBody | undefined {
  const m = new RegExp(`-----BEGIN ${LOCAL_CERTIFICATE_LABEL}-----([\\s\\S]+?)-----END ${LOCAL_CERTIFICATE_LABEL}-----`).exec(certificatePem);
  if (!m) return undefined;
  const der = Buffer.from(m[1].replace(/\s+/g, ""), "base64");
  if (der.length < 2) return undefined;
  const length = (der[0] << 8) | der[1];
  const payload = der.subarray(2, 2 + length);
  const signature = der.subarray(2 + length);
  if (!verify(null, payload, typeof issuerKey === "string" ? createPublicKey(issuerKey) : issuerKey, signature)) return undefined;
  return JSON.parse(payload.toString("utf8")) as LocalCertificateBody;
}
