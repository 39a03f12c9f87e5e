/**
 * The train models' rcf options as the tests expect them, written out once (not imported from the code under
 * test, so a change to the defaults fails a test until it is made here too).
 */
export const TRAIN_OPTIONS_WRITTEN_OUT = {
  numberOfTrees: 20,
  subSampleSize: 128,
  timeDecay: 1280,
  zFactor: 4,
  alarm: "onset",
  peakLag: 30,
  sustain: 6,
  relativeFloor: 0,
  scoreHorizon: 2560,
  scoring: "threshold",
  suppress: 0,
  levelFloor: 0.001,
} as const;
