import { describe, expect, it } from 'vitest';
import { loadNetData, prepareOptionsFor } from '../data/fromConfig';
import { ConfigError, DEFAULT_NET_CONFIG, parseConfig, type NetConfig } from './schema';

const net = (over: Partial<NetConfig>) =>
  parseConfig({ ...DEFAULT_NET_CONFIG, ...over }) as NetConfig;

describe('training options of seed 002: schedules and the validation share', () => {
  it('lrMilestones must increase strictly and cannot be combined with lrStep', () => {
    expect(net({ lrStep: 0, lrMilestones: [60, 120, 160] }).lrMilestones).toEqual([60, 120, 160]);
    expect(() => net({ lrStep: 0, lrMilestones: [60, 60] })).toThrow(
      /lrMilestones: milestones must be strictly increasing/,
    );
    expect(() => net({ lrStep: 50, lrMilestones: [60] })).toThrow(ConfigError);
    expect(() => net({ lrStep: 50, lrMilestones: [60] })).toThrow(/choose one schedule/);
  });

  it('valFraction is the held-out share when valSplit is on, and nothing is held out when it is off', async () => {
    const on = net({
      dataset: 'gaussian',
      gaussClasses: 2,
      perClass: [50],
      valSplit: true,
      valFraction: 0.3,
    });
    expect(prepareOptionsFor(on).valFraction).toBe(0.3);
    const data = await loadNetData(on, () => Promise.reject(new Error('no stored dataset needed')));
    expect(data.val.n).toBe(30);
    expect(data.train.n).toBe(70);
    expect(prepareOptionsFor({ ...on, valSplit: false }).valFraction).toBe(0);
    expect(() => net({ valFraction: 1 })).toThrow(/valFraction/);
    expect(() => net({ valFraction: 0 })).toThrow(/valFraction/);
  });
});
