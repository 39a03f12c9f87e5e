import { STACK_NAME } from "../functions/provisioningHook/serials";
import { showValue } from "../functions/shared/showValue";
import { SettingsError } from "../functions/trainAnomaly/errors";
import { TRAIN_DETECTOR_DEFAULTS, TrainDetectorSettings, parseDetectorSettingsJson } from "../functions/trainAnomaly/settings";
import { DeviceAllowList, parseDeviceAllowList } from "./deviceAllowList";
import { ReservedConcurrency, parseReservedConcurrency } from "./reservedConcurrency";
import { ConfigReader, EMAIL_ADDRESS, repeatedItems } from "./configReader";
import { detectorBudgetProblems } from "./trainDetectorBudget";
import { trainDefaults } from "./trainTelemetry/defaults";
import { repeatedKeyProblems, tagProblems, unknownKeyProblems } from "./configKeys";
import { parseWebOrigin } from "./customerApi/webOrigin";
import { EmailSender, parseEmailSender } from "./customerApi/emailSender";

/**
 * Typed stack configuration. `parseStackConfig` is pure: it takes the raw Pulumi config map (every value a
 * string, structured values as JSON, exactly what `pulumi.runtime.allConfig()` returns) and either returns a
 * validated `StackConfig` or throws a `ConfigError` listing every problem, one exact message per line.
 */

export type Environment = "dev" | "prod";
export type KinesisStreamMode = "ON_DEMAND" | "PROVISIONED";

export interface StackConfig {
  /** Pulumi stack name (`dev`, `prod`, ...); used in physical names. */
  readonly stack: string;
  /** `aws:region`: where everything lives. Required. */
  readonly region: string;
  /** `aws:defaultTags`: tags every resource gets (also passed to explicit providers). Default `{}`. */
  readonly defaultTags: Readonly<Record<string, string>>;
  /** `gridrail:environment`: `dev` or `prod`. Required. */
  readonly environment: Environment;
  /** `gridrail:logRetentionDays`: CloudWatch Logs retention for every log group. Default 30. */
  readonly logRetentionDays: number;
  /** `gridrail:forceDestroyBuckets`: let `pulumi destroy` empty buckets. Default false. */
  readonly forceDestroyBuckets: boolean;
  /** `gridrail:retainOnDelete`: keep stateful resources (buckets, tables, keys, cluster) when removed. Default true. */
  readonly retainOnDelete: boolean;
  readonly kinesis: {
    /** `gridrail:kinesisStreamMode`: `ON_DEMAND` or `PROVISIONED`. Default `ON_DEMAND`. */
    readonly mode: KinesisStreamMode;
    /** `gridrail:kinesisShardCount`: required with `PROVISIONED`, forbidden with `ON_DEMAND`. */
    readonly shardCount: number | undefined;
    /** `gridrail:kinesisRetentionHours`: 24..8760. Default 24. */
    readonly retentionHours: number;
  };
  readonly redshift: {
    /** `gridrail:redshiftNodeType`: an RA3 node type. Default `ra3.large`. */
    readonly nodeType: string;
    /** `gridrail:redshiftNodeCount`: 1 (single-node) .. 32. Default 1. */
    readonly nodeCount: number;
    /** `gridrail:redshiftPort`: 5431..5455 or 8191..8215 (RA3's ranges) except the well-known 5439. Default 5447. */
    readonly port: number;
    /** `gridrail:redshiftSnapshotRetentionDays`: automated snapshots, 1..35. Default 7. */
    readonly snapshotRetentionDays: number;
  };
  /** `gridrail:replicaRegion`: region raw data is replicated to; unset means no replication. Required in prod. */
  readonly replicaRegion: string | undefined;
  /** `gridrail:alarmTopic`: send alarms to an SNS topic. Default false; required true in prod. */
  readonly alarmTopic: boolean;
  /** `gridrail:alarmEmail`: optional e-mail subscribed to the alarm topic (needs `alarmTopic`). */
  readonly alarmEmail: string | undefined;
  /** `gridrail:corporateCidrs`: IPv4 CIDRs allowed to read shared data. Required, non-empty, no /0. */
  readonly corporateCidrs: readonly string[];
  /** `gridrail:vpcCidr`: CIDR of the data-sharing VPC, /16../24 in a private range. Default `10.60.0.0/16`. */
  readonly vpcCidr: string;
  /** `gridrail:athenaBytesScannedCutoffMb`: per-query scan limit, >= 10 (Athena's minimum). Default 1024. */
  readonly athenaBytesScannedCutoffMb: number;
  /** `gridrail:glacierTransitionDays`: days before raw data moves to Glacier, >= 1. Default 90. */
  readonly glacierTransitionDays: number;
  /** `gridrail:apiThrottleRateLimit`: steady-state requests per second of the customer API, 1..5000. Default 50. */
  readonly apiThrottleRateLimit: number;
  /** `gridrail:apiThrottleBurstLimit`: burst of the customer API, >= rate limit, <= 5000. Default 100. */
  readonly apiThrottleBurstLimit: number;
  /** `gridrail:webOrigin`: the browser origin the customer API allows (CORS); see customerApi/webOrigin.ts. Default none. */
  readonly webOrigin?: string;
  /** `gridrail:customerEmailSender`: SES for Cognito's mail (customerApi/emailSender.ts). Default none: Cognito's own sender. */
  readonly customerEmailSender?: EmailSender;
  /**
   * `gridrail:trainDetector`: JSON object, how the train anomaly Lambda models trains (detector, options, sensor
   * groups, episode and cache limits; see functions/trainAnomaly/settings.ts). Default `TRAIN_DETECTOR_DEFAULTS`.
   */
  readonly trainDetector: TrainDetectorSettings;
  /**
   * `gridrail:reservedConcurrency`: JSON object, function (folder under functions/) → reserved concurrent
   * executions; see reservedConcurrency.ts for the defaults and the minimum each function needs.
   */
  readonly reservedConcurrency: ReservedConcurrency;
  /** `gridrail:deviceAllowList`: serials seeded on the fleet provisioning allow-lists (deviceAllowList.ts). Default none. */
  readonly deviceAllowList: DeviceAllowList;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`invalid stack config:\n  ${problems.join("\n  ")}`);
  }
}

