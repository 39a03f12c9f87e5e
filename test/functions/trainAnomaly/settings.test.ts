import { expect } from "chai";
import { createDetector } from "../../../anomaly";
import { SettingsError } from "../../../functions/trainAnomaly/errors";
import { readEnvironment } from "../../../functions/trainAnomaly/lambdaRuntime";
import {
  TRAIN_DETECTOR_DEFAULTS,
  modelOptions,
  parseDetectorSettings,
  parseDetectorSettingsJson,
  requiredSensors,
} from "../../../functions/trainAnomaly/settings";
import { TRAIN_OPTIONS_WRITTEN_OUT } from "../../helpers/trainOptions";

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (e) {
    expect((e as Error).name).to.equal("SettingsError");
    return (e as SettingsError).problems;
  }
  return [];
}

describe("train detector settings", () => {
  it("defaults to one 20-tree RCF per train over the seven analog APU sensors", () => {
    expect(parseDetectorSettingsJson(undefined, "DETECTOR_SETTINGS")).to.deep.equal({
      detector: "rcf",
      options: TRAIN_OPTIONS_WRITTEN_OUT,
      groups: { apu: ["TP2", "TP3", "H1", "DV_pressure", "Reservoirs", "Oil_temperature", "Motor_current"] },
      clearAfter: 6,
      settleAfter: 360,
      maxModels: 200,
      maxShadowEntries: 10,
      maxClockAheadSeconds: 300,
      maxReadingAgeSeconds: 604800,
      bounds: {
        TP2: { min: -1, max: 20 },
        TP3: { min: -1, max: 20 },
        H1: { min: -1, max: 20 },
        DV_pressure: { min: -1, max: 20 },
        Reservoirs: { min: -1, max: 20 },
        Oil_temperature: { min: -40, max: 150 },
        Motor_current: { min: -1, max: 50 },
      },
    });
  });

  it("merges bounds over the sensor table's, one side at a time, and reads the clock limits", () => {
    const s = parseDetectorSettings(
      { bounds: { TP2: { max: 12 }, Oil_temperature: { min: 0, max: 120 } }, maxClockAheadSeconds: 60, maxReadingAgeSeconds: 86400 },
      "k",
    );
    expect([s.bounds.TP2, s.bounds.Oil_temperature, s.bounds.TP3]).to.deep.equal([
      { min: -1, max: 12 },
      { min: 0, max: 120 },
      { min: -1, max: 20 },
    ]);
    expect([s.maxClockAheadSeconds, s.maxReadingAgeSeconds]).to.deep.equal([60, 86400]);
  });

  it("reads its own normalised JSON back unchanged (the stack hands it to the Lambda that way)", () => {
    const s = parseDetectorSettings({ bounds: { Motor_current: { max: 30 } } }, "k");
    expect(parseDetectorSettingsJson(JSON.stringify(s), "DETECTOR_SETTINGS")).to.deep.equal(s);
  });

  it("merges rcf options over the train defaults and keeps the groups in the order given", () => {
    const s = parseDetectorSettings(
      { options: { numberOfTrees: 50 }, groups: { pressure: ["TP2", "TP3", "Reservoirs"], motor: ["Motor_current", "Oil_temperature"] }, clearAfter: 3 },
      "k",
    );
    expect(s.options).to.deep.equal({ ...TRAIN_OPTIONS_WRITTEN_OUT, numberOfTrees: 50 });
    expect(Object.keys(s.groups)).to.deep.equal(["pressure", "motor"]);
    expect(requiredSensors(s)).to.deep.equal(["TP2", "TP3", "Reservoirs", "Motor_current", "Oil_temperature"]);
    expect(s.clearAfter).to.equal(3);
  });

  it("models trains with threshold scoring, sustain and no suppression (the library's onset alarm uses the likelihood and suppresses 30 points)", () => {
    const state = createDetector("rcf", 7, modelOptions(TRAIN_DETECTOR_DEFAULTS, "apu")).toState() as unknown as { options: Record<string, unknown> };
    expect([state.options.likelihood, state.options.suppress, (state.options.sustained as { smoothing: number }).smoothing]).to.deep.equal([
      undefined,
      undefined,
      6,
    ]);
  });

  const floors: [string, unknown, string, string | undefined][] = [
    ["the default group", undefined, "apu", "0.05,0.05,0.05,0.05,0.05,0.5,0.1"],
    ["a group in its own order", { groups: { hot: ["Motor_current", "Oil_temperature"] } }, "hot", "0.1,0.5"],
    ["floors set in the options", { options: { minDeviation: "0" } }, "apu", "0"],
    ["another detector", { detector: "zscore", options: {} }, "apu", undefined],
  ];
  for (const [what, raw, group, expected] of floors) {
    it(`gives ${what} the sensors' noise floors as minDeviation: ${expected}`, () => {
      expect(modelOptions(parseDetectorSettings(raw, "k"), group).minDeviation).to.equal(expected);
    });
  }

  it("refuses floors that do not match a group's sensors, naming the group", () => {
    expect(problemsOf(() => parseDetectorSettings({ options: { minDeviation: "1,2" } }, "k"))).to.deep.equal([
      'k (group apu): option minDeviation must be a number >= 0 or a list of 7 such numbers (one per input), got "1,2"',
    ]);
  });

  it("takes another detector's options alone", () => {
    expect(parseDetectorSettings({ detector: "zscore", options: { window: 30 } }, "k").options).to.deep.equal({ window: 30 });
  });

  const cases: [string, unknown, string[]][] = [
    ["a list", [1], ["k must be a JSON object, got [1]"]],
    [
      "an unknown key",
      { trees: 5 },
      [
        'k: unknown key "trees" (known: detector, options, groups, clearAfter, settleAfter, maxModels, maxShadowEntries, maxClockAheadSeconds, maxReadingAgeSeconds, bounds)',
      ],
    ],
    ["an unknown detector", { detector: "lstm" }, ['k (group apu): unknown detector "lstm"; known: ensemble, ewma, rcf, zscore']],
    ["a bad option", { options: { subSampleSize: 2 } }, ["k (group apu): option subSampleSize must be an integer in [4, 4096], got 2"]],
    ["options as a list", { options: ["a"] }, ['k.options must be an object of option name to number, string or boolean, got ["a"]']],
    ["no groups", { groups: {} }, ["k.groups must be an object of group name to a non-empty list of sensor names, got {}"]],
    [
      "a bad group",
      { groups: { "Air Pressure": ["TP2", "TP2", "TP9"], motor: [] } },
      [
        'k.groups: group name "Air Pressure" must match [a-z][a-z0-9-]{0,31}',
        'k.groups.Air Pressure: "TP2" is listed more than once',
        'k.groups.Air Pressure: "TP9" is not a known sensor',
        "k.groups.motor must be a non-empty list of sensor names, got []",
      ],
    ],
    [
      "limits out of range",
      { clearAfter: 0, maxShadowEntries: 21, maxModels: 1.5 },
      [
        "k.clearAfter must be an integer in [1, 10000], got 0",
        "k.maxModels must be an integer in [1, 10000], got 1.5",
        "k.maxShadowEntries must be an integer in [1, 20], got 21",
      ],
    ],
    [
      "clock limits out of range",
      { maxClockAheadSeconds: -1, maxReadingAgeSeconds: 59 },
      ["k.maxClockAheadSeconds must be an integer in [0, 86400], got -1", "k.maxReadingAgeSeconds must be an integer in [60, 31622400], got 59"],
    ],
    [
      "bounds named after what every object inherits",
      JSON.parse('{"bounds": {"constructor": {"max": 1}, "toString": {"max": 1}, "__proto__": {"max": 1}}}'),
      [
        'k.bounds: "constructor" is not an analog sensor (analog: TP2, TP3, H1, DV_pressure, Reservoirs, Oil_temperature, Motor_current)',
        'k.bounds: "toString" is not an analog sensor (analog: TP2, TP3, H1, DV_pressure, Reservoirs, Oil_temperature, Motor_current)',
        'k.bounds: "__proto__" is not an analog sensor (analog: TP2, TP3, H1, DV_pressure, Reservoirs, Oil_temperature, Motor_current)',
      ],
    ],
    [
      "a group of 10,000 names: each problem once, at most ten",
      { groups: { apu: [...Array.from({ length: 9_990 }, () => "TP2"), ...Array.from({ length: 10 }, (_, i) => `X${i}`), "TP3"] } },
      [
        'k.groups.apu: "TP2" is listed more than once',
        ...Array.from({ length: 9 }, (_, i) => `k.groups.apu: "X${i}" is not a known sensor`),
        "k.groups.apu: and 1 more problems",
      ],
    ],
    ["bounds as a list", { bounds: [1] }, ['k.bounds must be an object of analog sensor name to { "min": number, "max": number }, got [1]']],
    [
      "bad bounds",
      { bounds: { COMP: { max: 1 }, TP9: {}, TP2: { max: "12" }, TP3: { top: 12 }, H1: {}, Oil_temperature: { min: 200 }, Motor_current: { min: 5, max: 5 } } },
      [
        'k.bounds: "COMP" is not an analog sensor (analog: TP2, TP3, H1, DV_pressure, Reservoirs, Oil_temperature, Motor_current)',
        'k.bounds: "TP9" is not an analog sensor (analog: TP2, TP3, H1, DV_pressure, Reservoirs, Oil_temperature, Motor_current)',
        'k.bounds.TP2 must be { "min": number, "max": number } (either may be left out), got {"max":"12"}',
        'k.bounds.TP3 must be { "min": number, "max": number } (either may be left out), got {"top":12}',
        'k.bounds.H1 must be { "min": number, "max": number } (either may be left out), got {}',
        "k.bounds.Oil_temperature: min 200 must be below max 150",
        "k.bounds.Motor_current: min 5 must be below max 5",
      ],
    ],
  ];
  for (const [what, raw, problems] of cases) {
    it(`rejects ${what} with exact messages`, () => {
      expect(problemsOf(() => parseDetectorSettings(raw, "k"))).to.deep.equal(problems);
    });
  }

  it("rejects text that is not JSON, quoting it", () => {
    expect(problemsOf(() => parseDetectorSettingsJson("{groups", "DETECTOR_SETTINGS"))).to.deep.equal(['DETECTOR_SETTINGS is not valid JSON: "{groups"']);
  });
});

