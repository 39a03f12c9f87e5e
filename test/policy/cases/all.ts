/** Every rule case, in rule-family order (the table rules.test.ts and packServer.test.ts run). */
import { RuleCase } from "../fixtures";
import { COMPUTE_CASES } from "./compute";
import { DATA_CASES } from "./data";
import { EDGE_CASES } from "./edge";
import { IOT_CASES } from "./iot";
import { LIMIT_CASES } from "./limits";
import { NETWORK_CASES } from "./network";
import { PROD_CASES } from "./prod";
import { PROVISIONING_CASES } from "./provisioning";
import { S3_CASES } from "./s3";
import { STREAMING_CASES } from "./streaming";

export const ALL_CASES: readonly RuleCase[] = [
  ...S3_CASES,
  ...STREAMING_CASES,
  ...IOT_CASES,
  ...LIMIT_CASES,
  ...COMPUTE_CASES,
  ...DATA_CASES,
  ...NETWORK_CASES,
  ...EDGE_CASES,
  ...PROVISIONING_CASES,
  ...PROD_CASES,
];
