import { expect } from "chai";
import { createDetector, InputError, OptionError } from "../../anomaly";
import { timeLabel } from "../../anomaly/inputGuard";
import { minuteTimestamp, sineStream } from "../helpers/streams";

describe("bad input", () => {
  for (const name of ["rcf", "zscore", "ewma", "ensemble"]) {
    it(`${name}: a point that is not an object is an InputError naming it`, () => {
      const d = createDetector(name, 1, {});
      for (const [point, shown] of [
        [null, "null"],
        [undefined, "undefined"],
        ["1,2", '"1,2"'],
      ] as const) {
        expect(() => d.process(point as never)).to.throw(InputError, `expected a point { timestamp, values }, got ${shown}`);
      }
    });
  }

  const cases: [string, number, ArrayLike<number>, string][] = [
    ["NaN", minuteTimestamp(200), [NaN, 1], "values[0] is NaN at timestamp 2024-01-01T03:20:00.000Z: expected a finite number"],
    ["Infinity", minuteTimestamp(200), [0, Infinity], "values[1] is Infinity at timestamp 2024-01-01T03:20:00.000Z: expected a finite number"],
    [
      "a bigint",
      minuteTimestamp(200),
      [BigInt(5) as unknown as number, 1],
      "values[0] is 5n (a bigint) at timestamp 2024-01-01T03:20:00.000Z: expected a finite number",
    ],
    [
      "a value beyond the working range",
      minuteTimestamp(200),
      [0, -1e200],
      "values[1] is -1e+200 at timestamp 2024-01-01T03:20:00.000Z: outside the working range [-1e+150, 1e+150] (or set option extreme=clip)",
    ],
    ["too few values", minuteTimestamp(200), [1], "expected 2 value(s) at timestamp 2024-01-01T03:20:00.000Z, got 1"],
    [
      "a timestamp going back",
      minuteTimestamp(10),
      [0, 0],
      "timestamp 2024-01-01T00:10:00.000Z is earlier than the previous point's 2024-01-01T03:19:00.000Z: points must arrive in time order (or set option outOfOrder=accept)",
    ],
    ["a NaN timestamp", NaN, [0, 0], "timestamp must be a finite number, got NaN"],
    ["a timestamp given as text", "2024-01-01" as unknown as number, [0, 0], 'timestamp must be a finite number, got "2024-01-01"'],
    // kept as the latest time, it would refuse every later point (outOfOrder=error) and every state saved after it
    [
      "a timestamp past the range of dates",
      1e308,
      [0, 0],
      "timestamp 1e+308 is outside the range of dates [-8640000000000000, 8640000000000000] (epoch milliseconds)",
    ],
    ["a timestamp before the range of dates", -8.64e15 - 1, [0, 0], "timestamp -8640000000000001 is outside the range of dates"],
    [
      "a value given as text",
      minuteTimestamp(200),
      [0, "3" as unknown as number],
      'values[1] is "3" at timestamp 2024-01-01T03:20:00.000Z: expected a finite number',
    ],
  ];
  for (const name of ["rcf", "zscore", "ewma", "ensemble"]) {
    for (const [what, timestamp, values, message] of cases) {
      it(`${name} refuses ${what} with an exact message and an untouched model`, () => {
        const d = createDetector(name, 2, name === "rcf" ? { numberOfTrees: 5, subSampleSize: 16 } : {});
        sineStream(200, 2, 4).forEach((v, i) => d.process({ timestamp: minuteTimestamp(i), values: v }));
        const before = JSON.stringify(d.toState());
        expect(() => d.process({ timestamp, values })).to.throw(InputError, message);
        expect(JSON.stringify(d.toState())).to.equal(before);
      });
    }
  }

  const labels: [string, number, string][] = [
    ["epoch milliseconds", Date.UTC(2024, 0, 1, 12, 30), "2024-01-01T12:30:00.000Z"],
    ["a row number", 120, "120"],
    ["epoch seconds", 1704112200, "1704112200"],
    ["a negative number", -5, "-5"],
    ["beyond the year 2286", 1e13, "10000000000000"],
  ];
  for (const [what, timestamp, label] of labels) {
    it(`tells ${what} in a message as ${label}`, () => expect(timeLabel(timestamp)).to.equal(label));
  }

  it("names the time of a point given with row numbers as its number", () => {
    const d = createDetector("zscore", 1, {});
    d.process({ timestamp: 7, values: [1] });
    expect(() => d.process({ timestamp: 6, values: [1] })).to.throw(InputError, "timestamp 6 is earlier than the previous point's 7:");
  });

  it("imputes a missing value with the last accepted one under missing=impute and says which", () => {
    const d = createDetector("zscore", 2, { missing: "impute", window: 10 });
    d.process({ timestamp: 1, values: [5, 6] });
    const r = d.process({ timestamp: 2, values: [NaN, 7] });
    expect(r.imputed).to.deep.equal([0]);
    expect(r.expected).to.deep.equal([5, 7]);
    expect(() => d.process({ timestamp: 3, values: [Infinity, 7] })).to.throw(InputError, "values[0] is Infinity");
  });

  it("fills the dimensions a caller says it filled in from its own last values, and refuses a bad list", () => {
    const d = createDetector("zscore", 2, { window: 10 });
    d.process({ timestamp: 1, values: [5, 6] });
    const r = d.process({ timestamp: 2, values: [99, 7], imputed: [0] });
    expect([r.imputed, r.expected]).to.deep.equal([[0], [5, 7]]);
    expect(() => d.process({ timestamp: 3, values: [1, 7], imputed: [2] })).to.throw(
      InputError,
      "imputed must list input dimensions (integers in [0, 1]), got 2",
    );
  });

  it("clips a value beyond the working range under extreme=clip and says which", () => {
    const d = createDetector("zscore", 2, { extreme: "clip", window: 10 });
    const r = d.process({ timestamp: 1, values: [1e308, -5] });
    expect(r.clipped).to.deep.equal([0]);
    expect(r.expected).to.deep.equal([1e150, -5]);
    expect(d.process({ timestamp: 2, values: [1, -1e151] }).clipped).to.deep.equal([1]);
    expect(d.process({ timestamp: 3, values: [1e150, 2] }).clipped).to.deep.equal([]);
  });

  it("processes out-of-order points under outOfOrder=accept", () => {
    const d = createDetector("ewma", 1, { outOfOrder: "accept" });
    d.process({ timestamp: 10, values: [1] });
    expect(d.process({ timestamp: 5, values: [1] }).ready).to.equal(false);
    expect(d.count).to.equal(2);
  });
});