/** CloudWatch Logs accepts only these retention values (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export const REDSHIFT_NODE_TYPES: readonly string[] = ["ra3.large", "ra3.xlplus", "ra3.4xlarge", "ra3.16xlarge"];
/** The ports Redshift lets an RA3 cluster listen on (CreateCluster's Port). */
const RA3_PORT_RANGES: readonly [number, number][] = [
  [5431, 5455],
  [8191, 8215],
];
/** RA3 node types Redshift creates only as multi-node clusters. */
const MULTI_NODE_ONLY: readonly string[] = ["ra3.4xlarge", "ra3.16xlarge"];

/** Redshift's default port: scanners probe it first, so the stack refuses it. */
export const REDSHIFT_DEFAULT_PORT = 5439;

export const CONFIG_KEYS = [
  "environment",
  "logRetentionDays",
  "forceDestroyBuckets",
  "retainOnDelete",
  "kinesisStreamMode",
  "kinesisShardCount",
  "kinesisRetentionHours",
  "redshiftNodeType",
  "redshiftNodeCount",
  "redshiftPort",
  "redshiftSnapshotRetentionDays",
  "replicaRegion",
  "alarmTopic",
  "alarmEmail",
  "corporateCidrs",
  "vpcCidr",
  "athenaBytesScannedCutoffMb",
  "glacierTransitionDays",
  "apiThrottleRateLimit",
  "apiThrottleBurstLimit",
  "trainDetector",
  "reservedConcurrency",
  "accountConcurrency",
  "webOrigin",
  "customerEmailSender",
  "deviceAllowList",
] as const;

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
/** SMTP's limit on an address (RFC 5321). */
const MAX_EMAIL_LENGTH = 254;
/** Networks of the raw bucket's corporate deny: 100 keep its policy far below S3's 20 KB. */
export const MAX_CORPORATE_CIDRS = 100;

