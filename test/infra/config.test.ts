import { expect } from "chai";
import { ConfigError, parseCidr, parseStackConfig } from "../../infra/config";
import { repeatedJsonKeys } from "../../infra/configKeys";
import { readStackConfig } from "../../infra/synth/synthStack";
import { TRAIN_DETECTOR_DEFAULTS } from "../../functions/trainAnomaly/settings";

const minimal: Record<string, string> = {
  "aws:region": "eu-west-1",
  "gridrail:environment": "dev",
  "gridrail:corporateCidrs": '["203.0.113.0/24"]',
};

function problemsOf(raw: Record<string, string>, stack = "dev"): readonly string[] {
  try {
    parseStackConfig(stack, raw);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe("stack config", () => {
  it("applies the documented defaults to a minimal config", () => {
    const c = parseStackConfig("dev", minimal);
    expect(c).to.deep.equal({
      stack: "dev",
      region: "eu-west-1",
      defaultTags: {},
      environment: "dev",
      logRetentionDays: 30,
      forceDestroyBuckets: false,
      retainOnDelete: true,
      kinesis: { mode: "ON_DEMAND", shardCount: undefined, retentionHours: 24 },
      redshift: { nodeType: "ra3.large", nodeCount: 1, port: 5447, snapshotRetentionDays: 7 },
      replicaRegion: undefined,
      alarmTopic: false,
      alarmEmail: undefined,
      corporateCidrs: ["203.0.113.0/24"],
      vpcCidr: "10.60.0.0/16",
      athenaBytesScannedCutoffMb: 1024,
      glacierTransitionDays: 90,
      apiThrottleRateLimit: 50,
      apiThrottleBurstLimit: 100,
      webOrigin: undefined,
      customerEmailSender: undefined,
      trainDetector: TRAIN_DETECTOR_DEFAULTS,
      reservedConcurrency: {
        trainAnomaly: 10,
        supplierParser: 5,
        dailyAnalysis: 1,
        authorizer: 25,
        profileApi: 25,
        reportUrl: 25,
        firehoseTransform: 10,
        redshiftLoader: 2,
        usageSummary: 2,
      },
      deviceAllowList: { meter: [], train: [] },
    });
  });

  it("accepts an SES sender: a domain identity with a quoted display name, an address identity as itself", () => {
    const domain = { identityArn: "arn:aws:ses:eu-west-1:123456789012:identity/grid.example", from: '"Gridrail" <no-reply@grid.example>' };
    const address = { identityArn: "arn:aws:ses:eu-west-1:123456789012:identity/ops@grid.example", from: "Ops <OPS@grid.example>" };
    for (const sender of [domain, address]) {
      expect(parseStackConfig("dev", { ...minimal, "gridrail:customerEmailSender": JSON.stringify(sender) }).customerEmailSender).to.deep.equal(sender);
    }
  });

  const origins: string[] = ["https://app.example.com", "https://my.energy.example.co.uk:8443", "http://localhost:5173", "http://127.0.0.1"];
  for (const origin of origins) {
    it(`accepts the web origin ${origin}`, () => expect(parseStackConfig("dev", { ...minimal, "gridrail:webOrigin": origin }).webOrigin).to.equal(origin));
  }

  it("sizes the train consumer's reserved concurrency by the provisioned shards, and takes overrides", () => {
    const c = parseStackConfig("dev", {
      ...minimal,
      "gridrail:kinesisStreamMode": "PROVISIONED",
      "gridrail:kinesisShardCount": "6",
      "gridrail:reservedConcurrency": '{"profileApi": 40}',
    });
    expect([c.reservedConcurrency.trainAnomaly, c.reservedConcurrency.profileApi, c.reservedConcurrency.authorizer]).to.deep.equal([6, 40, 25]);
  });

  // dev defaults: trainAnomaly 10, supplierParser 5, dailyAnalysis 1, three API functions 25 each,
  // firehoseTransform 10, redshiftLoader 2, usageSummary 2, and the two provisioning hooks 5 each: 115
  const budgets: [what: string, extra: Record<string, string>, problems: string[]][] = [
    ["the defaults in an account of the default quota (1000)", {}, []],
    ["the defaults in an account of 215, the least that holds them", { "gridrail:accountConcurrency": "215" }, []],
    [
      "the defaults in an account of 214",
      { "gridrail:accountConcurrency": "214" },
      [
        "gridrail:reservedConcurrency reserves 115 concurrent executions with the provisioning hooks' 10, more than the 114 an account with gridrail:accountConcurrency 214 can reserve (AWS keeps 100 unreserved): lower some, or raise the account's Lambda concurrent executions quota and set gridrail:accountConcurrency to it",
      ],
    ],
    [
      "a new account's quota of 10",
      { "gridrail:accountConcurrency": "10" },
      [
        "gridrail:reservedConcurrency reserves 115 concurrent executions with the provisioning hooks' 10, more than the 0 an account with gridrail:accountConcurrency 10 can reserve (AWS keeps 100 unreserved): lower some, or raise the account's Lambda concurrent executions quota and set gridrail:accountConcurrency to it",
      ],
    ],
    [
      "overrides past the default quota",
      { "gridrail:reservedConcurrency": '{"profileApi": 900}' },
      [
        "gridrail:reservedConcurrency reserves 990 concurrent executions with the provisioning hooks' 10, more than the 900 an account with gridrail:accountConcurrency 1000 can reserve (AWS keeps 100 unreserved): lower some, or raise the account's Lambda concurrent executions quota and set gridrail:accountConcurrency to it",
      ],
    ],
    ["a quota below any account's", { "gridrail:accountConcurrency": "5" }, ["gridrail:accountConcurrency must be between 10 and 1000000 (got 5)"]],
  ];
  for (const [what, extra, problems] of budgets) {
    it(`checks the stack's reservations against the account's quota: ${what}`, () => {
      expect(problemsOf({ ...minimal, ...extra })).to.deep.equal(problems);
    });
  }

  it("rejects reserved concurrency that is not a map of known functions to integers, or below a function's need", () => {
    const raw = {
      ...minimal,
      "gridrail:environment": "prod",
      "gridrail:retainOnDelete": "true",
      "gridrail:replicaRegion": "eu-central-1",
      "gridrail:alarmTopic": "true",
      "gridrail:kinesisStreamMode": "PROVISIONED",
      "gridrail:kinesisShardCount": "4",
      "gridrail:reservedConcurrency": '{"trainAnomaly": 2, "supplierParser": 4, "dailyAnalysis": 3, "parser": 5, "authorizer": 0, "reportUrl": 2.5}',
    };
    expect(problemsOf(raw, "prod")).to.deep.equal([
      'gridrail:reservedConcurrency: "parser" is not a function (functions: trainAnomaly, supplierParser, dailyAnalysis, authorizer, profileApi, reportUrl, firehoseTransform, redshiftLoader, usageSummary)',
      "gridrail:reservedConcurrency.authorizer must be an integer between 1 and 1000 (got 0)",
      "gridrail:reservedConcurrency.reportUrl must be an integer between 1 and 1000 (got 2.5)",
      "gridrail:reservedConcurrency.trainAnomaly (2) must be at least 4: gridrail:kinesisShardCount x parallelization factor (4 x 1)",
      "gridrail:reservedConcurrency.supplierParser (4) must be at least 5: the upload queue mapping's maximum concurrency",
      "gridrail:reservedConcurrency.dailyAnalysis (3) must be at least 4: the analysis shards scheduled together in prod",
    ]);
    expect(problemsOf({ ...minimal, "gridrail:reservedConcurrency": '{"trainAnomaly": 1}' })).to.deep.equal([
      "gridrail:reservedConcurrency.trainAnomaly (1) must be at least 4: an on-demand stream's first shards x parallelization factor (4 x 1)",
    ]);
    expect(problemsOf({ ...minimal, "gridrail:reservedConcurrency": "[5]" })).to.deep.equal([
      "gridrail:reservedConcurrency must be an object of function name to integer (functions: trainAnomaly, supplierParser, dailyAnalysis, authorizer, profileApi, reportUrl, firehoseTransform, redshiftLoader, usageSummary)",
    ]);
  });

  const cases: [string, Record<string, string | undefined>, string][] = [
    ["missing region", { "aws:region": undefined }, "aws:region is required"],
    ["malformed region", { "aws:region": "Ireland" }, 'aws:region must look like eu-west-1 (got "Ireland")'],
    ["missing environment", { "gridrail:environment": undefined }, "gridrail:environment is required (one of dev, prod)"],
    ["unknown environment", { "gridrail:environment": "staging" }, 'gridrail:environment must be one of dev, prod (got "staging")'],
    [
      "unknown key",
      { "gridrail:logRetention": "7" },
      "gridrail:logRetention is not a known config key (known: environment, logRetentionDays, forceDestroyBuckets, retainOnDelete, kinesisStreamMode, kinesisShardCount, kinesisRetentionHours, redshiftNodeType, redshiftNodeCount, redshiftPort, redshiftSnapshotRetentionDays, replicaRegion, alarmTopic, alarmEmail, corporateCidrs, vpcCidr, athenaBytesScannedCutoffMb, glacierTransitionDays, apiThrottleRateLimit, apiThrottleBurstLimit, trainDetector, reservedConcurrency, accountConcurrency, webOrigin, customerEmailSender, deviceAllowList)",
    ],
    [
      "retention CloudWatch rejects",
      { "gridrail:logRetentionDays": "10" },
      "gridrail:logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (got 10)",
    ],
    ["retention not an integer", { "gridrail:logRetentionDays": "a week" }, 'gridrail:logRetentionDays must be an integer (got "a week")'],
    ["boolean spelled yes", { "gridrail:forceDestroyBuckets": "yes" }, 'gridrail:forceDestroyBuckets must be true or false (got "yes")'],
    [
      "provisioned without shards",
      { "gridrail:kinesisStreamMode": "PROVISIONED" },
      "gridrail:kinesisShardCount is required when gridrail:kinesisStreamMode is PROVISIONED",
    ],
    ["shards with on-demand", { "gridrail:kinesisShardCount": "2" }, "gridrail:kinesisShardCount must not be set when gridrail:kinesisStreamMode is ON_DEMAND"],
    [
      "an integer too large to hold",
      { "gridrail:kinesisRetentionHours": "99999999999999999999" },
      'gridrail:kinesisRetentionHours must be between 24 and 8760 (got "99999999999999999999")',
    ],
    ["stream retention too short", { "gridrail:kinesisRetentionHours": "12" }, "gridrail:kinesisRetentionHours must be between 24 and 8760 (got 12)"],
    ["default Redshift port", { "gridrail:redshiftPort": "5439" }, "gridrail:redshiftPort must not be the default Redshift port 5439"],
    ["port out of range", { "gridrail:redshiftPort": "80" }, "gridrail:redshiftPort must be between 1150 and 65535 (got 80)"],
    [
      "a port RA3 clusters may not use",
      { "gridrail:redshiftPort": "5498" },
      "gridrail:redshiftPort must be in 5431..5455 or 8191..8215, the ports Redshift allows RA3 clusters (got 5498)",
    ],
    [
      "dc2 node type",
      { "gridrail:redshiftNodeType": "dc2.large" },
      'gridrail:redshiftNodeType must be one of ra3.large, ra3.xlplus, ra3.4xlarge, ra3.16xlarge (got "dc2.large")',
    ],
    [
      "a multi-node-only type on one node",
      { "gridrail:redshiftNodeType": "ra3.4xlarge" },
      "gridrail:redshiftNodeCount must be at least 2 for ra3.4xlarge (got 1); a single-node cluster is ra3.large or ra3.xlplus",
    ],
    [
      "a replica in another partition",
      { "gridrail:replicaRegion": "us-gov-west-1" },
      "gridrail:replicaRegion us-gov-west-1 is in partition aws-us-gov, aws:region eu-west-1 in aws: S3 replicates only within a partition",
    ],
    ["replica in the same region", { "gridrail:replicaRegion": "eu-west-1" }, "gridrail:replicaRegion must differ from aws:region (both are eu-west-1)"],
    ["email without topic", { "gridrail:alarmEmail": "ops@example.com" }, "gridrail:alarmEmail needs gridrail:alarmTopic: true"],
    [
      "bad email",
      { "gridrail:alarmTopic": "true", "gridrail:alarmEmail": "ops" },
      'gridrail:alarmEmail must be an e-mail address of at most 254 characters (got "ops")',
    ],
    [
      "an e-mail address with a line break and a doubled dot",
      { "gridrail:alarmTopic": "true", "gridrail:alarmEmail": "ops@example..com\nBcc: x" },
      'gridrail:alarmEmail must be an e-mail address of at most 254 characters (got "ops@example..com\\nBcc: x")',
    ],
    ["missing CIDRs", { "gridrail:corporateCidrs": undefined }, "gridrail:corporateCidrs is required (a list of IPv4 CIDRs)"],
    ["empty CIDR list", { "gridrail:corporateCidrs": "[]" }, "gridrail:corporateCidrs must be a non-empty list of IPv4 CIDRs"],
    ["the whole internet", { "gridrail:corporateCidrs": '["0.0.0.0/0"]' }, 'gridrail:corporateCidrs: "0.0.0.0/0" is wider than /8'],
    [
      "host bits set",
      { "gridrail:corporateCidrs": '["203.0.113.7/24"]' },
      'gridrail:corporateCidrs: "203.0.113.7/24" is not an IPv4 network in CIDR notation (no leading zeros)',
    ],
    [
      "leading zeros",
      { "gridrail:corporateCidrs": '["010.0.0.0/8"]' },
      'gridrail:corporateCidrs: "010.0.0.0/8" is not an IPv4 network in CIDR notation (no leading zeros)',
    ],
    [
      "a VPC with leading zeros",
      { "gridrail:vpcCidr": "10.060.0.0/16" },
      'gridrail:vpcCidr: "10.060.0.0/16" is not an IPv4 network in CIDR notation (no leading zeros)',
    ],
    [
      "a network listed twice",
      { "gridrail:corporateCidrs": '["203.0.113.0/24", "203.0.113.0/24", "203.0.113.0/24"]' },
      'gridrail:corporateCidrs: "203.0.113.0/24" is listed more than once',
    ],
    [
      "more networks than the bucket policy holds",
      { "gridrail:corporateCidrs": JSON.stringify(Array.from({ length: 101 }, (_, i) => `10.${i}.0.0/16`)) },
      "gridrail:corporateCidrs lists 101 networks; at most 100 fit the raw bucket's policy",
    ],
    [
      "public VPC range",
      { "gridrail:vpcCidr": "203.0.113.0/24" },
      "gridrail:vpcCidr must be in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (got 203.0.113.0/24)",
    ],
    ["VPC too large", { "gridrail:vpcCidr": "10.0.0.0/8" }, "gridrail:vpcCidr must be /16 to /24 (got /8)"],
    ["Athena below minimum", { "gridrail:athenaBytesScannedCutoffMb": "5" }, "gridrail:athenaBytesScannedCutoffMb must be between 10 and 1048576 (got 5)"],
    [
      "burst below rate",
      { "gridrail:apiThrottleRateLimit": "100", "gridrail:apiThrottleBurstLimit": "50" },
      "gridrail:apiThrottleBurstLimit (50) must be >= gridrail:apiThrottleRateLimit (100)",
    ],
    [
      "a rate over the burst ceiling (one message, not a second about a fallback)",
      { "gridrail:apiThrottleRateLimit": "6000", "gridrail:apiThrottleBurstLimit": "5000" },
      "gridrail:apiThrottleRateLimit must be between 1 and 5000 (got 6000)",
    ],
    ["train detector not JSON", { "gridrail:trainDetector": "{groups:" }, 'gridrail:trainDetector is not valid JSON: "{groups:"'],
    [
      "train detector with a bad option",
      { "gridrail:trainDetector": '{"options": {"numberOfTrees": 0}}' },
      "gridrail:trainDetector (group apu): option numberOfTrees must be an integer in [1, 1000], got 0",
    ],
    [
      "train detector group of an unknown sensor",
      { "gridrail:trainDetector": '{"groups": {"air": ["TP2", "TP9"]}}' },
      'gridrail:trainDetector.groups.air: "TP9" is not a known sensor',
    ],
    [
      "an email sender that is not JSON",
      { "gridrail:customerEmailSender": "arn:aws:ses:eu-west-1:123456789012:identity/grid.example" },
      'gridrail:customerEmailSender must be a JSON object {"identityArn", "from"?}, got "arn:aws:ses:eu-west-1:123456789012:identity/grid.example"',
    ],
    [
      "an email sender whose identity is not an SES identity ARN",
      { "gridrail:customerEmailSender": '{"identityArn": "arn:aws:sns:eu-west-1:123456789012:topic"}' },
      'gridrail:customerEmailSender.identityArn must be an SES identity ARN arn:aws:ses:<region>:<account>:identity/<domain or address>, got "arn:aws:sns:eu-west-1:123456789012:topic"',
    ],
    [
      "an email sender of a domain without a from address",
      { "gridrail:customerEmailSender": '{"identityArn": "arn:aws:ses:eu-west-1:123456789012:identity/grid.example"}' },
      "gridrail:customerEmailSender.from is required when the identity is a domain (grid.example): the address customers see mail from",
    ],
    [
      "an email sender from another domain than its identity's",
      {
        "gridrail:customerEmailSender": '{"identityArn": "arn:aws:ses:eu-west-1:123456789012:identity/grid.example", "from": "Grid <no-reply@other.example>"}',
      },
      `gridrail:customerEmailSender.from "Grid <no-reply@other.example>" is not of the identity's domain grid.example: SES sends only as a verified identity`,
    ],
    [
      "an email sender of an address identity, from another address",
      { "gridrail:customerEmailSender": '{"identityArn": "arn:aws:ses:eu-west-1:123456789012:identity/alice@grid.example", "from": "bob@grid.example"}' },
      `gridrail:customerEmailSender.from "bob@grid.example" is not the identity's address alice@grid.example: SES sends only as a verified identity`,
    ],
    [
      "an email sender verified in another region",
      { "gridrail:customerEmailSender": '{"identityArn": "arn:aws:ses:ap-southeast-2:123456789012:identity/ops@grid.example"}' },
      "gridrail:customerEmailSender.identityArn is in ap-southeast-2, the stack in eu-west-1: verify the identity in the stack's region",
    ],
    [
      "an email sender with an unknown field",
      { "gridrail:customerEmailSender": '{"identityArn": "arn:aws:ses:eu-west-1:123456789012:identity/ops@grid.example", "replyTo": "x"}' },
      "gridrail:customerEmailSender has unknown field(s) replyTo (known: identityArn, from)",
    ],
    [
      "a web origin with a path",
      { "gridrail:webOrigin": "https://app.example.com/" },
      'gridrail:webOrigin must be an origin like "https://app.example.com" (https, lower-case host, optional port, no path or trailing slash) or http://localhost[:port], got "https://app.example.com/"',
    ],
    [
      "a web origin with https's default port",
      { "gridrail:webOrigin": "https://app.example.com:443" },
      `gridrail:webOrigin port 443 is https's default, which browsers leave out of the Origin header: drop it, got "https://app.example.com:443"`,
    ],
    [
      "a local web origin with http's default port",
      { "gridrail:webOrigin": "http://localhost:80" },
      `gridrail:webOrigin port 80 is http's default, which browsers leave out of the Origin header: drop it, got "http://localhost:80"`,
    ],
    [
      "a web origin port above 65535",
      { "gridrail:webOrigin": "https://app.example.com:65536" },
      'gridrail:webOrigin port 65536 is above 65535, got "https://app.example.com:65536"',
    ],
    [
      "a plain-http web origin",
      { "gridrail:webOrigin": "http://app.example.com" },
      'gridrail:webOrigin must be an origin like "https://app.example.com" (https, lower-case host, optional port, no path or trailing slash) or http://localhost[:port], got "http://app.example.com"',
    ],
    [
      "a wildcard web origin",
      { "gridrail:webOrigin": "*" },
      'gridrail:webOrigin must be an origin like "https://app.example.com" (https, lower-case host, optional port, no path or trailing slash) or http://localhost[:port], got "*"',
    ],
    ["tags not an object", { "aws:defaultTags": '{"tags": ["a"]}' }, "aws:defaultTags must be an object { tags: { <name>: <string> } }"],
    [
      "a misspelt namespace",
      { "gridrial:forceDestroyBuckets": "true" },
      'gridrial:forceDestroyBuckets: namespace "gridrial" is not "gridrail" (a typo would leave the setting unread)',
    ],
    [
      "a namespace in the wrong case",
      { "Gridrail:retainOnDelete": "true" },
      'Gridrail:retainOnDelete: namespace "Gridrail" is not "gridrail" (a typo would leave the setting unread)',
    ],
    [
      "a key written twice in one JSON object",
      { "gridrail:deviceAllowList": '{"meter": ["NMI6100000001"], "train": ["train-0001"], "meter": []}' },
      'gridrail:deviceAllowList: "meter" is written twice in one object, and JSON keeps only the last',
    ],
    [
      "a key written twice in a nested object (a repeat in a list or another object is fine)",
      { "gridrail:trainDetector": '{"options": {"zFactor": 4, "zFactor": 5}, "groups": {"a": ["TP2", "TP3"], "b": ["TP2"]}, "maxModels": 10}' },
      'gridrail:trainDetector: "zFactor" is written twice in one object, and JSON keeps only the last',
    ],
    ["the AWS namespace in capitals", { "AWS:profile": "x" }, 'AWS:profile: namespace "AWS" is not "aws" (a typo would leave the setting unread)'],
    ["a misspelt AWS key", { "aws:defaultTag": '{"tags":{}}' }, "aws:defaultTag is not a key the AWS provider reads; did you mean aws:defaultTags?"],
    [
      "a reserved tag key",
      { "aws:defaultTags": '{"tags":{"aws:owner":"x"}}' },
      'aws:defaultTags: tag key "aws:owner" must not start with aws: (reserved by AWS)',
    ],
    ["an empty tag key", { "aws:defaultTags": '{"tags":{"":"x"}}' }, 'aws:defaultTags: tag key "" must be 1 to 128 characters'],
    [
      "a long tag value",
      { "aws:defaultTags": JSON.stringify({ tags: { team: "x".repeat(257) } }) },
      'aws:defaultTags: the value of tag "team" is over 256 characters',
    ],
    [
      "50 default tags",
      { "aws:defaultTags": JSON.stringify({ tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`t${i}`, "v"])) }) },
      "aws:defaultTags has 50 tags; AWS allows 50 a resource, and some resources carry one of their own",
    ],
  ];
  for (const [title, change, message] of cases) {
    it(`rejects ${title} with an exact message`, () => {
      const raw: Record<string, string> = { ...minimal };
      for (const [k, v] of Object.entries(change)) {
        if (v === undefined) delete raw[k];
        else raw[k] = v;
      }
      expect(problemsOf(raw)).to.deep.equal([message]);
    });
  }

  it("refuses train models that would not fit a checkpoint item or the function's memory, and accepts 50 models of 100 x 256", function () {
    this.timeout(30_000);
    expect(problemsOf({ ...minimal, "gridrail:trainDetector": '{"options": {"numberOfTrees": 1000}, "maxModels": 5}' })).to.deep.equal([
      "gridrail:trainDetector (group apu): a full model's checkpoint is about 889 KB, more than the 351 KB a DynamoDB item leaves it: use fewer trees or samples",
    ]);
    expect(problemsOf({ ...minimal, "gridrail:trainDetector": '{"options": {"numberOfTrees": 100, "subSampleSize": 256}}' })).to.deep.equal([
      "gridrail:trainDetector: maxModels 200 models of 100 trees x 256 samples in 9 dimensions need about 903 MB, more than 307 MB of the function's 512 MB: use fewer models, trees or samples, or a shorter shingle",
    ]);
    // the forest grows with the dimensions: the default trees and samples with a shingle of 8 (72 dimensions) do not fit 200 models, 100 do
    const shingled = (extra: string) =>
      `{"options": {"shingleSize": 8}, "groups": {"apu": ["TP2", "TP3", "H1", "DV_pressure", "Reservoirs", "Oil_temperature", "Motor_current"], "air": ["TP2"]}${extra}}`;
    expect(problemsOf({ ...minimal, "gridrail:trainDetector": shingled("") })).to.deep.equal([
      "gridrail:trainDetector: maxModels 200 models of 20 trees x 128 samples in 72 dimensions (group apu's, the largest) need about 470 MB, more than 307 MB of the function's 512 MB: use fewer models, trees or samples, or a shorter shingle",
    ]);
    expect(problemsOf({ ...minimal, "gridrail:trainDetector": shingled(', "maxModels": 100') })).to.deep.equal([]);
    expect(problemsOf({ ...minimal, "gridrail:trainDetector": '{"options": {"numberOfTrees": 100, "subSampleSize": 256}, "maxModels": 50}' })).to.deep.equal(
      [],
    );
  });

  const repeats: [string, string[] | undefined][] = [
    ['{"a": 1, "b": {"a": 2}, "c": ["a", "a"]}', []],
    ['{"a\\"b": 1, "a\\"b": 2}', ['a"b']],
    ['[{"k": 1}, {"k": 2}]', []],
    ['{"k": 1, "k": 2, "k": 3}', ["k"]],
    ['{"open": "', undefined],
  ];
  for (const [text, keys] of repeats) {
    it(`finds the keys ${JSON.stringify(text)} writes twice in one object`, () => expect(repeatedJsonKeys(text)).to.deep.equal(keys));
  }

  it("accepts another provider's namespace, which is not a near miss of ours", () => {
    expect(problemsOf({ ...minimal, "random:seed": "1", "awsx:x": "y", "tls:x": "y", "eks:x": "y" })).to.deep.equal([]);
  });

  for (const stack of ["my_stack", "Staging", "staging-eu-central-1-b", "../../tmp/x"]) {
    it(`refuses the stack name ${stack}, which would fail inside the program`, () => {
      expect(problemsOf(minimal, stack)).to.deep.equal([
        `stack name ${JSON.stringify(stack)} must be 1-21 lowercase letters, digits or -, starting with a letter (it names resources)`,
      ]);
    });
  }

  it("requires the prod guarantees: retain, no force-destroy, replication, alarm topic", () => {
    expect(
      problemsOf({ ...minimal, "gridrail:environment": "prod", "gridrail:retainOnDelete": "false", "gridrail:forceDestroyBuckets": "true" }, "prod"),
    ).to.deep.equal([
      "gridrail:retainOnDelete must be true in prod",
      "gridrail:forceDestroyBuckets must be false in prod",
      "gridrail:replicaRegion is required in prod",
      "gridrail:alarmTopic must be true in prod",
    ]);
  });

  it("reports every problem at once in the error message", () => {
    expect(() => parseStackConfig("dev", { "aws:region": "eu-west-1" })).to.throw(
      ConfigError,
      "invalid stack config:\n  gridrail:environment is required (one of dev, prod)\n  gridrail:corporateCidrs is required (a list of IPv4 CIDRs)",
    );
  });

  it("accepts both committed stack files", () => {
    const dev = parseStackConfig("dev", readStackConfig("dev"));
    const prod = parseStackConfig("prod", readStackConfig("prod"));
    expect([dev.kinesis.mode, dev.replicaRegion, dev.forceDestroyBuckets, dev.logRetentionDays]).to.deep.equal(["ON_DEMAND", undefined, true, 7]);
    expect([prod.kinesis.mode, prod.replicaRegion, prod.retainOnDelete, prod.logRetentionDays, prod.alarmTopic]).to.deep.equal([
      "PROVISIONED",
      "eu-central-1",
      true,
      365,
      true,
    ]);
  });

  it("parses CIDRs into address and prefix", () => {
    expect(parseCidr("10.60.0.0/16")).to.deep.equal([0x0a3c0000, 16]);
    expect(parseCidr("256.0.0.0/8")).to.equal(undefined);
    expect(parseCidr("10.0.0.0/33")).to.equal(undefined);
  });
});