describe("detector options", () => {
  const cases: [string, number, Record<string, string | number>, string][] = [
    ["rcf", 1, { numberOfTrees: 0 }, "option numberOfTrees must be an integer in [1, 1000], got 0"],
    ["rcf", 1, { subSampleSize: "lots" }, 'option subSampleSize must be an integer in [4, 4096], got "lots"'],
    ["rcf", 1, { shingleSize: 2.5 }, "option shingleSize must be an integer in [1, 64], got 2.5"],
    ["rcf", 1, { calendar: "month" }, 'option calendar must be one of none, day, week, got "month"'],
    ["rcf", 1, { alarm: "loud" }, 'option alarm must be one of onset, state, got "loud"'],
    ["rcf", 1, { peakDecay: 1 }, "option peakDecay must be a number in [0, 0.999999], got 1"],
    ["rcf", 1, { updateOnAnomaly: "maybe" }, 'option updateOnAnomaly must be true or false, got "maybe"'],
    ["rcf", 1, { trees: 5 }, "unknown option trees=5 for detector rcf; known: "],
    ["rcf", 3, { minDeviation: "0.1,0.2" }, 'option minDeviation must be a number >= 0 or a list of 3 such numbers (one per input), got "0.1,0.2"'],
    ["rcf", 2, { minDeviation: "0.1,-1" }, 'option minDeviation must be a number >= 0 or a list of 2 such numbers (one per input), got "0.1,-1"'],
    ["rcf", 2, { minDeviation: "0.1,x" }, 'option minDeviation must be a number >= 0 or a list of 2 such numbers (one per input), got "0.1,x"'],
    ["rcf", 2, { minDeviation: "0x10" }, 'option minDeviation must be a number >= 0 or a list of 2 such numbers (one per input), got "0x10"'],
    ["rcf", 1, { sustain: 1.5 }, "option sustain must be an integer in [0, 1000], got 1.5"],
    ["rcf", 1, { sustain: 1 }, "option sustain must be 0 (off) or 2 to 1000 (the mean of the last N raw scores), got 1"],
    [
      "rcf",
      40,
      { numberOfTrees: 1000, subSampleSize: 4096, shingleSize: 4, calendar: "none" },
      "numberOfTrees 1000 x subSampleSize 4096 in 160 dimensions (inputs and calendar x shingleSize 4) needs 7.5 GiB of forest memory, over the 2.0 GiB a forest may take",
    ],
    ["zscore", 1, { window: 2 }, "option window must be an integer in [3, 100000], got 2"],
    ["zscore", 1, { window: "0x10" }, 'option window must be an integer in [3, 100000], got "0x10"'],
    // a window never holds more than `window` points: a larger minPoints would never be ready
    ["zscore", 1, { window: 10, minPoints: 20 }, "option minPoints must be an integer in [3, 10], got 20"],
    [
      "ensemble",
      1,
      { members: "rcf,zscore", "zscore.outOfOrder": "error" },
      "option zscore.outOfOrder=error: the ensemble checks its input for every member; give outOfOrder to the ensemble itself",
    ],
    [
      "ensemble",
      1,
      { members: "rcf,zscore", "rcf.missing": "impute" },
      "option rcf.missing=impute: the ensemble checks its input for every member; give missing to the ensemble itself",
    ],
    ["ewma", 1, { alpha: 2 }, "option alpha must be a number in [0.000001, 1], got 2"],
    ["ensemble", 1, { combine: "sum" }, 'option combine must be one of max, mean, vote, got "sum"'],
    ["ensemble", 1, { members: "rcf", "zscore.window": 9 }, "option zscore.window=9: zscore is not a member; members: rcf"],
    [
      "ensemble",
      1,
      { members: "rcf,rcf#long", "rcf#short.shingleSize": "4" },
      "option rcf#short.shingleSize=4: rcf#short is not a member; members: rcf, rcf#long",
    ],
    ["ensemble", 1, { "rcf.shingle": "4" }, "ensemble member rcf: unknown option shingle=4 for detector rcf; known: "],
    [
      "ensemble",
      1,
      { members: "rcf,rcf#long", "rcf#long.shingleSize": "0" },
      'ensemble member rcf#long: option shingleSize must be an integer in [1, 64], got "0"',
    ],
    ["ensemble", 1, { "zscore.window": "2" }, 'ensemble member zscore: option window must be an integer in [3, 100000], got "2"'],
    ["ensemble", 1, { members: "rcf,lstm" }, 'unknown detector "lstm"; known: ensemble, ewma, rcf, zscore'],
    ["ensemble", 1, { members: "zscore,zscore" }, "option members names zscore twice; tag one (zscore#2)"],
    ["rcf", 0, {}, "dimensions must be an integer in [1, 100000], got 0"],
    // no more than a saved state may hold: a model made is a model that can be restored
    ["zscore", 100_001, {}, "dimensions must be an integer in [1, 100000], got 100001"],
    ["ensemble", 1, { members: Array.from({ length: 101 }, (_, i) => `zscore#${i}`).join(",") }, "option members names 101 detectors, at most 100 are allowed"],
  ];
  for (const [name, dims, options, message] of cases) {
    it(`${name} ${JSON.stringify(options)} -> ${message}`, () => {
      expect(() => createDetector(name, dims, options)).to.throw(OptionError, message);
    });
  }

  it("accepts options given as strings, as the command line passes them", () => {
    const d = createDetector("rcf", 1, { numberOfTrees: "7", normalize: "false", calendar: "none" });
    expect((d.toState() as unknown as { options: { numberOfTrees: number; normalize: boolean } }).options).to.include({ numberOfTrees: 7, normalize: false });
  });

  const floors: [Record<string, string | number>, number[] | undefined][] = [
    [{}, undefined],
    [{ minDeviation: 0 }, undefined],
    [{ minDeviation: "0.5" }, [0.5, 0.5, 0.5]],
    [{ minDeviation: 0.25 }, [0.25, 0.25, 0.25]],
    [{ minDeviation: " 0.05, 0 ,2" }, [0.05, 0, 2]],
  ];
  for (const [options, expected] of floors) {
    it(`rcf minDeviation ${JSON.stringify(options)} -> ${JSON.stringify(expected)} in the saved options`, () => {
      const state = createDetector("rcf", 3, options).toState() as unknown as { options: { minDeviation?: number[] } };
      expect(state.options.minDeviation).to.deep.equal(expected);
    });
  }
});
