/**
 * Test access to the mock recorder: synthesizes a stack once per (stack, overrides) and caches the result, so
 * every test file shares the same runs. `setMocks` is process-global; `synthesize` resets it on each run and
 * runs are awaited one at a time, so stacks never interleave.
 */
import { expect } from "chai";
import { RecordedResource, Synthesis } from "../../infra/synth/recorder";
import { synthStack } from "../../infra/synth/synthStack";
import { PolicyDocument, Statement } from "../../infra/shared/policyDocuments";

const cache = new Map<string, Promise<Synthesis>>();
let queue: Promise<unknown> = Promise.resolve();

export type StackName = "dev" | "prod";
export const STACKS: readonly StackName[] = ["dev", "prod"];

/** Runs the real program for `stack` (its Pulumi.<stack>.yaml plus `overrides`) under mocks. */
export function runProgram(stack: StackName, overrides: Record<string, string | undefined> = {}): Promise<Synthesis> {
  const key = `${stack}:${JSON.stringify(overrides)}`;
  let run = cache.get(key);
  if (!run) {
    run = queue.then(() => synthStack(stack, overrides));
    queue = run.catch(() => undefined);
    cache.set(key, run);
  }
  return run;
}

export function ofType(s: Synthesis, type: string): RecordedResource[] {
  return s.resources.filter((r) => r.type === type);
}

/** The resource of `type` named `name`; fails listing the names that exist. */
export function one(s: Synthesis, type: string, name: string): RecordedResource {
  const found = s.resources.find((r) => r.type === type && r.name === name);
  if (!found) {
    expect.fail(
      `no ${type} named ${name}; have: ${
        ofType(s, type)
          .map((r) => r.name)
          .join(", ") || "none"
      }`,
    );
  }
  return found;
}

export function document(r: RecordedResource, key = "policy"): PolicyDocument {
  const raw = r.inputs[key];
  expect(raw, `${r.name}.${key}`).to.be.a("string");
  return JSON.parse(raw as string) as PolicyDocument;
}

export function statement(doc: PolicyDocument, sid: string): Statement {
  const found = doc.Statement.find((s) => s.Sid === sid);
  if (!found) expect.fail(`no statement ${sid}; have: ${doc.Statement.map((s) => s.Sid).join(", ")}`);
  return found;
}

/** The inline policy document granted to role `<name>-role` (the `<name>-policy` RolePolicy). */
export function rolePolicy(s: Synthesis, name: string): PolicyDocument {
  return document(one(s, "aws:iam/rolePolicy:RolePolicy", `${name}-policy`));
}

export function outputOf(s: Synthesis, type: string, name: string, key: string): string {
  const v = one(s, type, name).outputs[key];
  expect(v, `${name}.${key}`).to.be.a("string");
  return v as string;
}
