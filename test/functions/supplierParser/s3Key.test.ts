import { expect } from "chai";
import { parseS3Key, processedKey, quarantineKey } from "../../../functions/supplierParser/s3Key";

describe("supplierParser s3Key", () => {
  const good: [string, string, string][] = [
    ["20240131/acme-01.csv", "20240131", "acme-01"],
    ["20240229/A_b.csv", "20240229", "A_b"],
    [`20240101/${"x".repeat(64)}.csv`, "20240101", "x".repeat(64)],
  ];
  for (const [key, date, clientId] of good) {
    it(`parses ${key.slice(0, 30)}`, () => {
      expect(parseS3Key(key)).to.deep.equal({ date, clientId });
    });
  }

  const bad: [string, string][] = [
    ["acme.csv", 'key "acme.csv" must be {YYYYMMDD}/{ClientID}.csv'],
    ["a/b/20240101/acme.csv", 'key "a/b/20240101/acme.csv" must be {YYYYMMDD}/{ClientID}.csv'],
    ["20240101/acme.txt", 'key "20240101/acme.txt" must end in .csv'],
    ["2024011/acme.csv", 'date "2024011" is not a valid YYYYMMDD day'],
    ["20230229/acme.csv", 'date "20230229" is not a valid YYYYMMDD day'],
    ["20241301/acme.csv", 'date "20241301" is not a valid YYYYMMDD day'],
    ["20240101/.csv", 'client id "" must be 1-64 characters of A-Z, a-z, 0-9, _ or -'],
    ["20240101/ac me.csv", 'client id "ac me" must be 1-64 characters of A-Z, a-z, 0-9, _ or -'],
    [`20240101/${"x".repeat(65)}.csv`, `client id "${"x".repeat(65)}" must be 1-64 characters of A-Z, a-z, 0-9, _ or -`],
  ];
  for (const [key, message] of bad) {
    it(`rejects ${key.slice(0, 30)} with an exact message`, () => {
      expect(() => parseS3Key(key))
        .to.throw(message)
        .with.property("name", "KeyError");
    });
  }

  it("derives deterministic processed and quarantine keys", () => {
    const k = parseS3Key("20240131/acme.csv");
    expect([processedKey(k), quarantineKey(k)]).to.deep.equal(["processed/20240131/acme.jsonl", "quarantine/20240131/acme.json"]);
  });
});
