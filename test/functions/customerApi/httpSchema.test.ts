import { expect } from "chai";
import fc from "fast-check";
import { METER_CLAIM_SCHEMA } from "../../../functions/meterClaim/linkMeter";
import { PROFILE_SCHEMA } from "../../../functions/profileApi/profileSchema";
import { LIMIT_SCHEMA, NEXT_SCHEMA, nextToken } from "../../../functions/reportUrl/reportList";
import { REPORT_DATE_SCHEMA, REPORT_FORMAT_SCHEMA } from "../../../functions/reportUrl/reportDate";
import { Schema, flag, matching, object, oneOf, optional, required, text, validate } from "../../../functions/shared/httpSchema";
import { accepts } from "./jsonSchemaSubset";
import { FULL_PROFILE } from "./profiles";

describe("request schemas", () => {
  describe("check a value and name every problem", () => {
    const PAIR = object<{ a: string; b?: boolean }>(
      { a: required(text(1, 3)), b: optional(flag()) },
      { what: "an object with a and optionally b", refused: { id: "is kept by the server" } },
    );
    const cases: [string, Schema<unknown>, unknown, string[]][] = [
      ["text too long", text(1, 3), "abcd", ['x must be a string of 1 to 3 characters without control characters or surrounding spaces, got "abcd"']],
      [
        "text with a control character",
        text(1, 3),
        "a\u0007",
        ['x must be a string of 1 to 3 characters without control characters or surrounding spaces, got "a\\u0007"'],
      ],
      ["text counted in code points", text(1, 3), "😀😀😀", []],
      ["a pattern", matching(/^[A-Z]{2}$/, "two capitals", 2), "gb", ['x must be two capitals, got "gb"']],
      ["one of a list", oneOf(["a", "b"] as const), "c", ['x must be one of "a", "b", got "c"']],
      ["a flag", flag(), "yes", ['x must be true or false, got "yes"']],
      ["an object that is not one", PAIR, [1], ["x must be an object with a and optionally b, got [1]"]],
      [
        "refused, unknown, then required fields",
        PAIR,
        { z: 1, id: "7" },
        ['x.id is kept by the server, got "7"', 'unknown field "x.z" (allowed: x.a, x.b)', "x.a is required"],
      ],
      ["a good object", PAIR, { a: "ok", b: false }, []],
    ];
    for (const [name, schema, value, problems] of cases) {
      it(`${name}: ${problems.length === 0 ? "accepted" : problems.join("; ")}`, () => {
        const r = validate(schema, value, "x");
        expect(r.ok ? [] : r.problems).to.deep.equal(problems);
      });
    }

    it("names the root object the body", () => {
      expect(validate(PAIR, "x")).to.deep.equal({ ok: false, problems: ['the body must be an object with a and optionally b, got "x"'] });
    });
  });

  describe("describe themselves as JSON Schema that accepts exactly what they accept", () => {
    const good = FULL_PROFILE;
    const pools: Record<string, unknown[]> = {
      name: ["Ana", "", " Ana", "Ana\n", "x".repeat(100), "x".repeat(101), 7, undefined],
      email: ["ana@example.com", "ana", "a b@example.com", `${"a".repeat(250)}@b.co`, null, undefined],
      phone: ["+441632960001", "01632960001", "+0123456", "+1234567890123456", undefined],
      address: [
        good.address,
        { ...good.address, line2: undefined },
        { ...good.address, country: "gb" },
        { ...good.address, postcode: "-A1" },
        { line1: "x" },
        "Leeds",
        undefined,
      ],
      tariff: ["standard", "dynamic", "nightly", undefined],
      notifications: [
        good.notifications,
        { ...good.notifications, channel: "email" },
        { ...good.notifications, channel: "post" },
        { dailyReport: "yes" },
        [],
        undefined,
      ],
      clientId: [undefined, undefined, "MTR0001"],
      extra: [undefined, undefined, 1],
    };
    const goodValue = (k: string): unknown => (good as Record<string, unknown>)[k];
    // each field good four times in five, so valid and invalid bodies are both common
    const profile = fc.record(
      Object.fromEntries(
        Object.entries(pools).map(([k, values]) => [
          k,
          fc.oneof({ arbitrary: fc.constant(goodValue(k)), weight: 4 }, { arbitrary: fc.constantFrom(...values), weight: 1 }),
        ]),
      ),
    );
    const strip = (o: Record<string, unknown>) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>;

    it("PUT /profile bodies: the validator and the document agree on 2000 generated bodies, good and bad", () => {
      let valid = 0;
      fc.assert(
        fc.property(profile, (raw) => {
          const body = strip(raw);
          const ok = validate(PROFILE_SCHEMA, body).ok;
          if (ok) valid++;
          return ok === accepts(PROFILE_SCHEMA.jsonSchema, body);
        }),
        { numRuns: 2000, seed: 7 },
      );
      expect(valid).to.be.greaterThan(20);
    });

    const table: [string, Schema<unknown>, unknown[]][] = [
      [
        "POST /profile/meter bodies",
        METER_CLAIM_SCHEMA,
        [
          { meterId: "MTR0001", claimCode: "7K3Q-M9XD-2HFA" },
          { meterId: "MTR0001", claimCode: "7k3q m9xd 2hfa" },
          { meterId: "MTR0001", claimCode: "7K3QM9XD2HF" },
          { meterId: "MTR0001", claimCode: "7K3Q-M9XD-2HFI" },
          { meterId: "MTR 1", claimCode: "7K3Q-M9XD-2HFA" },
          { meterId: "MTR0001" },
          { meterId: "MTR0001", claimCode: "7K3Q-M9XD-2HFA", owner: "x" },
          "MTR0001",
        ],
      ],
      ["{date}", REPORT_DATE_SCHEMA, ["2026-11-21", "20261121", "2026-1121", "2026-11-2", "21-11-2026"]],
      ["?format=", REPORT_FORMAT_SCHEMA, ["html", "json", "pdf", "HTML"]],
    ];
    for (const [name, schema, values] of table) {
      it(`${name}: the validator and the document agree on ${values.length} values`, () => {
        const verdicts = values.map((v) => [validate(schema, v).ok, accepts(schema.jsonSchema, v)]);
        expect(verdicts.filter(([a, b]) => a !== b)).to.deep.equal([]);
        expect(verdicts.some(([a]) => a) && verdicts.some(([a]) => !a)).to.equal(true);
      });
    }

    it("?next= is opaque: the document gives its alphabet, which every token a page returns has", () => {
      const tokens = ["2026-11-21", "1999-01-01", "2099-12-31"].map(nextToken);
      expect(tokens.map((t) => [validate(NEXT_SCHEMA, t).ok, accepts(NEXT_SCHEMA.jsonSchema, t)])).to.deep.equal([
        [true, true],
        [true, true],
        [true, true],
      ]);
    });

    it("?limit= is an integer 1-100 in the document, the same range as a query string", () => {
      expect(LIMIT_SCHEMA.jsonSchema).to.deep.equal({ type: "integer", minimum: 1, maximum: 100, default: 30 });
      expect(["1", "100", "0", "101", "1.5", "01"].map((v) => validate(LIMIT_SCHEMA, v).ok)).to.deep.equal([true, true, false, false, false, false]);
    });
  });
});
