/** What a function printed: Lambda sends stdout and stderr alike to CloudWatch Logs, one event per line. */
export interface Captured<T> {
  readonly result?: T;
  readonly error?: Error;
  /** Every non-empty line of stdout and stderr, in the order written. */
  readonly lines: string[];
}

/**
 * Runs `act` with process.stdout and process.stderr captured (Powertools writes through its own Console bound to
 * the streams, so replacing console.log would miss it). A throw is returned, not rethrown, with the lines.
 */
export async function captureOutput<T>(act: () => Promise<T>): Promise<Captured<T>> {
  const chunks: string[] = [];
  const out = process.stdout.write;
  const err = process.stderr.write;
  const grab = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = grab;
  process.stderr.write = grab;
  try {
    const result = await act();
    return { result, lines: split(chunks) };
  } catch (e) {
    return { error: e as Error, lines: split(chunks) };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

function split(chunks: readonly string[]): string[] {
  return chunks
    .join("")
    .split("\n")
    .filter((l) => l.trim() !== "");
}

/**
 * The lines that look like JSON objects, parsed; throws naming the first that is not JSON. Other lines (Node's own
 * process warnings on stderr) are left out.
 */
export function jsonLines(lines: readonly string[]): Record<string, unknown>[] {
  return lines
    .filter((l) => l.startsWith("{"))
    .map((l, i) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`output line ${i + 1} is not JSON: ${l.slice(0, 120)}`);
      }
    });
}

/** Log lines (not EMF metric documents) with the given message. */
export function logLines(lines: readonly string[], message?: string): Record<string, unknown>[] {
  return jsonLines(lines).filter((l) => !("_aws" in l) && (message === undefined || l.message === message));
}

/** The metric values of the EMF documents, merged: `{ RowsAccepted: 48, ... }` plus `namespace` and `dimensions`. */
export function emfMetrics(lines: readonly string[]): Record<string, unknown>[] {
  return jsonLines(lines)
    .filter((l) => "_aws" in l)
    .map((l) => {
      const aws = l._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
      const doc = aws.CloudWatchMetrics[0];
      return {
        namespace: doc.Namespace,
        dimensions: doc.Dimensions,
        service: l.service,
        ...Object.fromEntries(doc.Metrics.map((m) => [m.Name, l[m.Name]])),
      };
    });
}

/** A Lambda context as the Node.js runtime passes it. */
export function lambdaContext(
  awsRequestId: string,
  functionName = "gridrail-test-fn",
): {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  getRemainingTimeInMillis(): number;
} {
  return {
    awsRequestId,
    functionName,
    functionVersion: "$LATEST",
    memoryLimitInMB: "256",
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    getRemainingTimeInMillis: () => 60_000,
  };
}
