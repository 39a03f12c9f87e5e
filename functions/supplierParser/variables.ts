import { variableNames } from "../shared/environment";

/** The supplier parser's environment: the lake it writes; the limits have defaults (functions/supplierParser/settings.ts). */
export const SUPPLIER_PARSER_VARIABLES = variableNames(
  ["LAKE_BUCKET"],
  ["SUPPLIER_MAX_OBJECT_MB", "SUPPLIER_MAX_KW", "SUPPLIER_MAX_LISTED_ERRORS", "METRIC_NAMESPACE"],
);
