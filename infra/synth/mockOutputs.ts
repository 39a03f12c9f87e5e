/**
 * Plausible provider outputs for `pulumi.runtime.setMocks`, so documents built from ARNs render concretely in
 * the synth (`arn:aws:kinesis:eu-west-1:123456789012:stream/...`) instead of as empty strings.
 */
import { createHash } from "crypto";

export const MOCK_ACCOUNT_ID = "123456789012";

function short(seed: string, length = 8): string {
  return createHash("sha1").update(seed).digest("hex").slice(0, length);
}

type State = Record<string, unknown>;

/** Component types implemented by a provider plugin (remote): the mock gives them outputs like a custom resource. */
export const REMOTE_COMPONENTS: readonly string[] = ["awsx:ec2:Vpc"];

/** Physical name the provider would report: the explicit one if given, else the logical name. */
function physicalName(name: string, inputs: State): string {
  for (const k of ["name", "bucket", "clusterIdentifier", "functionName", "workgroup"]) {
    if (typeof inputs[k] === "string" && inputs[k] !== "") return inputs[k] as string;
  }
  return name;
}

/** Returns `{ id, state }` for a registered resource of `type` named `name` in `region`. */
export function mockResource(type: string, name: string, inputs: State, region: string): { id: string; state: State } {
  const A = MOCK_ACCOUNT_ID;
  const R = region;
  const n = physicalName(name, inputs);
  const arn = (service: string, resource: string, withRegion = true, withAccount = true) =>
    `arn:aws:${service}:${withRegion ? R : ""}:${withAccount ? A : ""}:${resource}`;
  const out = (id: string, extra: State): { id: string; state: State } => ({ id, state: { ...inputs, ...extra } });

  switch (type) {
    case "aws:s3/bucket:Bucket":
      return out(n, { bucket: n, arn: arn("s3", n, false, false), bucketRegionalDomainName: `${n}.s3.${R}.amazonaws.com` });
    case "aws:kms/key:Key": {
      const keyId = `${short(name)}-${short(`${name}1`, 4)}-${short(`${name}2`, 4)}-${short(`${name}3`, 4)}-${short(`${name}4`, 12)}`;
      return out(keyId, { keyId, arn: arn("kms", `key/${keyId}`) });
    }
    case "aws:kms/alias:Alias":
      return out(n, { arn: arn("kms", n) });
    case "aws:sqs/queue:Queue": {
      const url = `https://sqs.${R}.amazonaws.com/${A}/${n}`;
      return out(url, { name: n, url, arn: arn("sqs", n) });
    }
    case "aws:kinesis/stream:Stream":
      return out(n, { name: n, arn: arn("kinesis", `stream/${n}`) });
    case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
      return out(n, { name: n, arn: arn("firehose", `deliverystream/${n}`) });
    case "aws:lambda/function:Function": {
      const fnArn = arn("lambda", `function:${n}`);
      return out(n, {
        name: n,
        arn: fnArn,
        qualifiedArn: `${fnArn}:$LATEST`,
        invokeArn: `arn:aws:apigateway:${R}:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
      });
    }
    case "aws:iam/role:Role":
      return out(n, { name: n, arn: arn("iam", `role/${n}`, false) });
    case "aws:cloudwatch/logGroup:LogGroup":
      return out(n, { name: n, arn: arn("logs", `log-group:${n}`) });
    case "aws:dynamodb/table:Table":
      return out(n, { name: n, arn: arn("dynamodb", `table/${n}`) });
    case "aws:sns/topic:Topic":
      return out(arn("sns", n), { name: n, arn: arn("sns", n) });
    case "aws:iot/policy:Policy":
      return out(n, { name: n, arn: arn("iot", `policy/${n}`) });
    case "aws:iot/topicRule:TopicRule": {
      const ruleName = n.replace(/-/g, "_");
      return out(ruleName, { name: ruleName, arn: arn("iot", `rule/${ruleName}`) });
    }
    case "aws:iot/thingType:ThingType":
      return out(n, { name: n, arn: arn("iot", `thingtype/${n}`) });
    case "aws:iot/thingGroup:ThingGroup":
      return out(n, { name: n, arn: arn("iot", `thinggroup/${n}`) });
    // awsx's VPC is a remote component: under mocks one opaque resource with no children, so it reports the
    // outputs its children would give (isolated subnets and their route tables only: no NAT, no gateway).
    case "awsx:ec2:Vpc": {
      const vpcId = `vpc-${short(name, 17)}`;
      const zones = Array.from({ length: Number(inputs.numberOfAvailabilityZones ?? 3) }, (_, i) => i);
      const isolatedSubnetIds = zones.map((i) => `subnet-${short(`${name}-isolated-${i}`, 17)}`);
      return out(vpcId, {
        vpcId,
        isolatedSubnetIds,
        privateSubnetIds: [],
        publicSubnetIds: [],
        routeTables: zones.map((i) => ({ id: `rtb-${short(`${name}-isolated-${i}`, 17)}` })),
        natGateways: [],
        eips: [],
        vpcEndpoints: [],
      });
    }
    case "aws:ec2/vpc:Vpc":
      return out(`vpc-${short(name, 17)}`, { arn: arn("ec2", `vpc/vpc-${short(name, 17)}`) });
    case "aws:ec2/subnet:Subnet":
      return out(`subnet-${short(name, 17)}`, { arn: arn("ec2", `subnet/subnet-${short(name, 17)}`) });
    case "aws:ec2/routeTable:RouteTable":
      return out(`rtb-${short(name, 17)}`, {});
    case "aws:ec2/securityGroup:SecurityGroup":
      return out(`sg-${short(name, 17)}`, { arn: arn("ec2", `security-group/sg-${short(name, 17)}`) });
    case "aws:ec2/vpcEndpoint:VpcEndpoint":
      return out(`vpce-${short(name, 17)}`, { prefixListId: `pl-${short(name, 8)}` });
    case "aws:redshift/cluster:Cluster": {
      const secret = arn("secretsmanager", `secret:redshift!${n}-admin-${short(name, 6)}`);
      return out(n, {
        clusterIdentifier: n,
        arn: arn("redshift", `cluster:${n}`),
        masterPasswordSecretArn: secret,
        dnsName: `${n}.${short(name)}.${R}.redshift.amazonaws.com`,
      });
    }
    // Auto-named in a real run: without a `name` output the cluster's group references would vanish from the synth.
    case "aws:redshift/parameterGroup:ParameterGroup":
      return out(n, { name: n, arn: arn("redshift", `parametergroup:${n}`) });
    case "aws:redshift/subnetGroup:SubnetGroup":
      return out(n, { name: n, arn: arn("redshift", `subnetgroup:${n}`) });
    case "aws:glue/catalogDatabase:CatalogDatabase":
      return out(`${A}:${n}`, { name: n, arn: arn("glue", `database/${n}`) });
    case "aws:glue/catalogTable:CatalogTable":
      return out(`${A}:${String(inputs.databaseName)}:${n}`, { name: n, arn: arn("glue", `table/${String(inputs.databaseName)}/${n}`) });
    case "aws:athena/workgroup:Workgroup":
      return out(n, { name: n, arn: arn("athena", `workgroup/${n}`) });
    case "aws:cloudtrail/trail:Trail":
      return out(n, { name: n, arn: arn("cloudtrail", `trail/${n}`) });
    case "aws:cognito/userPool:UserPool": {
      const id = `${R}_${short(name, 9)}`;
      return out(id, { arn: arn("cognito-idp", `userpool/${id}`), endpoint: `cognito-idp.${R}.amazonaws.com/${id}` });
    }
    case "aws:cognito/identityPool:IdentityPool":
      return out(`${R}:${short(name, 8)}-0000-4000-8000-${short(name, 12)}`, {});
    case "aws:apigatewayv2/api:Api": {
      const id = short(name, 10);
      return out(id, {
        arn: arn("apigateway", `/apis/${id}`, true, false),
        apiEndpoint: `https://${id}.execute-api.${R}.amazonaws.com`,
        executionArn: arn("execute-api", id),
      });
    }
    case "aws:scheduler/schedule:Schedule":
      return out(n, { name: n, arn: arn("scheduler", `schedule/default/${n}`) });
    // auto-named in a real run; the stack exports alarm names
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return out(n, { name: n, arn: arn("cloudwatch", `alarm:${n}`) });
    default: {
      const service = /^aws:([a-z0-9]+)\//.exec(type)?.[1] ?? "unknown";
      const id = `${n}-${short(`${type}:${name}`)}`;
      return out(id, { arn: arn(service, `${name}`) });
    }
  }
}

/** Results of the provider functions (invokes) the program calls. */
export function mockCall(token: string, region: string): Record<string, unknown> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/synth`, userId: "AIDSYNTH", id: MOCK_ACCOUNT_ID };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    case "aws:index/getRegion:getRegion":
      return { name: region, region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
    case "aws:iot/getEndpoint:getEndpoint":
      return { endpointAddress: `a1b2c3d4e5f6g7-ats.iot.${region}.amazonaws.com`, endpointType: "iot:Data-ATS", id: region };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { names: [`${region}a`, `${region}b`, `${region}c`], zoneIds: ["z1", "z2", "z3"], id: region };
    default:
      throw new Error(`synth mocks: no result for invoke ${token}; add it to infra/synth/mockOutputs.ts`);
  }
}
