/**
 * The pre-provisioning hook Lambda of one provisioning template: decodes nothing (IoT Core invokes it with the
 * JSON event), asks the pure decision, logs a refusal's reason (IoT Core answers the device only that the hook
 * refused) and returns `{ allowProvisioning }`.
 *   DEVICE_KIND        meter | train: the template's kind
 *   ALLOW_LIST_TABLE   the kind's allow-list table
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { requireVariables } from "../shared/environment";
import { AllowList, PreProvisioningResponse, decideProvisioning } from "./decide";
import { DynamoAllowList } from "./dynamoAllowList";
import { DeviceKind, kindProblem } from "./serials";
import { PROVISIONING_HOOK_VARIABLES } from "./variables";
import { warmState } from "../shared/warmState";

export interface HookEnvironment {
  readonly kind: DeviceKind;
  readonly table: string;
}

export function readHookEnvironment(env: Readonly<Record<string, string | undefined>>): HookEnvironment {
  const vars = requireVariables(env, PROVISIONING_HOOK_VARIABLES.required);
  const problem = kindProblem(vars.DEVICE_KIND);
  if (problem) throw new Error(`environment variable DEVICE_KIND: ${problem}`);
  return { kind: vars.DEVICE_KIND as DeviceKind, table: vars.ALLOW_LIST_TABLE };
}

/** Decides one event and writes one JSON log line; the core of the handler, callable with any allow-list. */
export async function hookCore(event: unknown, kind: DeviceKind, allowList: AllowList, log: (line: string) => void): Promise<PreProvisioningResponse> {
  const decision = await decideProvisioning(event, kind, allowList);
  log(
    JSON.stringify({
      level: decision.allowProvisioning ? "INFO" : "WARN",
      kind,
      serial: decision.serial,
      allowProvisioning: decision.allowProvisioning,
      reason: decision.reason,
    }),
  );
  return { allowProvisioning: decision.allowProvisioning };
}

interface Warm {
  env: HookEnvironment;
  allowList: AllowList;
}

export async function handler(event: unknown): Promise<PreProvisioningResponse> {
  // built on first use and kept off module scope: this handler is an inline callback (docs/inline-callbacks.md)
  const warm = warmState<Warm>("provisioningHook");
  if (!warm.env || !warm.allowList) {
    const env = readHookEnvironment(process.env);
    warm.env = env;
    warm.allowList = new DynamoAllowList(new DynamoDBClient({}), { [env.kind]: env.table });
  }
  return hookCore(event, warm.env.kind, warm.allowList, (line) => console.log(line));
}
