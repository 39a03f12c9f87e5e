import { expect } from "chai";
import { CLASSIC_SHADOW, ShadowEvent, ShadowService, deltaOf, mergeState } from "../../../local/iot/shadowService";

const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);
const S0 = T0 / 1000;

function service(): { shadows: ShadowService; events: ShadowEvent[]; tick: (s: number) => void } {
  let now = T0;
  const shadows = new ShadowService({ now: () => now });
  const events: ShadowEvent[] = [];
  shadows.onEvent((e) => events.push(e));
  return { shadows, events, tick: (s) => (now += s * 1000) };
}

describe("shadow merge rules and delta", () => {
  const merges: [string, Record<string, unknown> | undefined, Record<string, unknown>, Record<string, unknown> | undefined][] = [
    ["objects merge key by key", { a: 1, o: { x: 1, y: 2 } }, { o: { y: 3, z: 4 } }, { a: 1, o: { x: 1, y: 3, z: 4 } }],
    ["null deletes a key", { a: 1, b: 2 }, { a: null }, { b: 2 }],
    ["deleting the last key of an object removes it", { o: { x: 1 }, b: 1 }, { o: { x: null } }, { b: 1 }],
    ["arrays replace", { l: [1, 2, 3] }, { l: [4] }, { l: [4] }],
    ["a value replaces an object", { o: { x: 1 } }, { o: 5 }, { o: 5 }],
    ["everything deleted leaves nothing", { a: 1 }, { a: null }, undefined],
  ];
  for (const [name, into, patch, out] of merges) it(name, () => expect(mergeState(into, patch)).to.deep.equal(out));

  const deltas: [string, Record<string, unknown> | undefined, Record<string, unknown> | undefined, Record<string, unknown> | undefined][] = [
    ["desired keys reported lacks", { a: 1, b: 2 }, { a: 1 }, { b: 2 }],
    ["nested differences only", { o: { x: 1, y: 2 } }, { o: { x: 1, y: 3 } }, { o: { y: 2 } }],
    ["arrays compared whole", { l: [1, 2] }, { l: [1, 2] }, undefined],
    ["reported extras do not matter", { a: 1 }, { a: 1, z: 9 }, undefined],
    ["no desired, no delta", undefined, { a: 1 }, undefined],
  ];
  for (const [name, desired, reported, delta] of deltas) it(name, () => expect(deltaOf(desired, reported)).to.deep.equal(delta));
});

