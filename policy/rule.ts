/**
 * A rule is a pure validator over the neutral view. Rules that judge one resource alone also expose that
 * check, so the real pack can run them as `validateResource` (before the resource is created); every rule
 * can run over a whole graph (the offline runner, and `validateStack` in the real pack).
 */
import { StackGraph, ResourceView } from "./graph";

/** mandatory: fails the offline run and blocks `pulumi up`; advisory: printed only. */
export type Level = "mandatory" | "advisory";

export interface Finding {
  /** The offending resource; undefined when the stack as a whole is at fault (e.g. no CloudTrail). */
  readonly resource?: ResourceView;
  readonly message: string;
}

export interface Rule {
  readonly id: string;
  readonly level: Level;
  readonly description: string;
  /** Judged only when the stack's environment is `prod`. */
  readonly prodOnly: boolean;
  /** Present for single-resource rules: the types they judge and the check itself (messages, [] = compliant). */
  readonly resource?: { readonly types: readonly string[]; check(r: ResourceView): string[] };
  /** Why the rule cannot judge this graph (e.g. it carries no `retainOnDelete`); undefined when it can. */
  notApplicable?(graph: StackGraph): string | undefined;
  evaluate(graph: StackGraph): Finding[];
}

interface Spec {
  readonly id: string;
  readonly level: Level;
  readonly description: string;
  readonly prodOnly?: boolean;
}

/** A rule that judges each resource of `types` on its own inputs. */
export function resourceRule(spec: Spec & { readonly types: readonly string[]; check(r: ResourceView): string[] }): Rule {
  const { types, check, ...rest } = spec;
  return {
    ...rest,
    prodOnly: spec.prodOnly ?? false,
    resource: { types, check },
    evaluate: (graph) => graph.ofType(...types).flatMap((r) => check(r).map((message) => ({ resource: r, message }))),
  };
}

/** A rule that needs the whole graph (joins across resources, stack-wide facts). */
export function stackRule(
  spec: Spec & {
    check(graph: StackGraph): Finding[];
    notApplicable?(graph: StackGraph): string | undefined;
  },
): Rule {
  const { check, ...rest } = spec;
  return { ...rest, prodOnly: spec.prodOnly ?? false, evaluate: check };
}

/** Shorthand for a stack rule that judges each resource of `types` with the graph at hand. */
export function joinRule(spec: Spec & { readonly types: readonly string[]; check(r: ResourceView, graph: StackGraph): string[] }): Rule {
  const { types, check, ...rest } = spec;
  return stackRule({
    ...rest,
    check: (graph) => graph.ofType(...types).flatMap((r) => check(r, graph).map((message) => ({ resource: r, message }))),
  });
}
