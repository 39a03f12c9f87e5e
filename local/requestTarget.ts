/**
 * Reading a request's target on the local stand-ins without throwing: Node's HTTP parser passes targets that
 * `new URL` refuses (`//[`, `http://a:99999/`) and paths that are not valid percent-encoding (`%E0%A4`), and a
 * throw inside a request handler would end the whole local stack.
 */

/** The request target as a URL, or undefined when it cannot be read as one. */
export function requestUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? "/", "http://127.0.0.1");
  } catch {
    return undefined;
  }
}

/** A percent-decoded path segment, or undefined when it is not valid percent-encoding. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