describe("the Lambda's environment", () => {
  const env = { CHECKPOINT_TABLE: "t", FAILURE_QUEUE_URL: "https://q", SHADOW_NAME: "anomaly", METRIC_NAMESPACE: "Gridrail/TrainAnomaly" };

  it("reads the variables the component sets, with default settings when DETECTOR_SETTINGS is absent", () => {
    expect(readEnvironment(env)).to.deep.equal({
      checkpointTable: "t",
      failureQueueUrl: "https://q",
      shadowName: "anomaly",
      metricNamespace: "Gridrail/TrainAnomaly",
      settings: TRAIN_DETECTOR_DEFAULTS,
    });
  });

  it("names every missing variable at once", () => {
    expect(problemsOf(() => readEnvironment({ ...env, CHECKPOINT_TABLE: "", SHADOW_NAME: undefined }))).to.deep.equal([
      "environment variables CHECKPOINT_TABLE, SHADOW_NAME must be set",
    ]);
  });

  it("validates DETECTOR_SETTINGS", () => {
    expect(problemsOf(() => readEnvironment({ ...env, DETECTOR_SETTINGS: '{"maxModels": 0}' }))).to.deep.equal([
      "DETECTOR_SETTINGS.maxModels must be an integer in [1, 10000], got 0",
    ]);
  });
});
