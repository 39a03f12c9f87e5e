/** A profile with every field of the PUT schema set. */
export const FULL_PROFILE = {
  name: "Ana Duarte",
  email: "ana@example.com",
  phone: "+441632960001",
  address: { line1: "12 Meter Lane", line2: "Flat 3", city: "Leeds", postcode: "LS1 4AB", country: "GB" },
  tariff: "time-of-use",
  notifications: { dailyReport: true, unusualUsage: false, channel: "sms" },
};

/** The headers of every JSON answer of the profile API. */
export const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store" };
