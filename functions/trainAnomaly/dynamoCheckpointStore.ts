import { AttributeValue, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { Checkpoint, CheckpointStore } from "./checkpoint";
import { CheckpointError, ConflictError } from "./errors";

/**
 * Checkpoints in the component's table (hash key `trainId`, range key `detector` = the group). Reads are
 * strongly consistent: an eventually consistent read could return the version before the last write, and the
 * next conditional write would then fail for nothing.
 */
export class DynamoCheckpointStore implements CheckpointStore {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  /** A consistent read of the item, or of `projection` (attribute names) alone. */
  private async item(trainId: string, group: string, what: string, projection?: readonly string[]): Promise<Record<string, AttributeValue> | undefined> {
    try {
      const out = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: marshall({ trainId, detector: group }),
          ConsistentRead: true,
          ...(projection
            ? {
                ProjectionExpression: projection.map((n) => `#${n}`).join(", "),
                ExpressionAttributeNames: Object.fromEntries(projection.map((n) => [`#${n}`, n])),
              }
            : {}),
        }),
      );
      return out.Item;
    } catch (e) {
      throw new CheckpointError(`cannot read ${what} of ${trainId}/${group}: ${(e as Error).name}: ${(e as Error).message}`);
    }
  }

  async load(trainId: string, group: string): Promise<Checkpoint | undefined> {
    const item = await this.item(trainId, group, "checkpoint");
    if (!item) return undefined;
    const { version, fingerprint, model, sidecar, watermark, updatedAt } = unmarshall(item) as Record<string, unknown>;
    if (typeof version !== "number" || typeof fingerprint !== "string" || fingerprint === "" || !(model instanceof Uint8Array) || typeof sidecar !== "string") {
      throw new CheckpointError(`checkpoint of ${trainId}/${group} lacks version, fingerprint, model or sidecar`);
    }
    return {
      trainId,
      group,
      version,
      fingerprint,
      model,
      sidecar,
      watermark: typeof watermark === "number" ? watermark : null,
      updatedAt: typeof updatedAt === "string" ? updatedAt : "",
    };
  }

  /**
   * The version attribute alone: a warm Lambda checks its cached model against it. DynamoDB bills the read by
   * the whole item (a quarter of a checkpoint write's units), but returns a few bytes.
   */
  async version(trainId: string, group: string): Promise<number | undefined> {
    const item = await this.item(trainId, group, "the checkpoint version", ["version"]);
    if (!item) return undefined;
    const { version } = unmarshall(item) as Record<string, unknown>;
    if (typeof version !== "number") throw new CheckpointError(`checkpoint of ${trainId}/${group} lacks version`);
    return version;
  }

  async save(c: Checkpoint): Promise<void> {
    const item = marshall({
      trainId: c.trainId,
      detector: c.group,
      version: c.version,
      fingerprint: c.fingerprint,
      model: c.model,
      sidecar: c.sidecar,
      updatedAt: c.updatedAt,
      ...(c.watermark === null ? {} : { watermark: c.watermark }),
    });
    const first = c.version === 1;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: first ? "attribute_not_exists(#version)" : "#version = :previous",
          ExpressionAttributeNames: { "#version": "version" },
          ...(first ? {} : { ExpressionAttributeValues: marshall({ ":previous": c.version - 1 }) }),
        }),
      );
    } catch (e) {
      const err = e as Error;
      if (err.name === "ConditionalCheckFailedException") {
        throw new ConflictError(`checkpoint of ${c.trainId}/${c.group}: another writer got past version ${c.version - 1}`);
      }
      throw new CheckpointError(`cannot write checkpoint ${c.version} of ${c.trainId}/${c.group}: ${err.name}: ${err.message}`);
    }
  }
}
