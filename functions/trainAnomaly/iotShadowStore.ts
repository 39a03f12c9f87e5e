import { GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { ConflictError, ShadowError } from "./errors";
import { AnomalyPatch, AnomalyEntries } from "./shadowDocument";
import { AnomalyShadow, ShadowStore } from "./shadowPublisher";

interface ShadowDocumentJson {
  readonly version?: number;
  readonly state?: { readonly desired?: { readonly anomalies?: AnomalyEntries } };
}

/** The named shadow `shadowName` of every train, through the IoT data plane HTTPS API. */
export class IotShadowStore implements ShadowStore {
  constructor(
    private readonly client: IoTDataPlaneClient,
    readonly shadowName: string,
  ) {}

  async read(thingName: string): Promise<AnomalyShadow | undefined> {
    let payload: Uint8Array | undefined;
    try {
      ({ payload } = await this.client.send(new GetThingShadowCommand({ thingName, shadowName: this.shadowName })));
    } catch (e) {
      if ((e as Error).name === "ResourceNotFoundException") return undefined;
      throw new ShadowError(`cannot read shadow ${this.shadowName} of ${thingName}: ${(e as Error).name}: ${(e as Error).message}`);
    }
    let doc: ShadowDocumentJson;
    try {
      doc = JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString("utf8")) as ShadowDocumentJson;
    } catch (e) {
      throw new ShadowError(`shadow ${this.shadowName} of ${thingName} is not JSON: ${(e as Error).message}`);
    }
    if (typeof doc.version !== "number") throw new ShadowError(`shadow ${this.shadowName} of ${thingName} has no version`);
    return { version: doc.version, anomalies: doc.state?.desired?.anomalies ?? {} };
  }

  async write(thingName: string, patch: AnomalyPatch, version: number | undefined): Promise<void> {
    const body = { state: { desired: { anomalies: patch } }, ...(version === undefined ? {} : { version }) };
    try {
      await this.client.send(
        new UpdateThingShadowCommand({
          thingName,
          shadowName: this.shadowName,
          payload: Buffer.from(JSON.stringify(body), "utf8"),
        }),
      );
    } catch (e) {
      const err = e as Error;
      // 409: the version in the update is not the shadow's current version
      if (err.name === "ConflictException") throw new ConflictError(`shadow ${this.shadowName} of ${thingName} moved past version ${version}`);
      throw new ShadowError(`cannot update shadow ${this.shadowName} of ${thingName}: ${err.name}: ${err.message}`);
    }
  }
}
