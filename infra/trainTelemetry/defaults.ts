export const trainDefaults = {
  /** Kinesis partition key: one train's records stay ordered on one shard. IoT substitution template. */
  partitionKey: "${topic(2)}",
  /** Train things are named `train-<id>`; the anomaly Lambda may touch only those shadows. */
  thingNamePrefix: "train-",
  /** Custom metrics of the anomaly Lambda, written as embedded metric format (EMF) log lines, under `<this>/<stack>`. */
  metricNamespace: "Gridrail/TrainAnomaly",
  /** Named shadow the anomaly Lambda reports into (`state.desired`); trains may only read it. */
  shadowName: "anomaly",
  /** Named shadow a train reports into what it was told (`state.reported`); the cloud only reads it. */
  ackShadowName: "anomaly-ack",
  memorySize: 512,
  timeoutSeconds: 60,
  /** Alarm when the consumer falls a minute behind the stream. */
  iteratorAgeAlarmMs: 60_000,
} as const;
