/** AWS's size limits on policy documents: IoT policies and a role's inline policies. */
import { ACCOUNT, policyDocument, res, RuleCase } from "../fixtures";

/** A statement of `n` topic ARNs: each `arn:aws:iot:eu-west-1:123456789012:topic/meters/<i>/readings`. */
function topics(n: number): Record<string, unknown> {
  return {
    Sid: "Publish",
    Effect: "Allow",
    Action: "iot:Publish",
    Resource: Array.from({ length: n }, (_, i) => `arn:aws:iot:eu-west-1:${ACCOUNT}:topic/meters/${String(i).padStart(4, "0")}/readings`),
  };
}

/** The document's length without white space, as AWS counts it. */
const chars = (document: string) => document.replace(/\s/g, "").length;

// 30 ARNs of 63 characters (with their quotes and commas) stay under 2,048; 31 go over
const fitting = policyDocument(topics(30));
const over = policyDocument(topics(31));
// white space does not count: the same document pretty-printed still fits
const pretty = JSON.stringify(JSON.parse(fitting), null, 8);

/** A role's inline policy of `n` bucket object ARNs (each `arn:aws:s3:::bucket-<i>/*`). */
function inline(name: string, role: string, n: number) {
  const resource = Array.from({ length: n }, (_, i) => `arn:aws:s3:::gridrail-dev-bucket-${String(i).padStart(4, "0")}/*`);
  return res("aws:iam/rolePolicy:RolePolicy", name, { role, policy: policyDocument({ Effect: "Allow", Action: "s3:GetObject", Resource: resource }) });
}
const half = inline("reader-a", "reader-role", 140);
const otherHalf = inline("reader-b", "reader-role", 140);
const fitsAlone = inline("writer-a", "writer-role", 140);

export const LIMIT_CASES: readonly RuleCase[] = [
  {
    rule: "iot-policy-size",
    title: "an IoT policy over 2,048 characters without white space",
    pass: [res("aws:iot/policy:Policy", "fits", { policy: fitting }), res("aws:iot/policy:Policy", "pretty", { policy: pretty })],
    fail: [res("aws:iot/policy:Policy", "long", { policy: over })],
    messages: [`IoT policy long is ${chars(over)} characters without white space, over IoT's 2048`],
  },
  {
    rule: "iam-role-inline-policy-size",
    title: "a role whose inline policies together go over 10,240 characters (each alone fits; another role's do not add up)",
    pass: [half, fitsAlone],
    fail: [half, otherHalf, fitsAlone],
    messages: [
      `role reader-role's inline policies (reader-a, reader-b) are ${chars(half.inputs.policy as string) * 2} characters without white space, over IAM's 10240`,
    ],
  },
];
