import { expect } from "chai";
import { ProfileValidationError, parseProfile } from "../../../functions/profileApi/profileSchema";
import { FULL_PROFILE } from "./profiles";

function problemsOf(body: unknown): readonly string[] {
  try {
    parseProfile(body);
  } catch (e) {
    if (e instanceof ProfileValidationError) return e.problems;
    throw e;
  }
  return [];
}

describe("profile schema", () => {
  it("accepts a full profile unchanged", () => {
    expect(parseProfile(structuredClone(FULL_PROFILE))).to.deep.equal(FULL_PROFILE);
  });

  it("accepts names in any script, with accents, emoji joined by a zero-width joiner, and international e-mail", () => {
    for (const name of ["Zoë Ødegård", "محمد", "می‌خواهم", "李小龙", "👩‍👩‍👧 family"]) expect(parseProfile({ name, email: "ünï@exämple.de" }).name).to.equal(name);
  });

  it("accepts the minimal profile: name and email", () => {
    expect(parseProfile({ name: "Bo", email: "bo@example.org" })).to.deep.equal({ name: "Bo", email: "bo@example.org" });
  });

  describe("refuses a field naming it and the value", () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ["a missing name", { name: undefined }, "name is required"],
      ["a numeric name", { name: 42 }, "name must be a string of 1 to 100 characters without control characters or surrounding spaces, got 42"],
      ["an empty name", { name: "" }, 'name must be a string of 1 to 100 characters without control characters or surrounding spaces, got ""'],
      [
        "a name with a newline",
        { name: "Ana\nDuarte" },
        'name must be a string of 1 to 100 characters without control characters or surrounding spaces, got "Ana\\nDuarte"',
      ],
      ["a padded name", { name: " Ana" }, 'name must be a string of 1 to 100 characters without control characters or surrounding spaces, got " Ana"'],
      [
        "a 101-character name",
        { name: "x".repeat(101) },
        `name must be a string of 1 to 100 characters without control characters or surrounding spaces, got "${"x".repeat(56)}...`,
      ],
      ...(
        [
          ["a C1 control", "Ana\u0085Duarte", '"Ana\u0085Duarte"'],
          ["a line separator", "Ana\u2028Duarte", '"Ana\u2028Duarte"'],
          ["a right-to-left override", "Ana\u202eetrauD", '"Ana\u202eetrauD"'],
          ["a lone surrogate", "a\ud800b", '"a\\ud800b"'],
          ["a zero-width space alone", "\u200b", '"\u200b"'],
        ] as const
      ).map(([what, name, shown]): [string, Record<string, unknown>, string] => [
        `a name with ${what}`,
        { name },
        `name must be a string of 1 to 100 characters without control characters or surrounding spaces, got ${shown}`,
      ]),
      [
        "an e-mail with a bell and an escape",
        { email: "a\u0007\u001b[31m@x.co" },
        'email must be an e-mail address like "ana@example.com", got "a\\u0007\\u001b[31m@x.co"',
      ],
      ["an e-mail with a right-to-left override", { email: "a\u202e@x.co" }, 'email must be an e-mail address like "ana@example.com", got "a\u202e@x.co"'],
      ["a bad e-mail", { email: "ana.example.com" }, 'email must be an e-mail address like "ana@example.com", got "ana.example.com"'],
      ["an e-mail without a dot in the domain", { email: "ana@localhost" }, 'email must be an e-mail address like "ana@example.com", got "ana@localhost"'],
      ["a national phone number", { phone: "01632 960001" }, 'phone must be an E.164 number like "+441632960001", got "01632 960001"'],
      ["an unknown tariff", { tariff: "free" }, 'tariff must be one of "standard", "time-of-use", "economy-7", "dynamic", got "free"'],
      [
        "an address that is a string",
        { address: "12 Meter Lane" },
        'address must be an object with line1, city, postcode, country and optionally line2, got "12 Meter Lane"',
      ],
      [
        "a lower-case country",
        { address: { ...FULL_PROFILE.address, country: "gb" } },
        'address.country must be an ISO 3166-1 alpha-2 code in capitals like "GB", got "gb"',
      ],
      [
        "a postcode with symbols",
        { address: { ...FULL_PROFILE.address, postcode: "LS1;4AB" } },
        'address.postcode must be 2-10 letters, digits, spaces or hyphens, got "LS1;4AB"',
      ],
      ["an address without a city", { address: { line1: "1 A St", postcode: "LS1", country: "GB" } }, "address.city is required"],
      [
        "an unknown address field",
        { address: { ...FULL_PROFILE.address, county: "Yorkshire" } },
        'unknown field "address.county" (allowed: address.line1, address.line2, address.city, address.postcode, address.country)',
      ],
      [
        "a non-boolean preference",
        { notifications: { dailyReport: "yes", unusualUsage: false, channel: "email" } },
        'notifications.dailyReport must be true or false, got "yes"',
      ],
      [
        "an unknown channel",
        { notifications: { dailyReport: true, unusualUsage: false, channel: "post" } },
        'notifications.channel must be "email" or "sms", got "post"',
      ],
      ["sms without a phone", { phone: undefined }, 'notifications.channel is "sms" but no phone is given'],
      ["an unknown field", { nickname: "A" }, 'unknown field "nickname" (allowed: name, email, phone, address, tariff, notifications)'],
      [
        "a __proto__ field",
        JSON.parse('{"__proto__": {"admin": true}}'),
        'unknown field "__proto__" (allowed: name, email, phone, address, tariff, notifications)',
      ],
      ["the meter id", { clientId: "MTR0099" }, 'clientId is the smart-meter id, linked with POST /profile/meter, and cannot be set here, got "MTR0099"'],
      [
        "the household's first day",
        { reportsFrom: "2020-01-01" },
        'reportsFrom is the first day of your household\'s reports, set by the claim code you linked with, and cannot be set here, got "2020-01-01"',
      ],
      ["a customer id", { customerId: "someone-else" }, 'customerId comes from the access token and cannot be set, got "someone-else"'],
      ["a version", { version: 7 }, "version is kept by the server; send it as If-Match instead, got 7"],
      ["updatedAt", { updatedAt: "2030-01-01T00:00:00Z" }, 'updatedAt is kept by the server and cannot be set, got "2030-01-01T00:00:00Z"'],
    ];
    for (const [label, change, problem] of cases) {
      it(label, () => {
        const body: Record<string, unknown> = { ...structuredClone(FULL_PROFILE), ...change };
        for (const key of Object.keys(change)) if (change[key] === undefined) delete body[key];
        expect(problemsOf(body)).to.deep.equal([problem]);
      });
    }
  });

  it("reports every problem at once in one message", () => {
    let message = "";
    try {
      parseProfile({ name: 1, email: "x", clientId: "M2" });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.equal(
      'invalid profile: clientId is the smart-meter id, linked with POST /profile/meter, and cannot be set here, got "M2"; ' +
        "name must be a string of 1 to 100 characters without control characters or surrounding spaces, got 1; " +
        'email must be an e-mail address like "ana@example.com", got "x"',
    );
  });

  const notObjects: unknown[] = [null, [], "profile", 3, true];
  for (const body of notObjects) {
    it(`refuses a body that is not an object: ${JSON.stringify(body)}`, () => {
      expect(problemsOf(body)).to.deep.equal([`the body must be a JSON object, got ${JSON.stringify(body)}`]);
    });
  }
});