/** Parses `a.b.c.d/n` into [address as uint32, prefix] or undefined when malformed. */
export function parseCidr(cidr: string): [number, number] | undefined {
  // no leading zeros: 010.0.0.0 is octal to some parsers, and Go's (the AWS provider's) refuses it
  const m = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\/(0|[1-9]\d?)$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 32 - prefix;
  if (hostBits > 0 && address % 2 ** hostBits !== 0) return undefined; // host bits set: not a network address
  return [address, prefix];
}

/** Whether a parsed network lies wholly inside the network `net/bits`. */
export function insideNetwork([address, prefix]: [number, number], net: string, bits: number): boolean {
  const [n] = parseCidr(`${net}/${bits}`)!;
  return prefix >= bits && Math.floor(address / 2 ** (32 - bits)) === Math.floor(n / 2 ** (32 - bits));
}

function isPrivate(cidr: [number, number]): boolean {
  return insideNetwork(cidr, "10.0.0.0", 8) || insideNetwork(cidr, "172.16.0.0", 12) || insideNetwork(cidr, "192.168.0.0", 16);
}

/** Validates raw config. `raw` maps full keys (`gridrail:logRetentionDays`, `aws:region`) to string values. */
export function parseStackConfig(stack: string, raw: Readonly<Record<string, string>>): StackConfig {
  const r = new ConfigReader(raw);
  if (!STACK_NAME.test(stack)) {
    r.problems.push(`stack name ${showValue(stack)} must be 1-21 lowercase letters, digits or -, starting with a letter (it names resources)`);
  }
  r.problems.push(...unknownKeyProblems(Object.keys(r.raw), CONFIG_KEYS), ...repeatedKeyProblems(r.raw));
  const { region, defaultTags } = parseAwsSettings(r);
  const environment = r.oneOf<Environment>("environment", undefined, ["dev", "prod"]) ?? "dev";
  const kinesis = parseKinesis(r);
  const alarms = parseAlarms(r);
  const api = parseApiThrottle(r);

  const config: StackConfig = {
    stack,
    region: region ?? "",
    defaultTags,
    environment,
    logRetentionDays: parseLogRetention(r),
    forceDestroyBuckets: r.bool("forceDestroyBuckets", false),
    retainOnDelete: r.bool("retainOnDelete", true),
    kinesis,
    redshift: parseRedshift(r),
    replicaRegion: parseReplicaRegion(r, region),
    ...alarms,
    corporateCidrs: parseCorporateCidrs(r),
    vpcCidr: parseVpcCidr(r),
    athenaBytesScannedCutoffMb: r.int("athenaBytesScannedCutoffMb", 1024, 10, 1048576),
    glacierTransitionDays: r.int("glacierTransitionDays", 90, 1, 3650),
    ...api,
    webOrigin: parseWebOrigin(r.str("webOrigin"), r.problems),
    customerEmailSender: parseEmailSender(r.str("customerEmailSender"), r.problems, region),
    trainDetector: parseTrainDetector(r),
    reservedConcurrency: parseReservedConcurrency(
      r.str("reservedConcurrency"),
      { environment, shardCount: kinesis.shardCount, accountConcurrency: r.int("accountConcurrency", 1000, 10, 1_000_000) },
      r.problems,
    ),
    deviceAllowList: parseDeviceAllowList(r.str("deviceAllowList"), r.problems),
  };
  if (environment === "prod") checkProdRules(config, r.problems);

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

function parseAwsSettings(r: ConfigReader): { region: string | undefined; defaultTags: Record<string, string> } {
  const region = r.raw["aws:region"];
  if (region === undefined) r.problems.push("aws:region is required");
  else if (!REGION.test(region)) r.problems.push(`aws:region must look like eu-west-1 (got ${showValue(region)})`);

  let defaultTags: Record<string, string> = {};
  if (r.raw["aws:defaultTags"] !== undefined) {
    try {
      const parsed = JSON.parse(r.raw["aws:defaultTags"]) as { tags?: unknown };
      const tags = parsed.tags;
      if (typeof tags !== "object" || tags === null || Array.isArray(tags) || Object.values(tags).some((t) => typeof t !== "string")) {
        throw new Error("shape");
      }
      defaultTags = tags as Record<string, string>;
    } catch {
      r.problems.push("aws:defaultTags must be an object { tags: { <name>: <string> } }");
    }
    r.problems.push(...tagProblems(defaultTags));
  }
  return { region, defaultTags };
}

function parseLogRetention(r: ConfigReader): number {
  const days = r.int("logRetentionDays", 30, 1, 3653);
  if (r.str("logRetentionDays") !== undefined && !LOG_RETENTION_DAYS.includes(days)) {
    r.problems.push(`gridrail:logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(", ")} (got ${days})`);
  }
  return days;
}

function parseKinesis(r: ConfigReader): StackConfig["kinesis"] {
  const mode = r.oneOf<KinesisStreamMode>("kinesisStreamMode", "ON_DEMAND", ["ON_DEMAND", "PROVISIONED"]) ?? "ON_DEMAND";
  let shardCount: number | undefined;
  if (mode === "PROVISIONED") {
    if (r.str("kinesisShardCount") === undefined) {
      r.problems.push("gridrail:kinesisShardCount is required when gridrail:kinesisStreamMode is PROVISIONED");
    } else {
      shardCount = r.int("kinesisShardCount", 1, 1, 500);
    }
  } else if (r.str("kinesisShardCount") !== undefined) {
    r.problems.push("gridrail:kinesisShardCount must not be set when gridrail:kinesisStreamMode is ON_DEMAND");
  }
  return { mode, shardCount, retentionHours: r.int("kinesisRetentionHours", 24, 24, 8760) };
}

function parseRedshift(r: ConfigReader): StackConfig["redshift"] {
  const port = r.int("redshiftPort", 5447, 1150, 65535);
  if (port === REDSHIFT_DEFAULT_PORT) {
    r.problems.push(`gridrail:redshiftPort must not be the default Redshift port ${REDSHIFT_DEFAULT_PORT}`);
  } else if (!RA3_PORT_RANGES.some(([low, high]) => port >= low && port <= high)) {
    r.problems.push(`gridrail:redshiftPort must be in 5431..5455 or 8191..8215, the ports Redshift allows RA3 clusters (got ${port})`);
  }
  const nodeType = r.oneOf("redshiftNodeType", "ra3.large", REDSHIFT_NODE_TYPES) ?? "ra3.large";
  const nodeCount = r.int("redshiftNodeCount", 1, 1, 32);
  if (MULTI_NODE_ONLY.includes(nodeType) && nodeCount < 2) {
    r.problems.push(`gridrail:redshiftNodeCount must be at least 2 for ${nodeType} (got ${nodeCount}); a single-node cluster is ra3.large or ra3.xlplus`);
  }
  return {
    nodeType,
    nodeCount,
    port,
    snapshotRetentionDays: r.int("redshiftSnapshotRetentionDays", 7, 1, 35),
  };
}

/** The AWS partition a region belongs to (China and GovCloud regions are their own). */
function partitionOf(region: string): string {
  return region.startsWith("cn-") ? "aws-cn" : region.includes("-gov-") ? "aws-us-gov" : "aws";
}

function parseReplicaRegion(r: ConfigReader, region: string | undefined): string | undefined {
  const replicaRegion = r.str("replicaRegion");
  if (replicaRegion !== undefined) {
    if (!REGION.test(replicaRegion)) {
      r.problems.push(`gridrail:replicaRegion must look like eu-central-1 (got ${showValue(replicaRegion)})`);
    } else if (replicaRegion === region) {
      r.problems.push(`gridrail:replicaRegion must differ from aws:region (both are ${region})`);
    } else if (region !== undefined && partitionOf(replicaRegion) !== partitionOf(region)) {
      r.problems.push(
        `gridrail:replicaRegion ${replicaRegion} is in partition ${partitionOf(replicaRegion)}, aws:region ${region} in ${partitionOf(region)}: S3 replicates only within a partition`,
      );
    }
  }
  return replicaRegion;
}

function parseAlarms(r: ConfigReader): Pick<StackConfig, "alarmTopic" | "alarmEmail"> {
  const alarmTopic = r.bool("alarmTopic", false);
  const alarmEmail = r.str("alarmEmail");
  if (alarmEmail !== undefined) {
    if (!EMAIL_ADDRESS.test(alarmEmail) || alarmEmail.length > MAX_EMAIL_LENGTH || alarmEmail.includes(".."))
      r.problems.push(`gridrail:alarmEmail must be an e-mail address of at most ${MAX_EMAIL_LENGTH} characters (got ${showValue(alarmEmail)})`);
    else if (!alarmTopic) r.problems.push("gridrail:alarmEmail needs gridrail:alarmTopic: true");
  }
  return { alarmTopic, alarmEmail };
}

function parseCorporateCidrs(r: ConfigReader): string[] {
  const cidrsRaw = r.str("corporateCidrs");
  if (cidrsRaw === undefined) {
    r.problems.push("gridrail:corporateCidrs is required (a list of IPv4 CIDRs)");
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(cidrsRaw);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.some((c) => typeof c !== "string")) {
    r.problems.push("gridrail:corporateCidrs must be a non-empty list of IPv4 CIDRs");
    return [];
  }
  if (parsed.length > MAX_CORPORATE_CIDRS) {
    r.problems.push(`gridrail:corporateCidrs lists ${parsed.length} networks; at most ${MAX_CORPORATE_CIDRS} fit the raw bucket's policy`);
    return [];
  }
  const networks: string[] = [];
  for (const c of parsed as string[]) {
    const p = parseCidr(c);
    if (!p) r.problems.push(`gridrail:corporateCidrs: ${showValue(c)} is not an IPv4 network in CIDR notation (no leading zeros)`);
    else if (p[1] < 8) r.problems.push(`gridrail:corporateCidrs: "${c}" is wider than /8`);
    else networks.push(c);
  }
  r.problems.push(...repeatedItems(networks).map((c) => `gridrail:corporateCidrs: "${c}" is listed more than once`));
  return parsed as string[];
}

function parseVpcCidr(r: ConfigReader): string {
  const vpcCidr = r.str("vpcCidr") ?? "10.60.0.0/16";
  const vpc = parseCidr(vpcCidr);
  if (!vpc) r.problems.push(`gridrail:vpcCidr: ${showValue(vpcCidr)} is not an IPv4 network in CIDR notation (no leading zeros)`);
  else if (vpc[1] < 16 || vpc[1] > 24) r.problems.push(`gridrail:vpcCidr must be /16 to /24 (got /${vpc[1]})`);
  else if (!isPrivate(vpc)) r.problems.push(`gridrail:vpcCidr must be in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (got ${vpcCidr})`);
  return vpcCidr;
}

function parseApiThrottle(r: ConfigReader): Pick<StackConfig, "apiThrottleRateLimit" | "apiThrottleBurstLimit"> {
  const before = r.problems.length;
  const apiThrottleRateLimit = r.int("apiThrottleRateLimit", 50, 1, 5000);
  const apiThrottleBurstLimit = r.int("apiThrottleBurstLimit", 100, 1, 5000);
  // compared only when both were read: a fallback in the message would name a value nobody wrote
  if (r.problems.length === before && apiThrottleBurstLimit < apiThrottleRateLimit) {
    r.problems.push(`gridrail:apiThrottleBurstLimit (${apiThrottleBurstLimit}) must be >= gridrail:apiThrottleRateLimit (${apiThrottleRateLimit})`);
  }
  return { apiThrottleRateLimit, apiThrottleBurstLimit };
}

function parseTrainDetector(r: ConfigReader): TrainDetectorSettings {
  try {
    const settings = parseDetectorSettingsJson(r.str("trainDetector"), r.key("trainDetector"));
    if (r.str("trainDetector") !== undefined) r.problems.push(...detectorBudgetProblems(settings, trainDefaults.memorySize, r.key("trainDetector")));
    return settings;
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
    r.problems.push(...e.problems);
    return TRAIN_DETECTOR_DEFAULTS;
  }
}

function checkProdRules(config: StackConfig, problems: string[]): void {
  if (!config.retainOnDelete) problems.push("gridrail:retainOnDelete must be true in prod");
  if (config.forceDestroyBuckets) problems.push("gridrail:forceDestroyBuckets must be false in prod");
  if (config.replicaRegion === undefined) problems.push("gridrail:replicaRegion is required in prod");
  if (!config.alarmTopic) problems.push("gridrail:alarmTopic must be true in prod");
}
