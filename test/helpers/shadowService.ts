/** The shadow stand-in now lives in local/iot (the local stack serves it to devices and Lambdas alike). */
export { ShadowDocument, ShadowService, deltaOf, mergeState } from "../../local/iot/shadowService";
export { attachToBroker } from "../../local/iot/shadowTopics";
