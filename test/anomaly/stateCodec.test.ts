import { expect } from "chai";
import fc from "fast-check";
import { readFileSync } from "fs";
import { join } from "path";
import { runInNewContext } from "vm";
import { deflateRawSync } from "zlib";
import { createDetector, decodeState, DetectorOptions, encodeState, InputError, restoreDetector, StateError } from "../../anomaly";
import { crc32, crc32Bitwise, MAX_STATE_CONTAINERS, MAX_STATE_DEPTH, MAX_STATE_JSON_BYTES, nestingProblem } from "../../anomaly/stateCodec";
import { minuteTimestamp, sineStream } from "../helpers/streams";

interface LegacyFixture {
  readonly detector: string;
  readonly options: DetectorOptions;
  readonly points: number;
  readonly base64: string;
}

/** States saved by the encoder before the envelope (raw deflate, no checksum), as DynamoDB holds them. */
const LEGACY: LegacyFixture[] = JSON.parse(readFileSync(join(__dirname, "fixtures", "legacyStates.json"), "utf8"));

function trained(name: string, options: DetectorOptions, points = 120) {
  const d = createDetector(name, 2, options);
  sineStream(points, 2, 3).forEach((v, i) => d.process({ timestamp: minuteTimestamp(i), values: v }));
  return d;
}

/** Decodes and restores: what a checkpoint reader does with stored bytes. */
const restore = (bytes: Uint8Array) => restoreDetector(decodeState(bytes));

