import { variableNames } from "../shared/environment";

/** The Firehose transform reads nothing from its environment: rows depend on the records alone. */
export const FIREHOSE_TRANSFORM_VARIABLES = variableNames([], ["METRIC_NAMESPACE"]);
