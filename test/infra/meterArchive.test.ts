import { expect } from "chai";
import { LAKE_ARCHIVE_DAYS, REPORTS_ARCHIVE_DAYS, meterArchiveRules } from "../../infra/meterIngestion/archiveRules";
import { Synthesis } from "../../infra/synth/recorder";
import { STACKS, one, runProgram } from "../helpers/pulumiRecorder";

const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const BASELINE = {
  id: "baseline",
  status: "Enabled",
  filter: { prefix: "" },
  abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
  noncurrentVersionExpiration: { noncurrentDays: 90 },
};
const glacier = (days: number) => ({ id: "to-glacier", status: "Enabled", filter: { prefix: "" }, transitions: [{ days, storageClass: "GLACIER" }] });
const glacierIr = (days: number) => ({ id: "to-glacier-ir", status: "Enabled", filter: { prefix: "" }, transitions: [{ days, storageClass: "GLACIER_IR" }] });

describe("meter bucket archive rules", () => {
  it("archives the lake and uploads 30 days after receipt, 16 days past the analysis' 14-day history", () => {
    expect(LAKE_ARCHIVE_DAYS).to.equal(30);
    expect(meterArchiveRules().lake).to.deep.equal([glacier(30)]);
    expect(meterArchiveRules().uploads).to.deep.equal([glacier(30)]);
  });

  it("moves reports to Glacier Instant Retrieval after 90 days", () => {
    expect(REPORTS_ARCHIVE_DAYS).to.equal(90);
    expect(meterArchiveRules().reports).to.deep.equal([glacierIr(90)]);
  });

  const bad: [string, { lake: number; reports: number }, string][] = [
    [
      "a lake archive inside the analysis history",
      { lake: 14, reports: 90 },
      "archive days lake must be an integer above the analysis' 14-day history, got 14",
    ],
    [
      "a report archive inside the analysis history",
      { lake: 30, reports: 7 },
      "archive days reports must be an integer above the analysis' 14-day history, got 7",
    ],
    ["a fractional day", { lake: 30.5, reports: 90 }, "archive days lake must be an integer above the analysis' 14-day history, got 30.5"],
  ];
  for (const [what, days, message] of bad) {
    it(`refuses ${what}`, () => {
      expect(() => meterArchiveRules(days)).to.throw(message);
    });
  }
});

for (const stack of STACKS) {
  describe(`meter bucket lifecycles (${stack})`, () => {
    let s: Synthesis;
    before(async () => {
      s = await runProgram(stack);
    });

    const rules = (name: string) => one(s, LIFECYCLE, name).inputs.rules;

    it("moves the lake to Glacier Flexible Retrieval after 30 days, keeping the baseline", () => {
      expect(rules("meters-lake-lifecycle")).to.deep.equal([BASELINE, glacier(30)]);
    });

    it("moves supplier uploads to Glacier Flexible Retrieval after 30 days, keeping the baseline", () => {
      expect(rules("meters-uploads-lifecycle")).to.deep.equal([BASELINE, glacier(30)]);
    });

    it("moves reports to Glacier Instant Retrieval after 90 days, keeping the baseline", () => {
      expect(rules("meters-reports-lifecycle")).to.deep.equal([BASELINE, glacierIr(90)]);
    });

    it("leaves the access-log bucket on the baseline only", () => {
      expect(rules("meters-access-logs-lifecycle")).to.deep.equal([BASELINE]);
    });

    it(`keeps the shared raw bucket's readings moving to Glacier after ${stack === "dev" ? 30 : 90} days`, () => {
      expect(rules("sharing-raw-lifecycle")).to.deep.equal([
        BASELINE,
        { id: "to-glacier", status: "Enabled", filter: { prefix: "readings/" }, transitions: [{ days: stack === "dev" ? 30 : 90, storageClass: "GLACIER" }] },
        { id: "expire-manifests", status: "Enabled", filter: { prefix: "manifests/" }, expiration: { days: 30 } },
      ]);
    });
  });
}
