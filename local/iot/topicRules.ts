/**
 * IoT Core's rules engine on the loopback broker: each rule's SQL (iotSql.ts) is compiled when the rule is added,
 * so unsupported SQL fails then; every publish on the broker (devices', the data plane's, not `$SYS`) whose topic
 * matches a rule's FROM filter is evaluated and the output JSON handed to the rule's action, one message at a
 * time per rule in arrival order. As in AWS, a payload that is not a JSON object, a value the SQL cannot use or
 * an action that fails goes to the rule's error action with the reason; nothing is dropped silently.
 * Deliberately not reproduced: binary payloads passed through `SELECT *` (AWS forwards them to some actions),
 * rule retries. Substitution templates in action settings (`${topic(2)}`) are the action's to evaluate, with
 * substitution.ts and the message context it is handed.
 */
import type { Aedes, AedesPublishPacket, Client } from "aedes";
import { topicMatches } from "./broker";
import { CompiledSql, IotSqlError, MessageContext, compileSql } from "./iotSql";

type Json = Record<string, unknown>;

export interface RuleMessage {
  readonly rule: string;
  readonly topic: string;
  readonly receivedAt: number;
  readonly clientId?: string;
}

export interface RuleFailure extends RuleMessage {
  /** Why: "payload is not a JSON object: ...", "sql: ...", "action failed: ...". */
  readonly reason: string;
  /** The message payload as UTF-8 text. */
  readonly payload: string;
}

export interface TopicRule {
  readonly name: string;
  readonly sql: string;
  /** `context` is the message as the SQL saw it, for the action's substitution templates (substitution.ts). */
  action(output: Json, message: RuleMessage, context: MessageContext): void | Promise<void>;
  errorAction(failure: RuleFailure): void | Promise<void>;
}

export interface RuleStats {
  /** Messages whose topic matched the FROM filter. */
  matched: number;
  /** Outputs the action accepted. */
  delivered: number;
  /** Matched messages the WHERE clause left out. */
  filtered: number;
  /** Messages sent to the error action. */
  failed: number;
}

interface ActiveRule {
  readonly rule: TopicRule;
  readonly compiled: CompiledSql;
  readonly stats: RuleStats;
  queue: Promise<void>;
}

export interface TopicRuleEngineOptions {
  /** The rules engine's clock, for timestamp(); default Date.now. */
  readonly now?: () => number;
}

export class TopicRuleEngine {
  private readonly rules = new Map<string, ActiveRule>();
  private readonly now: () => number;
  private closed = false;
  private readonly listener = (packet: AedesPublishPacket, client: Client | null) => this.onPublish(packet, client);

  constructor(
    private readonly broker: Aedes,
    options: TopicRuleEngineOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    broker.on("publish", this.listener);
  }

  /** Adds a rule; throws IotSqlError (naming the construct) for SQL the local engine does not support. */
  addRule(rule: TopicRule): void {
    if (this.rules.has(rule.name)) throw new Error(`topic rule ${rule.name} already exists`);
    let compiled: CompiledSql;
    try {
      compiled = compileSql(rule.sql);
    } catch (e) {
      if (e instanceof IotSqlError) throw new IotSqlError(`topic rule ${rule.name}: ${e.message} in ${rule.sql}`);
      throw e;
    }
    this.rules.set(rule.name, { rule, compiled, stats: { matched: 0, delivered: 0, filtered: 0, failed: 0 }, queue: Promise.resolve() });
  }

  stats(name: string): RuleStats {
    const r = this.rules.get(name);
    if (!r) throw new Error(`no topic rule ${name}`);
    return { ...r.stats };
  }

  /** Resolves when every message received so far has been through its rules' actions. */
  async drain(): Promise<void> {
    await Promise.all([...this.rules.values()].map((r) => r.queue));
  }

  /** Stops listening to the broker, then waits for the actions in flight. */
  async close(): Promise<void> {
    if (!this.closed) this.broker.removeListener("publish", this.listener);
    this.closed = true;
    await this.drain();
  }

  private onPublish(packet: AedesPublishPacket, client: Client | null): void {
    if (packet.topic.startsWith("$SYS/")) return;
    const receivedAt = this.now();
    const payload = Buffer.from(packet.payload);
    for (const active of this.rules.values()) {
      if (!topicMatches(active.compiled.topicFilter, packet.topic)) continue;
      active.stats.matched++;
      const message: RuleMessage = { rule: active.rule.name, topic: packet.topic, receivedAt, ...(client ? { clientId: client.id } : {}) };
      active.queue = active.queue.then(() => this.run(active, message, payload));
    }
  }

  private async run(active: ActiveRule, message: RuleMessage, payload: Buffer): Promise<void> {
    const fail = async (reason: string) => {
      active.stats.failed++;
      try {
        await active.rule.errorAction({ ...message, reason, payload: payload.toString("utf8") });
      } catch (e) {
        // AWS logs a failed error action and moves on; so does the stand-in, loudly
        console.error(`topic rule ${message.rule}: error action failed: ${(e as Error).message}`);
      }
    };
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload.toString("utf8"));
    } catch (e) {
      return fail(`payload is not a JSON object: ${(e as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return fail(`payload is not a JSON object: ${Array.isArray(parsed) ? "an array" : JSON.stringify(parsed)}`);
    }
    let output: Json | undefined;
    const context: MessageContext = { topic: message.topic, payload: parsed as Json, receivedAt: message.receivedAt, clientId: message.clientId };
    try {
      output = active.compiled.evaluate(context);
    } catch (e) {
      return fail(`sql: ${(e as Error).message}`);
    }
    if (!output) {
      active.stats.filtered++;
      return;
    }
    try {
      await active.rule.action(output, message, context);
      active.stats.delivered++;
    } catch (e) {
      return fail(`action failed: ${(e as Error).message}`);
    }
  }
}
