// Memorization–dilation measurement engine (seed 002): public API.
export {
  measureMd,
  MD_LIBRARY_KEYS,
  MD_EXTRA_KEYS,
  type MdInput,
  type MdTrainSet,
  type MdTestSet,
  type MdMeasures,
  type MdBlock,
  type MdKey,
  type MdExtraKey,
  type MdTestMeasures,
  type SplitAccuracy,
} from './measures';
export { cleanMeanSeparation } from './memorization';
export {
  aggregateSweep,
  fitLine,
  spread,
  summariseRun,
  sweepGrid,
  SWEEP_ETAS,
  SWEEP_LOSSES,
  type SweepRun,
  type LineFit,
  type Spread,
  type MdPoint,
  type MdScatterSeries,
  type AccuracyCurve,
  type MdSweep,
  type SummaryOptions,
} from './sweep';
