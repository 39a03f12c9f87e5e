import { observabilityDefaults } from "../shared/defaults";
import { OutcomeAlarmSpec } from "../shared/outcomeAlarms";
import { ServiceDashboard } from "../shared/serviceObservability";

const RESPONSES = ["Responses2xx", "Responses4xx", "Responses5xx"] as const;

/** Outcome metrics per function, as the handlers count them (functions/<service>/handler.ts). */
export const CUSTOMER_METRICS = {
  authorizer: ["RequestsAllowed", "RequestsDenied"],
  profileApi: RESPONSES,
  reportUrl: RESPONSES,
} as const;

/** No customer data is lost here; a burst of denials is someone guessing tokens or a broken client release. */
export const CUSTOMER_ALARMS: readonly OutcomeAlarmSpec[] = [
  {
    suffix: "denials",
    service: "authorizer",
    metricName: "RequestsDenied",
    threshold: observabilityDefaults.deniedRequestsPer5Minutes,
    description: `More than ${observabilityDefaults.deniedRequestsPer5Minutes} customer API requests denied in 5 minutes. The authorizer's WARN lines give each reason.`,
  },
];

/** The customer-api dashboard's rows and its alarms; the component wires its functions to it. */
export const CUSTOMER_DASHBOARD: ServiceDashboard<keyof typeof CUSTOMER_METRICS> = {
  purpose: "customer-api",
  alarms: CUSTOMER_ALARMS,
  functions: [
    { title: "Authorizer", service: "authorizer", metrics: CUSTOMER_METRICS.authorizer },
    { title: "Profile API", service: "profileApi", metrics: CUSTOMER_METRICS.profileApi },
    { title: "Report URL", service: "reportUrl", metrics: CUSTOMER_METRICS.reportUrl },
  ],
};
