import { expect } from "chai";
import { overrideDefaults, streamConsumerDefaults } from "../../infra/shared/defaults";

function capturingWarnings(run: () => void): string[] {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (msg: string) => warnings.push(msg);
  try {
    run();
  } finally {
    console.warn = original;
  }
  return warnings;
}

describe("secure defaults", () => {
  it("returns the defaults untouched when nothing is overridden", () => {
    expect(overrideDefaults(streamConsumerDefaults, undefined, "c")).to.equal(streamConsumerDefaults);
  });

  it("applies an override of a non-security field silently", () => {
    let merged: typeof streamConsumerDefaults | undefined;
    const warnings = capturingWarnings(() => {
      merged = overrideDefaults(streamConsumerDefaults, { batchSize: 500 }, "c");
    });
    expect(merged).to.deep.equal({ ...streamConsumerDefaults, batchSize: 500 });
    expect(warnings).to.deep.equal([]);
  });

  it("applies but warns about weakening a security default", () => {
    let merged: typeof streamConsumerDefaults | undefined;
    const warnings = capturingWarnings(() => {
      merged = overrideDefaults(streamConsumerDefaults, { bisectBatchOnFunctionError: false }, "trains-anomaly");
    });
    expect(merged?.bisectBatchOnFunctionError).to.equal(false);
    expect(warnings).to.deep.equal(["warning: [runtime] trains-anomaly: overriding security default bisectBatchOnFunctionError=true with false"]);
  });
});
