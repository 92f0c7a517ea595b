// Every metric family, in the order of their keys in docs/metrics.md §6.1 (each key has exactly
// one family: families.test.ts).
import { bias } from './bias';
import { deep } from './deep';
import type { MetricFamily } from './family';
import { gof } from './gof';
import { labelNoise } from './labelNoise';
import { md } from './md';
import { moments } from './moments';
import { nc1 } from './nc1';
import { nc2 } from './nc2';
import { nc3 } from './nc3';
import { nc4 } from './nc4';
import { nc5 } from './nc5';
import { scatter } from './scatter';

export const FAMILIES: readonly MetricFamily[] = [
  moments,
  scatter,
  nc1,
  nc2,
  nc3,
  nc4,
  bias,
  nc5,
  md,
  labelNoise,
  gof,
  deep,
];

export type { MetricFamily, PipelineInput } from './family';