describe("state codec", () => {
  it("wraps the deflated JSON in a GRDS envelope, version 1, with the CRC-32 of the payload", () => {
    const bytes = Buffer.from(encodeState({ detector: "x", version: 1 }));
    expect(bytes.toString("latin1", 0, 5)).to.equal("GRDS\u0001");
    expect(bytes.readUInt32LE(5)).to.equal(crc32(bytes.subarray(9)));
    expect(decodeState(bytes)).to.deep.equal({ detector: "x", version: 1 });
  });

  it("computes the standard CRC-32 with or without zlib's", () => {
    const data = Buffer.from("123456789");
    expect(crc32(data)).to.equal(0xcbf43926);
    expect(crc32Bitwise(data)).to.equal(0xcbf43926);
  });

  for (const fixture of LEGACY) {
    it(`still restores a ${fixture.detector} state saved before the envelope, and continues it exactly`, () => {
      const bytes = Buffer.from(fixture.base64, "base64");
      const state = decodeState(bytes);
      const restored = restoreDetector(state);
      expect(restored.count).to.equal(fixture.points);
      expect(JSON.stringify(restored.toState())).to.equal(JSON.stringify(state));
      const again = restore(encodeState(restored.toState()));
      const next = sineStream(30, 2, 11);
      const a = next.map((v, i) => restored.process({ timestamp: minuteTimestamp(fixture.points + i), values: v }));
      const b = next.map((v, i) => again.process({ timestamp: minuteTimestamp(fixture.points + i), values: v }));
      expect(b).to.deep.equal(a);
    });
  }

  it("refuses a 400 KB deflate bomb at the inflate cap, bare or in a valid envelope", () => {
    const bomb = deflateRawSync(Buffer.alloc(400 * 1024 * 1024, 0x20), { level: 9 });
    expect(bomb.length).to.be.within(390_000, 420_000);
    expect(() => decodeState(bomb)).to.throw(StateError, `cannot decode detector state (${bomb.length} bytes): inflates to over ${MAX_STATE_JSON_BYTES} bytes`);
    const header = Buffer.alloc(9);
    header.write("GRDS\u0001", 0, "latin1");
    header.writeUInt32LE(crc32(bomb), 5);
    const wrapped = Buffer.concat([header, bomb]);
    expect(() => decodeState(wrapped)).to.throw(
      StateError,
      `cannot decode detector state (${wrapped.length} bytes): inflates to over ${MAX_STATE_JSON_BYTES} bytes`,
    );
  });

  it("refuses JSON nested deeper than a state nests before parsing it (16 KB of `[[[...` would parse to half a gigabyte)", () => {
    const deep = deflateRawSync(Buffer.from("[".repeat(MAX_STATE_JSON_BYTES - 1)), { level: 9 });
    expect(deep.length).to.be.below(20_000);
    expect(() => decodeState(deep)).to.throw(
      StateError,
      `cannot decode detector state (${deep.length} bytes): its JSON is nested deeper than ${MAX_STATE_DEPTH} levels at character ${MAX_STATE_DEPTH}`,
    );
  });

  it("refuses JSON of more arrays and objects than a state holds before parsing it (16 KB of `[{},{},...`)", () => {
    const wide = deflateRawSync(Buffer.from(`[${"{},".repeat(5_000_000)}{}]`), { level: 9 });
    expect(() => decodeState(wide)).to.throw(
      StateError,
      `cannot decode detector state (${wide.length} bytes): its JSON is more than ${MAX_STATE_CONTAINERS} arrays and objects`,
    );
  });

  it("refuses to save a state it could not read back (a plugin's nested deeper than a state may)", () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_STATE_DEPTH; i++) deep = [deep];
    expect(() => encodeState({ detector: "plugin", version: 1, deep })).to.throw(
      StateError,
      `state of detector plugin cannot be saved: its JSON is nested deeper than ${MAX_STATE_DEPTH} levels`,
    );
  });

  for (const value of [NaN, Infinity, -Infinity]) {
    it(`refuses to save a state holding ${value}, which JSON would write as null (a plugin's)`, () => {
      expect(() => encodeState({ detector: "plugin", version: 1, stats: { mean: 1, spread: value } })).to.throw(
        StateError,
        `state of detector plugin cannot be saved: field "spread" is ${value}: JSON has no such number (it would be restored as null)`,
      );
    });
  }

  it("keeps -0, which JSON.stringify would write as 0, and refuses a state holding the text it writes in its place", () => {
    const state = {
      detector: "plugin",
      version: 1,
      last: -0,
      rows: [
        [0, -0],
        [-0.5, 1e-320],
      ],
      name: "-0",
      // a string holding the stand-in's text after a quote is left as it is
      tags: ['x"\u0000-0', ':"\u0000-0', "\u0000-0x"],
    };
    const back = decodeState(encodeState(state)) as unknown as typeof state;
    expect(back).to.deep.equal(state);
    expect([Object.is(back.last, -0), Object.is(back.rows[0][0], 0), Object.is(back.rows[0][1], -0)]).to.deep.equal([true, true, true]);
    expect(() => encodeState({ detector: "plugin", version: 1, tag: "\u0000-0" })).to.throw(
      StateError,
      'field "tag": the text "\\u0000-0" is reserved in a state',
    );
    expect(() => encodeState({ detector: "plugin", version: 1, "\u0000-0": 1 })).to.throw(StateError, /the text "\\u0000-0" is reserved/);
  });

  it("decodes bytes made in another realm (a vm context's Uint8Array fails instanceof)", () => {
    const bytes = encodeState(trained("zscore", { window: 10 }).toState());
    const foreign = runInNewContext("new Uint8Array(n)", { n: bytes.length }) as Uint8Array;
    foreign.set(bytes);
    expect(foreign instanceof Uint8Array).to.equal(false);
    expect(decodeState(foreign)).to.deep.equal(decodeState(bytes));
  });

  const nesting: [string, number, string | undefined][] = [
    ['{"a":[[1],[2]],"b":{"c":[]}}', 3, undefined],
    ['{"a":[[1],[2]],"b":{"c":[]}}', 2, "nested deeper than 2 levels at character 6"],
    // brackets inside strings, escaped quotes included, are text
    ['{"a":"[[[[\\"[[[["}', 1, undefined],
    ["[[],[],[]]", 2, undefined],
    // an escaped backslash just before the closing quote ends the string
    ['["a\\\\", [[1]]]', 2, "nested deeper than 2 levels at character 9"],
  ];
  for (const [text, max, problem] of nesting) {
    it(`judges the nesting of ${text} against ${max} levels: ${problem ?? "fine"}`, () => expect(nestingProblem(text, max)).to.equal(problem));
  }

  const notBytes: [string, unknown, string][] = [
    ["null", null, "null"],
    ["a base64 string", "R1JEUw==", "string"],
    ["an ArrayBuffer", new ArrayBuffer(4), "an object (ArrayBuffer)"],
    ["an array of numbers", [71, 82, 68, 83], "an array"],
  ];
  for (const [what, value, got] of notBytes) {
    it(`refuses ${what} in place of a state's bytes with a StateError`, () => {
      expect(() => decodeState(value as Uint8Array)).to.throw(StateError, `a detector state is bytes (a Uint8Array or Buffer), got ${got}`);
    });
  }

  it("refuses to encode a state whose JSON is over the cap", () => {
    const huge = { detector: "x", version: 1, blob: "a".repeat(MAX_STATE_JSON_BYTES) };
    expect(() => encodeState(huge)).to.throw(
      StateError,
      `state of detector x is ${MAX_STATE_JSON_BYTES + 38} bytes of JSON, over the ${MAX_STATE_JSON_BYTES} a state may take`,
    );
  });

  it("turns every single flipped bit of a saved state into a StateError", () => {
    const bytes = encodeState(trained("zscore", { window: 10 }, 30).toState());
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const damaged = Uint8Array.from(bytes);
      damaged[bit >> 3] ^= 1 << (bit & 7);
      expect(() => restore(damaged), `bit ${bit}`).to.throw(StateError);
    }
  });

  it("names the checksum, the version and a cut envelope", () => {
    const bytes = Buffer.from(encodeState({ detector: "x", version: 1 }));
    const flipped = Buffer.from(bytes);
    flipped[12] ^= 4;
    expect(() => decodeState(flipped)).to.throw(StateError, /^detector state is corrupted: checksum [0-9a-f]{8} of 30 bytes, expected [0-9a-f]{8}$/);
    const v2 = Buffer.from(bytes);
    v2[4] = 2;
    expect(() => decodeState(v2)).to.throw(StateError, "detector state envelope version 2 is not supported (expected 1)");
    expect(() => decodeState(bytes.subarray(0, 7))).to.throw(StateError, "detector state envelope cut short: 7 bytes");
  });

  it("turns JSON that is not a state, or nested too deep to parse, into a StateError", () => {
    const deflate = (text: string) => deflateRawSync(Buffer.from(text));
    expect(() => decodeState(deflate("{nope"))).to.throw(StateError, /cannot decode detector state \(\d+ bytes\): not JSON: /);
    expect(() => decodeState(deflate("[1]"))).to.throw(StateError, "decoded state has no detector name");
    const deep = `{"detector":"rcf","version":2,"options":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    let error: unknown;
    try {
      restore(deflate(deep));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(StateError);
  });

  const fuzzed: [string, DetectorOptions][] = [
    ["rcf", { numberOfTrees: 4, subSampleSize: 16, shingleSize: 2 }],
    ["ensemble", { members: "zscore,ewma", "zscore.window": 10, "ewma.period": 4 }],
  ];
  for (const [name, options] of fuzzed) {
    it(`${name}: random damage to a saved state without checksum never fails with anything but a StateError`, () => {
      const legacy = new Uint8Array(deflateRawSync(Buffer.from(JSON.stringify(trained(name, options).toState()))));
      const json = JSON.stringify(trained(name, options).toState());
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.boolean(), (edits, inJson) => {
          // damage the deflated bytes, or the JSON text itself (what a checksum-less reader would see)
          const source = inJson ? Buffer.from(json) : Buffer.from(legacy);
          for (const [at, value] of edits) source[at % source.length] = value;
          const bytes = inJson ? deflateRawSync(source) : source;
          try {
            restore(bytes);
          } catch (e) {
            if (!(e instanceof StateError)) throw new Error(`${(e as Error).name}: ${(e as Error).message}`);
          }
        }),
        { numRuns: 500, seed: 20261203 },
      );
    });

    it(`${name}: any field of a saved state replaced by any JSON value restores or fails with a StateError`, () => {
      const state = trained(name, options).toState();
      const paths = leafPaths(state);
      fc.assert(
        fc.property(fc.nat(), fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.double()), (pick, value) => {
          const copy = JSON.parse(JSON.stringify(state));
          const path = paths[pick % paths.length];
          const parent = path.slice(0, -1).reduce((o, k) => o[k], copy);
          parent[path[path.length - 1]] = value;
          // a state that restores is one createDetector could have made: it processes a point (or refuses
          // the point itself, e.g. as earlier than the last one) without failing otherwise
          const fails = (e: unknown) => new Error(`${path.join(".")} = ${JSON.stringify(value)}: ${(e as Error).name}: ${(e as Error).message}`);
          let restored;
          try {
            restored = restoreDetector(copy);
          } catch (e) {
            if (e instanceof StateError) return;
            throw fails(e);
          }
          try {
            const r = restored.process({ timestamp: minuteTimestamp(1000), values: [1, 2] });
            if (!Number.isFinite(r.score)) throw new Error(`score ${r.score}`);
          } catch (e) {
            if (!(e instanceof InputError)) throw fails(e);
          }
        }),
        { numRuns: 1000, seed: 20261203 },
      );
    });
  }
});

describe("forest bytes", () => {
  it("damaged points or trees of a forest restore or fail with a StateError, and a restored forest keeps working", () => {
    const state = trained("rcf", { numberOfTrees: 4, subSampleSize: 16 }, 200).toState();
    const forest = state.forest as { points: string; trees: string };
    fc.assert(
      fc.property(
        fc.constantFrom("points", "trees"),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
        (blob: "points" | "trees", edits) => {
          const bytes = Buffer.from(forest[blob], "base64");
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const copy = { ...state, forest: { ...forest, [blob]: bytes.toString("base64") } };
          let restored;
          try {
            restored = restoreDetector(copy);
          } catch (e) {
            if (e instanceof StateError) return;
            throw e;
          }
          sineStream(300, 2, 8).forEach((v, i) => restored.process({ timestamp: minuteTimestamp(200 + i), values: v }));
        },
      ),
      { numRuns: 300, seed: 20261203 },
    );
  });
});

/** Paths of every field and array item of a JSON value (long arrays: their first and last items). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function leafPaths(value: any, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null) return [prefix];
  const keys: (string | number)[] = Array.isArray(value)
    ? [...new Set([0, 1, value.length - 1])].filter((i) => i >= 0 && i < value.length)
    : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => leafPaths(value[k], [...prefix, k]))].filter((p) => p.length > 0);
}
