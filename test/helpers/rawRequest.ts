/** One raw HTTP/1.1 request over a socket: targets an HTTP client would refuse to send reach the server as written. */
import { connect } from "net";

export interface RawReply {
  readonly status: number;
  readonly body: string;
}

export function rawRequest(endpoint: string, requestLine: string): Promise<RawReply> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(`${requestLine}\r\nHost: ${hostname}:${port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`),
    );
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const split = text.indexOf("\r\n\r\n");
      const body = text.slice(split + 4);
      resolve({ status, body: /^transfer-encoding: chunked$/im.test(text.slice(0, split)) ? unchunk(body) : body });
    });
  });
}

/** A chunked body's data (sizes in hex before each chunk, a zero-size chunk last). */
function unchunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const line = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, line), 16);
    if (!(size > 0)) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}
