// Placeholder until issue 4 lands: the infrastructure wires this handler, the behaviour is that work.
export async function handler(_event: unknown): Promise<never> {
    throw new Error("not implemented: trainAnomaly (issue 4)");
}
