import { variableNames } from "../shared/environment";

/** The pre-provisioning hook's environment: which kind of device its template provisions, and that kind's allow-list. */
export const PROVISIONING_HOOK_VARIABLES = variableNames(["DEVICE_KIND", "ALLOW_LIST_TABLE"]);
