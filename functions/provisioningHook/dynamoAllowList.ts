import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { AllowList, Provisioned, provisionedKey } from "./decide";
import { DeviceKind } from "./serials";

/** Attribute names of the allow-list table: one item per serial, hash key `serial`. */
export const ALLOW_LIST_KEY = "serial";

/**
 * The allow-list in DynamoDB: one table per device kind, an item per allowed serial. A strongly consistent read,
 * so a serial added just before the device first connects is seen.
 */
export class DynamoAllowList implements AllowList {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: Partial<Readonly<Record<DeviceKind, string>>>,
  ) {}

  async has(kind: DeviceKind, serial: string): Promise<boolean> {
    const table = this.tables[kind];
    if (table === undefined) return false;
    const out = await this.client.send(
      new GetItemCommand({ TableName: table, Key: { [ALLOW_LIST_KEY]: { S: serial } }, ConsistentRead: true, ProjectionExpression: ALLOW_LIST_KEY }),
    );
    return out.Item !== undefined;
  }

  /**
   * Puts `provisioned#<serial>` unless it exists; a conditional write, so of two devices racing with one serial
   * only one joins. The role may put no other key (dynamodb:LeadingKeys).
   */
  async claim(kind: DeviceKind, serial: string, certificateId: string | undefined, at: Date): Promise<Provisioned | undefined> {
    const table = this.tables[kind];
    if (table === undefined) throw new Error(`no ${kind} allow-list table`);
    const key = { [ALLOW_LIST_KEY]: { S: provisionedKey(serial) } };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: table,
          Item: { ...key, provisionedAt: { S: at.toISOString() }, ...(certificateId ? { certificateId: { S: certificateId } } : {}) },
          ConditionExpression: "attribute_not_exists(#serial)",
          ExpressionAttributeNames: { "#serial": ALLOW_LIST_KEY },
        }),
      );
      return undefined;
    } catch (e) {
      if ((e as Error).name !== "ConditionalCheckFailedException") throw e;
    }
    const out = await this.client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
    const provisionedAt = out.Item?.provisionedAt?.S ?? "an unknown time";
    const earlierCertificate = out.Item?.certificateId?.S;
    // IoT Core's retry of the same request (same new certificate) is the same provisioning
    if (certificateId !== undefined && earlierCertificate === certificateId) return undefined;
    return { provisionedAt, ...(earlierCertificate ? { certificateId: earlierCertificate } : {}) };
  }
}
