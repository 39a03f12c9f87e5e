import { meterDefaults } from "./meterIngestion/defaults";
import { showValue } from "../functions/shared/showValue";
import { FunctionSource } from "./shared/bundle";
import { provisioningDefaults, streamConsumerDefaults } from "./shared/defaults";
import { jsonObject } from "./configReader";

/**
 * Reserved concurrency per function (`gridrail:reservedConcurrency`, JSON `{ <function>: <integer> }`, every
 * key optional): each function gets its own slice of the account's pool and can never take more, so a flood on
 * one path (a burst of uploads, an API hammered) cannot throttle the others. Keys are the folders under
 * `functions/`.
 */
export type ReservedConcurrency = Readonly<Record<FunctionSource, number>>;

export const FUNCTION_NAMES: readonly FunctionSource[] = [
  "trainAnomaly",
  "supplierParser",
  "dailyAnalysis",
  "authorizer",
  "profileApi",
  "reportUrl",
  "firehoseTransform",
  "redshiftLoader",
  "usageSummary",
];

/** What the concurrency has to cover, from the rest of the stack's settings. */
export interface ConcurrencyContext {
  readonly environment: "dev" | "prod";
  /** Shards of a PROVISIONED train stream; undefined when ON_DEMAND. */
  readonly shardCount: number | undefined;
  /** The account's Lambda concurrency quota in the stack's region (`gridrail:accountConcurrency`). */
  readonly accountConcurrency: number;
}

/** AWS keeps this much of an account's concurrency in a region unreserved: the rest is all that can be reserved. */
export const UNRESERVED_MINIMUM = 100;
/** The two fleet provisioning hooks (meters, trains) reserve theirs outside `gridrail:reservedConcurrency`. */
export const HOOK_RESERVATIONS = 2 * provisioningDefaults.hookReservedConcurrency;

/** On-demand streams start with 4 shards and split as traffic grows: room for a few splits. */
const ON_DEMAND_TRAIN_CONCURRENCY = 10;
/** The shards an on-demand stream starts with. */
const ON_DEMAND_INITIAL_SHARDS = 4;
const MAX = 1000;

/**
 * The least each function needs, and why: below it, events that are certain to come would be throttled.
 * - trainAnomaly: one concurrent batch per shard and parallelization slot;
 * - supplierParser: the SQS mapping's maximum concurrency (a throttled SQS invocation counts as a receive,
 *   and five of them send an upload to the dead-letter queue);
 * - dailyAnalysis: its shards are scheduled at the same minute.
 */
export function minimumConcurrency(ctx: ConcurrencyContext): Readonly<Partial<Record<FunctionSource, [number, string]>>> {
  const shards = ctx.shardCount ?? ON_DEMAND_INITIAL_SHARDS;
  const slots = shards * streamConsumerDefaults.parallelizationFactor;
  const why =
    ctx.shardCount !== undefined
      ? `gridrail:kinesisShardCount x parallelization factor (${shards} x ${streamConsumerDefaults.parallelizationFactor})`
      : `an on-demand stream's first shards x parallelization factor (${shards} x ${streamConsumerDefaults.parallelizationFactor})`;
  return {
    trainAnomaly: [slots, why],
    supplierParser: [meterDefaults.parserMaxConcurrency, "the upload queue mapping's maximum concurrency"],
    dailyAnalysis: [meterDefaults.analysisShards[ctx.environment], `the analysis shards scheduled together in ${ctx.environment}`],
  };
}

/**
 * Defaults: the stream consumer's need; the customer API's three functions 25 each (50 requests a second at
 * ~100 ms is 5 at once, with room for the 100-request burst); the others a few, as they run on schedules or
 * behind Firehose's buffering.
 */
export function defaultConcurrency(ctx: ConcurrencyContext): ReservedConcurrency {
  const trainSlots = ctx.shardCount === undefined ? ON_DEMAND_TRAIN_CONCURRENCY : ctx.shardCount * streamConsumerDefaults.parallelizationFactor;
  return {
    trainAnomaly: trainSlots,
    supplierParser: meterDefaults.parserMaxConcurrency,
    dailyAnalysis: meterDefaults.analysisShards[ctx.environment],
    authorizer: 25,
    profileApi: 25,
    reportUrl: 25,
    firehoseTransform: 10,
    redshiftLoader: 2,
    usageSummary: 2,
  };
}

/** Validates `raw` (the config value's JSON text, or undefined); problems are appended, one exact line each. */
export function parseReservedConcurrency(raw: string | undefined, ctx: ConcurrencyContext, problems: string[]): ReservedConcurrency {
  const key = "gridrail:reservedConcurrency";
  const out: Record<FunctionSource, number> = { ...defaultConcurrency(ctx) };
  if (raw !== undefined) {
    const parsed = jsonObject(raw);
    if (parsed === undefined) {
      problems.push(`${key} must be an object of function name to integer (functions: ${FUNCTION_NAMES.join(", ")})`);
      return out;
    }
    for (const [name, value] of Object.entries(parsed)) {
      if (!(FUNCTION_NAMES as readonly string[]).includes(name)) {
        problems.push(`${key}: "${name}" is not a function (functions: ${FUNCTION_NAMES.join(", ")})`);
      } else if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX) {
        problems.push(`${key}.${name} must be an integer between 1 and ${MAX} (got ${showValue(value)})`);
      } else {
        out[name as FunctionSource] = value;
      }
    }
  }
  for (const [name, [least, why]] of Object.entries(minimumConcurrency(ctx)) as [FunctionSource, [number, string]][]) {
    if (out[name] < least) problems.push(`${key}.${name} (${out[name]}) must be at least ${least}: ${why}`);
  }
  const total = Object.values(out).reduce((a, b) => a + b, 0) + HOOK_RESERVATIONS;
  const room = ctx.accountConcurrency - UNRESERVED_MINIMUM;
  if (total > room) {
    problems.push(
      `${key} reserves ${total} concurrent executions with the provisioning hooks' ${HOOK_RESERVATIONS}, more than the ${Math.max(room, 0)} ` +
        `an account with gridrail:accountConcurrency ${ctx.accountConcurrency} can reserve (AWS keeps ${UNRESERVED_MINIMUM} unreserved): ` +
        "lower some, or raise the account's Lambda concurrent executions quota and set gridrail:accountConcurrency to it",
    );
  }
  return out;
}
