// Placeholder until issue 5 lands: the infrastructure wires this handler, the behaviour is that work.
export async function handler(_event: unknown): Promise<never> {
    throw new Error("not implemented: authorizer (issue 5)");
}
