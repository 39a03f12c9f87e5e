/**
 * The local stack's devices join as on AWS: every meter and train goes through the fleet provisioning flow's
 * stand-in (claim certificate, CreateKeysAndCertificate, RegisterThing past the allow-list hook) before the
 * fleets start, and the broker refuses any publish by a client that is not a provisioned thing.
 */
import { LoopbackBroker } from "../iot/broker";
import { ProvisioningReport, provisionFleet } from "../iot/provisionFleet";

export interface DevicesSection {
  readonly devices: number;
  readonly provisioned: number;
  /** Devices the pre-provisioning hook refused, with its reason (expected none: the allow-list is the fleet). */
  readonly refused: readonly { readonly serial: string; readonly reason: string }[];
  /** How long provisioning the whole fleet took. */
  readonly provisioningMs: number;
  /** Devices whose thing existed before the fleets published their first reading. */
  readonly provisionedBeforeFirstReading: number;
  /** Publishes the broker refused because the client was not a provisioned thing. */
  readonly publishesByUnprovisionedClients: number;
  /** Subscriptions the broker refused under a device policy (expected none: each train asks for its own shadows). */
  readonly subscriptionsRefused: number;
  /** Messages on a subscribed topic the broker did not deliver under a device policy's iot:Receive (expected none). */
  readonly deliveriesWithheld: number;
}

export class DevicesRun {
  private firstReadingAt = Number.POSITIVE_INFINITY;

  private constructor(
    private readonly broker: LoopbackBroker,
    private readonly report: ProvisioningReport,
    private readonly devices: number,
    private readonly provisioningMs: number,
  ) {}

  /** Provisions every meter and train through the stand-in; call before any of them connects. */
  static async provision(broker: LoopbackBroker, meterIds: readonly string[], trainIds: readonly string[]): Promise<DevicesRun> {
    const started = Date.now();
    const report = await provisionFleet(broker, [
      ...meterIds.map((serial) => ({ kind: "meter" as const, serial })),
      ...trainIds.map((serial) => ({ kind: "train" as const, serial })),
    ]);
    return new DevicesRun(broker, report, meterIds.length + trainIds.length, Date.now() - started);
  }

  /** The moment the fleets start publishing. */
  fleetsStarting(now = Date.now()): void {
    this.firstReadingAt = Math.min(this.firstReadingAt, now);
  }

  section(): DevicesSection {
    const things = this.report.standIn.things;
    return {
      devices: this.devices,
      provisioned: this.report.provisioned.length,
      refused: this.report.refused.map(({ serial, reason }) => ({ serial, reason })),
      provisioningMs: this.provisioningMs,
      provisionedBeforeFirstReading: this.report.provisioned.filter((p) => p.provisionedAt <= this.firstReadingAt).length,
      publishesByUnprovisionedClients: this.broker.refused.filter((p) => !things.has(p.clientId)).length,
      subscriptionsRefused: this.broker.refusedSubscriptions.length,
      deliveriesWithheld: this.broker.withheld.length,
    };
  }
}

export function devicesLine(d: DevicesSection): string {
  const refused = d.refused.length ? `; refused: ${d.refused.map((r) => `${r.serial} (${r.reason})`).join(", ")}` : "";
  return (
    `devices: ${d.provisioned} of ${d.devices} provisioned by claim in ${d.provisioningMs} ms, ${d.provisionedBeforeFirstReading} before their first reading; ` +
    `${d.publishesByUnprovisionedClients} publish(es) by unprovisioned clients, ${d.subscriptionsRefused} subscription(s) refused and ` +
    `${d.deliveriesWithheld} delivery(ies) withheld${refused}`
  );
}
