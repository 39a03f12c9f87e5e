import { expect } from "chai";
import { decodeSegment, requestUrl } from "../../local/requestTarget";

describe("local stand-ins: reading a request target", () => {
  const urls: [string | undefined, string | undefined][] = [
    ["/state?x=1", "/state"],
    [undefined, "/"],
    ["//[/", undefined],
    ["http://a:99999/", undefined],
  ];
  for (const [target, path] of urls) {
    it(`reads ${String(target)} as ${String(path)}`, () => expect(requestUrl(target)?.pathname).to.equal(path));
  }

  const segments: [string, string | undefined][] = [
    ["train-0001", "train-0001"],
    ["a%2Fb", "a/b"],
    ["%E0%A4", undefined],
    ["%", undefined],
  ];
  for (const [segment, decoded] of segments) {
    it(`decodes ${segment} as ${String(decoded)}`, () => expect(decodeSegment(segment)).to.equal(decoded));
  }
});
