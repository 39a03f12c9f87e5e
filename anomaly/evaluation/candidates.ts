import { DetectorOptions } from "../types";

/**
 * The candidate option sets the defaults protocol compares (kept small: each costs a run over every
 * development set). Options not named keep the library's defaults; the current defaults come first.
 */
export const CANDIDATES: Readonly<Record<string, DetectorOptions>> = {
  defaults: {},
  "relativeFloor=0.03": { relativeFloor: 0.03 },
  "relativeFloor=0.1": { relativeFloor: 0.1 },
  "relativeFloor=0.01": { relativeFloor: 0.01 },
  "relativeFloor=0.3": { relativeFloor: 0.3 },
  "floor0.03+shingle2": { relativeFloor: 0.03, shingleSize: 2 },
  "floor0.03+calendarNone": { relativeFloor: 0.03, calendar: "none" },
  "floor0.03+zFactor4": { relativeFloor: 0.03, zFactor: 4 },
};
