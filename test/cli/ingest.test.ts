import { expect } from "chai";
import { truncateSync, writeFileSync } from "fs";
import { join } from "path";
import { DEFAULT_MAX_OBJECT_BYTES } from "../../functions/supplierParser/byteLimit";
import { runCli } from "../helpers/runCli";
import { requireShared } from "../helpers/sharedData";
import { tempDir } from "../helpers/tempDir";

const dir = tempDir("gridrail-ingest-cli-");
const vals = Array(48).fill("0.1").join(",");
const file = join(dir, "20240102_acme.csv");
writeFileSync(
  file,
  ["200,M1,E1,E1,E1,,X,KWH,30,", `300,20240101,${vals},A,,,20240102030312,`, `300,20240102,${vals.replace("0.1", "-1")},A,,,20240103030312,`, ""].join("\r\n"),
);

describe("ingest command", () => {
  it("prints the contract's JSON and exits 0 even with rejected rows", () => {
    const r = runCli("ingest", ["--file", file, "--client-id", "acme", "--json"]);
    expect([r.status, r.stderr]).to.deep.equal([0, ""]);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).to.deep.equal(["layout", "rows", "accepted", "rejected", "readingCount", "readings", "errors", "reasons"]);
    expect([out.layout, out.rows, out.accepted, out.rejected, out.readingCount, out.readings.length]).to.deep.equal(["nem12", 2, 1, 1, 48, 5]);
    expect(out.readings[0]).to.deep.equal({
      clientId: "acme",
      intervalStart: "2023-12-31T14:00:00.000Z",
      intervalMinutes: 30,
      kwh: 0.1,
      quality: "A",
      channel: "consumption",
    });
    expect(out.errors).to.deep.equal([{ line: 3, reason: "interval 1: -1 is negative" }]);
    expect(out.reasons).to.deep.equal([{ reason: "interval <n>: <n> is negative", count: 1 }]);
  });

  it("notes that --time-zone does not apply to a NEM12 file, whose readings keep NEM time", () => {
    const r = runCli("ingest", ["--file", file, "--client-id", "acme", "--time-zone", "Europe/London", "--json"]);
    expect([r.status, r.stderr]).to.deep.equal([0, "note: --time-zone Europe/London does not apply to a nem12 file: NEM12 times are NEM time (UTC+10)\n"]);
    expect(JSON.parse(r.stdout).readings[0].intervalStart).to.equal("2023-12-31T14:00:00.000Z");
  });

  it("counts the rejected rows past the listed ones by reason", () => {
    const many = join(dir, "many.csv");
    const lines = Array.from({ length: 130 }, (_, i) => {
      const t = new Date(Date.UTC(2024, 0, 1) + i * 1_800_000).toISOString();
      return i < 110 ? `${t},oops` : i < 125 ? `${t},-2` : `${t},0.5`;
    });
    writeFileSync(many, ["timestamp,kwh", ...lines].join("\n") + "\n");
    const r = runCli("ingest", ["--file", many, "--client-id", "acme"]);
    expect(r.status, r.stderr).to.equal(0);
    const out = r.stdout.split("\n");
    expect(out[0]).to.equal(`${many}: layout plain, 130 rows, 5 accepted, 125 rejected, 5 readings`);
    expect(out.filter((l) => l.startsWith("  line ")).length).to.equal(100);
    expect(out.slice(101)).to.deep.equal([
      "  25 more rejected row(s) not listed; every rejected row by reason:",
      '  110 x kwh "…" is not a number',
      "  15 x kwh <n> is negative",
      "",
    ]);
  });

  const unreadable: [string, string, string, string][] = [
    ["an empty file", "", "layout empty, 0 rows", "no row accepted (layout empty): the file is empty"],
    ["a header alone", "timestamp,kwh\n", "layout plain, 0 rows", "no row accepted (layout plain): it has no data rows"],
    ["an unknown layout", "foo,bar\n1,2\n", "layout unknown, 2 rows", "no row accepted (layout unknown): its layout is not one the parser reads"],
    ["every row rejected", "timestamp,kwh\n2024-01-01 00:00,-1\n", "layout plain, 1 rows", "no row accepted (layout plain): every row was rejected"],
  ];
  for (const [what, text, counts, error] of unreadable) {
    it(`prints the outcome of ${what}, then exits 1 naming why no row was accepted`, () => {
      const path = join(dir, `${what.replace(/ /g, "-")}.csv`);
      writeFileSync(path, text);
      const r = runCli("ingest", ["--file", path, "--client-id", "acme"]);
      expect([r.status, r.stdout.startsWith(`${path}: ${counts}, 0 accepted`), r.stderr]).to.deep.equal([1, true, `error: ${path}: ${error}\n`]);
    });
  }

  it("checks the file's days against --date", () => {
    const r = runCli("ingest", ["--file", file, "--client-id", "acme", "--date", "20240101"]);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.equal(
      `${file}: layout nem12, 2 rows, 1 accepted, 1 rejected, 48 readings\n  line 3: day 2024-01-02 is after the upload's date 2024-01-01\n`,
    );
  });

  it("reads a real supplier file", function () {
    const path = requireShared(this, "meters", "meter03.csv");
    const out = JSON.parse(runCli("ingest", ["--file", path, "--client-id", "meter03", "--json"]).stdout);
    expect([out.layout, out.rows, out.accepted, out.rejected]).to.deep.equal(["wide", 465, 465, 0]);
  });

  it("reads wall-clock layouts in --time-zone (NEM12 stays in NEM time)", () => {
    const plain = join(dir, "plain.csv");
    writeFileSync(plain, "timestamp,kwh\n2024-01-01 12:00,0.5\n");
    const at = (zone: string[]) => JSON.parse(runCli("ingest", ["--file", plain, "--client-id", "acme", "--json", ...zone]).stdout).readings[0].intervalStart;
    expect([at([]), at(["--time-zone", "Australia/Perth"]), at(["--time-zone", "UTC"])]).to.deep.equal([
      "2024-01-01T01:00:00.000Z",
      "2024-01-01T04:00:00.000Z",
      "2024-01-01T12:00:00.000Z",
    ]);
  });

  // a sparse file one byte over the parser's limit: its size is checked before a byte is read
  const huge = join(dir, "huge.csv");
  writeFileSync(huge, "timestamp,kwh\n");
  truncateSync(huge, DEFAULT_MAX_OBJECT_BYTES + 1);
  const failures: [string, string[], number, string][] = [
    ["- (standard input)", ["--file", "-", "--client-id", "acme"], 2, "error: --file needs a file path: - (standard input) is not supported for it\n"],
    [
      "a file over the parser's size limit",
      ["--file", huge, "--client-id", "acme"],
      1,
      `error: ${huge}: 104857601 bytes, over the supplier parser's limit of 104857600 bytes: an upload this large is refused with a quarantine report and no row read\n`,
    ],
    ["a missing file", ["--file", join(dir, "nope.csv"), "--client-id", "acme"], 1, `error: cannot read ${join(dir, "nope.csv")}: ENOENT\n`],
    ["a directory", ["--file", dir, "--client-id", "acme"], 1, `error: cannot read ${dir}: not a file\n`],
    ["no --client-id", ["--file", file], 2, "error: --client-id is required\n"],
    ["no --file", ["--client-id", "acme"], 2, "error: --file is required\n"],
    ["a bad client id", ["--file", file, "--client-id", "a b"], 2, 'error: --client-id: client id "a b" must be 1-64 characters of A-Z, a-z, 0-9, _ or -\n'],
    ["a bad --date", ["--file", file, "--client-id", "acme", "--date", "2024-01-01"], 2, 'error: --date: date "2024-01-01" is not a valid YYYYMMDD day\n'],
    [
      "an unknown flag",
      ["--file", file, "--client-id", "acme", "--csv"],
      2,
      "error: unknown flag --csv; known: --file, --client-id, --date, --time-zone, --json\n",
    ],
    [
      "an unknown --time-zone",
      ["--file", file, "--client-id", "acme", "--time-zone", "Mars/Olympus"],
      2,
      'error: --time-zone: time zone "Mars/Olympus" is not an IANA time zone this runtime knows (e.g. Australia/Melbourne)\n',
    ],
  ];
  for (const [name, args, status, stderrStart] of failures) {
    it(`exits ${status} on ${name}, naming it on stderr`, () => {
      const r = runCli("ingest", args);
      expect(r.status).to.equal(status);
      expect(r.stderr.startsWith(stderrStart), r.stderr).to.equal(true);
      expect(r.stdout).to.equal("");
    });
  }
});
