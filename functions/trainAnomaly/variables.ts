import { variableNames } from "../shared/environment";

/**
 * The train anomaly Lambda's environment. DETECTOR_SETTINGS defaults to the train options; the IoT data plane
 * endpoint is read by the SDK itself (AWS_ENDPOINT_URL_IOT_DATA_PLANE).
 */
export const TRAIN_ANOMALY_VARIABLES = variableNames(
  ["CHECKPOINT_TABLE", "FAILURE_QUEUE_URL", "SHADOW_NAME", "METRIC_NAMESPACE"],
  ["DETECTOR_SETTINGS", "AWS_ENDPOINT_URL_IOT_DATA_PLANE"],
);
