/**
 * The program's IoT rules on the local broker, with the same SQL as the deployed ones: train telemetry to the
 * Kinesis stand-in (one put in flight at a time, as the rule action keeps a partition's order), each meter reading
 * to the lake folder as an object of its own under the S3 action's key template, and the sharing rules through
 * the Firehose transform to the shared folder.
 */
import { METER_LAKE_KEY, METER_READINGS_SQL, SHARED_RULES, TRAIN_TELEMETRY_SQL } from "../../infra/shared/ruleSql";
import { LoopbackBroker } from "../iot/broker";
import { SERIAL_FORMATS } from "../../functions/provisioningHook/serials";
import { compileTemplate } from "../iot/substitution";
import { TopicRuleEngine } from "../iot/topicRules";
import { orderedSender } from "../kinesis/orderedSender";
import { sharedDelivery } from "./delivery";
import { RunFolders } from "./folders";
import { LocalServices } from "./services";

export interface RuleWiring {
  /** Messages whose rule action failed (they reach no pipeline). */
  readonly failures: () => number;
  /** Telemetry records waiting for their put. */
  readonly pendingPuts: () => number;
  readonly sharedStats: { rows: number; failed: number };
  /** Stops the rules, then flushes the shared delivery; a second call does nothing. */
  close(): Promise<void>;
}

export function wireRules(
  broker: LoopbackBroker,
  services: Pick<LocalServices, "kinesis" | "stream">,
  folders: RunFolders,
  print: (line: string) => void,
): RuleWiring {
  const rules = new TopicRuleEngine(broker.broker);
  let failures = 0;
  const failed = () => void failures++;
  const puts: { data: unknown; partitionKey: string }[] = [];
  rules.addRule({
    name: "telemetry",
    sql: TRAIN_TELEMETRY_SQL,
    action: (out) => void puts.push({ data: out, partitionKey: String(out.trainId) }),
    errorAction: failed,
  });
  const lakeKey = compileTemplate(METER_LAKE_KEY);
  // the rule's role may write only under the meters' client ids (infra/meterIngestion/realtimeReadings.ts)
  const writable = SERIAL_FORMATS.meter.prefix;
  rules.addRule({
    name: "meters",
    sql: METER_READINGS_SQL,
    action: (out, _message, context) => {
      const key = lakeKey(context);
      if (!key.startsWith(writable)) throw new Error(`AccessDenied: the rule's role may put objects under ${writable}* only, not ${key}`);
      folders.write("meter-lake", key, JSON.stringify(out));
    },
    errorAction: failed,
  });
  const sharedStats = { rows: 0, failed: 0 };
  const shared = sharedDelivery(folders, 2000, sharedStats);
  for (const t of SHARED_RULES) {
    rules.addRule({
      name: `share-${t.source}`,
      sql: t.sql,
      action: (out) => shared.add("shared", JSON.stringify(out)),
      errorAction: failed,
    });
  }
  const putInOrder = orderedSender(
    (batch: typeof puts) => services.kinesis.put(services.stream.name, batch),
    (e) => print(`kinesis put failed: ${e.message}`),
  );
  const putTimer = setInterval(() => {
    const batch = puts.splice(0, puts.length);
    if (batch.length) void putInOrder(batch);
  }, 50);
  let closed = false;
  return {
    failures: () => failures,
    pendingPuts: () => puts.length,
    sharedStats,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(putTimer);
      await rules.close();
      await shared.close();
    },
  };
}