describe("shadow service documents", () => {
  it("creates a named shadow at version 1 with metadata, and answers GET with the delta", () => {
    const { shadows } = service();

    const result = shadows.update("train-1", "anomaly", { state: { desired: { mode: "on", list: [1, 2] } }, clientToken: "c1" });

    expect(result).to.deep.equal({
      accepted: {
        state: { desired: { mode: "on", list: [1, 2] } },
        metadata: { desired: { mode: { timestamp: S0 }, list: [{ timestamp: S0 }, { timestamp: S0 }] } },
        version: 1,
        timestamp: S0,
        clientToken: "c1",
      },
    });
    expect(shadows.read("train-1", "anomaly", "c2")).to.deep.equal({
      accepted: {
        state: { desired: { mode: "on", list: [1, 2] }, delta: { mode: "on", list: [1, 2] } },
        metadata: { desired: { mode: { timestamp: S0 }, list: [{ timestamp: S0 }, { timestamp: S0 }] } },
        version: 1,
        timestamp: S0,
        clientToken: "c2",
      },
    });
  });

  it("publishes accepted, delta (desired changed and differs) and documents, in that order", () => {
    const { shadows, events, tick } = service();
    shadows.update("t", "s", { state: { reported: { mode: "off" } } });
    tick(5);

    shadows.update("t", "s", { state: { desired: { mode: "on" } } });

    expect(events.map((e) => `${e.thingName}/${e.shadowName} ${e.topic}`)).to.deep.equal([
      "t/s update/accepted",
      "t/s update/documents",
      "t/s update/accepted",
      "t/s update/delta",
      "t/s update/documents",
    ]);
    expect(events[3].body).to.deep.equal({ version: 2, timestamp: S0 + 5, state: { mode: "on" }, metadata: { mode: { timestamp: S0 + 5 } } });
    expect(events[4].body).to.deep.equal({
      previous: { state: { reported: { mode: "off" } }, metadata: { reported: { mode: { timestamp: S0 } } }, version: 1 },
      current: {
        state: { reported: { mode: "off" }, desired: { mode: "on" } },
        metadata: { reported: { mode: { timestamp: S0 } }, desired: { mode: { timestamp: S0 + 5 } } },
        version: 2,
      },
      timestamp: S0 + 5,
    });
  });

  it("sends no delta when reported catches up, and a null section deletes it", () => {
    const { shadows, events } = service();
    shadows.update("t", "s", { state: { desired: { mode: "on" } } });
    shadows.update("t", "s", { state: { reported: { mode: "on" } } });
    shadows.update("t", "s", { state: { desired: null } });

    expect(events.filter((e) => e.topic === "update/delta")).to.have.length(1);
    expect(shadows.get("t", "s")).to.deep.equal({
      state: { reported: { mode: "on" } },
      metadata: { reported: { mode: { timestamp: S0 } } },
      version: 3,
      timestamp: S0,
    });
  });

  it("accepts an update carrying the current version and refuses a stale one with 409", () => {
    const { shadows } = service();
    shadows.update("t", "s", { state: { desired: { a: 1 } } });

    const ok = shadows.update("t", "s", { state: { desired: { a: 2 } }, version: 1 });
    const stale = shadows.update("t", "s", { state: { desired: { a: 3 } }, version: 1, clientToken: "x" });

    expect("accepted" in ok && ok.accepted.version).to.equal(2);
    expect(stale).to.deep.equal({ rejected: { code: 409, message: "Version conflict", clientToken: "x" } });
    expect(shadows.get("t", "s")!.state.desired).to.deep.equal({ a: 2 });
  });

  const invalid: [string, unknown, number, string][] = [
    ["no state", { desired: {} }, 400, "Missing required node: state"],
    ["an unknown section", { state: { wanted: {} } }, 400, "State contains an invalid node: 'wanted'"],
    ["a section that is not an object", { state: { desired: 5 } }, 400, "Invalid JSON: desired node must be an object"],
    ["a state that is not an object", { state: [1] }, 400, "Invalid JSON: state must be an object"],
    ["a request that is not an object", "text", 400, "Payload contains invalid json"],
  ];
  for (const [name, request, code, message] of invalid) {
    it(`rejects an update with ${name}: ${code} ${message}`, () => {
      expect(service().shadows.update("t", "s", request)).to.deep.equal({ rejected: { code, message } });
    });
  }

  it("404s a missing shadow, naming classic and named shadows as AWS does", () => {
    const { shadows } = service();
    expect([shadows.read("t", CLASSIC_SHADOW), shadows.read("t", "s"), shadows.delete("t", "s", { clientToken: "k" })]).to.deep.equal([
      { rejected: { code: 404, message: "No shadow exists with name: 't'" } },
      { rejected: { code: 404, message: "No shadow exists with name: 't~s'" } },
      { rejected: { code: 404, message: "No shadow exists with name: 't~s'", clientToken: "k" } },
    ]);
  });

  it("deletes a shadow; a re-created one continues its version", () => {
    const { shadows, events } = service();
    shadows.update("t", "s", { state: { desired: { a: 1 } } });
    shadows.update("t", "s", { state: { desired: { a: 2 } } });

    const conflict = shadows.delete("t", "s", { version: 1 });
    const deleted = shadows.delete("t", "s", { version: 2 });
    const recreated = shadows.update("t", "s", { state: { reported: { a: 2 } } });

    expect(conflict).to.deep.equal({ rejected: { code: 409, message: "Version conflict" } });
    expect(deleted).to.deep.equal({ accepted: { version: 2, timestamp: S0 } });
    expect(events.filter((e) => e.topic === "delete/accepted").map((e) => e.body)).to.deep.equal([{ version: 2, timestamp: S0 }]);
    expect("accepted" in recreated && recreated.accepted.version).to.equal(3);
  });

  it("lists a thing's named shadows, sorted, without the classic one or deleted ones", () => {
    const { shadows } = service();
    for (const name of ["zeta", CLASSIC_SHADOW, "alpha", "gone"]) shadows.update("t", name, { state: { reported: {} } });
    shadows.update("other", "beta", { state: { reported: {} } });
    shadows.delete("t", "gone");

    expect(shadows.list("t")).to.deep.equal(["alpha", "zeta"]);
  });
});
