import { observabilityDefaults } from "../shared/defaults";
import { OutcomeAlarmSpec } from "../shared/outcomeAlarms";
import { ServiceDashboard } from "../shared/serviceObservability";

const RESPONSES = ["Responses2xx", "Responses4xx", "Responses5xx"] as const;

/** Outcome metrics per function, as the handlers count them (functions/<service>/handler.ts). */
export const CUSTOMER_METRICS = {
  authorizer: ["RequestsAllowed", "RequestsDenied"],
  profileApi: [...RESPONSES, "AccountDeletionsFailed"],
  reportUrl: RESPONSES,
} as const;

/**
 * No customer data is lost here; a burst of denials is someone guessing tokens or a broken client release. A
 * sign-in account left after its data was erased is personal data kept against the customer's wish: one alarms.
 */
export const CUSTOMER_ALARMS: readonly OutcomeAlarmSpec[] = [
  {
    suffix: "denials",
    service: "authorizer",
    metricName: "RequestsDenied",
    threshold: observabilityDefaults.deniedRequestsPer5Minutes,
    description: `More than ${observabilityDefaults.deniedRequestsPer5Minutes} customer API requests denied in 5 minutes. The authorizer's WARN lines give each reason.`,
  },
  {
    suffix: "account-deletions-failed",
    service: "profileApi",
    metricName: "AccountDeletionsFailed",
    threshold: 0,
    description:
      "A customer's data was erased but their sign-in account was not deleted. The profile function's ERROR line names it (account <sub> not deleted): aws cognito-idp admin-delete-user --user-pool-id <pool> --username <sub>.",
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
