import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { AllowList } from "./decide";
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
}
