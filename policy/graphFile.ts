/**
 * Reads a resource graph in the synth's `--json` format (`[{ type, name, parent, inputs }]`) into a stack view.
 * An entry may also carry `retainOnDelete` (the synth's JSON does not; `--stack` runs get it from the recorder).
 */
import { Environment, inferEnvironment, ResourceView, StackView } from "./graph";

export class GraphFileError extends Error {
  override readonly name = "GraphFileError";
}

function entry(value: unknown, index: number): ResourceView {
  const where = `entry ${index}`;
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new GraphFileError(`${where} is not an object`);
  const e = value as Record<string, unknown>;
  if (typeof e.type !== "string" || e.type === "") throw new GraphFileError(`${where} has no "type" string`);
  if (typeof e.name !== "string" || e.name === "") throw new GraphFileError(`${where} (${e.type}) has no "name" string`);
  if (e.inputs === null || typeof e.inputs !== "object" || Array.isArray(e.inputs))
    throw new GraphFileError(`${where} (${e.type} ${e.name}) has no "inputs" object`);
  if (e.retainOnDelete !== undefined && typeof e.retainOnDelete !== "boolean")
    throw new GraphFileError(`${where} (${e.type} ${e.name}) has a non-boolean "retainOnDelete"`);
  return { type: e.type, name: e.name, inputs: e.inputs as Record<string, unknown>, retainOnDelete: e.retainOnDelete as boolean | undefined };
}

/** Parses the text of a graph file; the environment comes from `environment` or, failing that, the graph's provider tags. */
export function parseGraph(text: string, environment?: Environment): StackView {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new GraphFileError(`not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new GraphFileError("expected a JSON array of { type, name, parent, inputs } (the synth's --json output)");
  const resources = parsed.map(entry);
  return { environment: environment ?? inferEnvironment(resources), resources };
}
