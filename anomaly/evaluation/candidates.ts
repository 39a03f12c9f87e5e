import { DetectorOptions } from "../types";

/**
 * The candidate option sets the defaults protocol compares (kept small: each costs a run over every
 * development set). Options not named keep the library's defaults; the current defaults come first.
 */
export const CANDIDATES: Readonly<Record<string, DetectorOptions>> = {
  defaults: {},
  "relativeFloor=0.03": { relativeFloor: 0.03 },
  "relativeFloor=0.1": { relativeFloor: 0.1 },
};
