/** Runs rules over a stack view: the offline runner's engine (the real pack hands the same rules to Pulumi). */
import { StackGraph, StackView } from "./graph";
import { Level, Rule } from "./rule";

export interface Violation {
  readonly rule: string;
  readonly level: Level;
  /** The offending resource's type and logical name; null for a stack-wide finding. */
  readonly type: string | null;
  readonly resource: string | null;
  readonly message: string;
}

export interface Skipped {
  readonly rule: string;
  readonly reason: string;
}

export interface PolicyReport {
  /** Rules evaluated (prod-only rules count only in prod; rules that could not judge the graph do not count). */
  readonly rules: number;
  readonly resources: number;
  readonly violations: readonly Violation[];
  readonly skipped: readonly Skipped[];
}

/** Why `rule` does not judge `graph`, or undefined when it does. */
export function skipReason(rule: Rule, graph: StackGraph): string | undefined {
  if (rule.prodOnly && graph.environment !== "prod") {
    return graph.environment === undefined
      ? "prod-only, and the graph does not say which environment it is (pass --environment)"
      : `prod-only, environment is ${graph.environment}`;
  }
  return rule.notApplicable?.(graph);
}

export function evaluate(rules: readonly Rule[], view: StackView): PolicyReport {
  const graph = new StackGraph(view);
  const violations: Violation[] = [];
  const skipped: Skipped[] = [];
  for (const rule of rules) {
    const reason = skipReason(rule, graph);
    if (reason !== undefined) {
      skipped.push({ rule: rule.id, reason });
      continue;
    }
    for (const f of rule.evaluate(graph)) {
      violations.push({ rule: rule.id, level: rule.level, type: f.resource?.type ?? null, resource: f.resource?.name ?? null, message: f.message });
    }
  }
  return { rules: rules.length - skipped.length, resources: view.resources.length, violations, skipped };
}

export function hasMandatoryViolation(report: PolicyReport): boolean {
  return report.violations.some((v) => v.level === "mandatory");
}
