import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { learningRateAt, Patience, TrainingSchedule, type ScheduleSettings } from './schedule';

beforeAll(async () => {
  await initBackend('cpu');
});

const settings = (over: Partial<ScheduleSettings>): ScheduleSettings => ({
  lr: 0.1,
  lrGamma: 0.1,
  lrStep: 0,
  lrMilestones: [],
  patience: 0,
  ...over,
});

/** An optimiser stand-in that records the rates it is given. */
function recorder(): { setLearningRate(lr: number): void; rates: number[] } {
  const rates: number[] = [];
  return { rates, setLearningRate: (lr) => rates.push(lr) };
}

describe('learning rate per epoch', () => {
  it('StepLR(step 3, γ 0.1): 0.1 for epochs 0–2, 0.01 for 3–5, 0.001 from 6', () => {
    const s = settings({ lrStep: 3 });
    const got = Array.from({ length: 8 }, (_, e) => learningRateAt(s, e));
    const want = [0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001];
    got.forEach((lr, e) => expect(lr, `epoch ${e}`).toBeCloseTo(want[e], 15));
  });

  it('StepLR with step 0 keeps the rate constant', () => {
    const s = settings({ lrStep: 0, lrGamma: 0.5 });
    expect(Array.from({ length: 5 }, (_, e) => learningRateAt(s, e))).toEqual([
      0.1, 0.1, 0.1, 0.1, 0.1,
    ]);
  });

  it('milestones [2, 5] with γ 0.5 halve the rate at epochs 2 and 5, and override StepLR', () => {
    const s = settings({ lr: 0.2, lrGamma: 0.5, lrMilestones: [2, 5], lrStep: 1 });
    expect(Array.from({ length: 7 }, (_, e) => learningRateAt(s, e))).toEqual([
      0.2, 0.2, 0.1, 0.1, 0.1, 0.05, 0.05,
    ]);
  });

  it("the schedule gives the optimiser each epoch's rate once, at the epoch's first step", () => {
    const opt = recorder();
    const schedule = new TrainingSchedule(settings({ lrStep: 2, lrGamma: 0.5, lr: 1 }), opt, {
      n: 9,
      stepsPerEpoch: 3,
      batchSize: () => 3,
    });
    for (let step = 0; step < 12; step++) schedule.beforeStep(step);
    expect(opt.rates).toEqual([1, 1, 0.5, 0.5]);
    expect(schedule.lrAt(5)).toBe(1);
    expect(schedule.lrAt(6)).toBe(0.5);
    schedule.dispose();
  });
});

describe('patience', () => {
  it('patience 2 stops at the second epoch in a row without a new best (a tie is none)', () => {
    const p = new Patience(2);
    const stops = [5, 4, 4, 4.5, 3].map((loss) => p.endEpoch(loss));
    expect(stops).toEqual([false, false, false, true, true]);
    expect(p.stoppedEarly).toBe(true);
  });

  it('a new best resets the count', () => {
    const p = new Patience(2);
    expect([5, 5.1, 4.9, 5, 4.8, 5, 5].map((loss) => p.endEpoch(loss))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
  });

  it('refuses a patience that is not a whole number of epochs ≥ 1', () => {
    expect(() => new Patience(0)).toThrow(/patience must be a whole number of epochs ≥ 1, got 0/);
    expect(() => new Patience(1.5)).toThrow(/got 1.5/);
  });

  it('the schedule weighs each batch by its size: epoch means (4·l₀ + 2·l₁)/6, stop after epoch 1', async () => {
    const before = tf.memory().numTensors;
    const schedule = new TrainingSchedule(settings({ patience: 1 }), recorder(), {
      n: 6,
      stepsPerEpoch: 2,
      batchSize: (b) => [4, 2][b],
    });
    const feed = async (step: number, loss: number) => {
      const terms = tf.tensor1d([loss, loss, 0, 0]);
      await schedule.afterStep(step, terms);
      terms.dispose();
    };
    // epoch 0: (4·1 + 2·4)/6 = 2; epoch 1: (4·2.5 + 2·1)/6 = 2, a tie, so patience 1 runs out.
    await feed(0, 1);
    const mid = await schedule.capture();
    expect(mid).toEqual({ best: null, epochsSinceBest: 0, epochLossSum: 4, stoppedEarly: false });
    await feed(1, 4);
    expect(schedule.stoppedEarly).toBe(false);
    expect(await schedule.capture()).toMatchObject({ best: 2, epochLossSum: null });
    await feed(2, 2.5);
    await feed(3, 1);
    expect(schedule.stoppedEarly).toBe(true);
    // Resumed from the mid-epoch capture, the same second batch ends epoch 0 the same way.
    const resumed = new TrainingSchedule(settings({ patience: 1 }), recorder(), {
      n: 6,
      stepsPerEpoch: 2,
      batchSize: (b) => [4, 2][b],
    });
    resumed.restore(mid, 1);
    const terms = tf.tensor1d([4, 4, 0, 0]);
    await resumed.afterStep(1, terms);
    terms.dispose();
    expect(await resumed.capture()).toEqual({
      best: 2,
      epochsSinceBest: 0,
      epochLossSum: null,
      stoppedEarly: false,
    });
    [schedule, resumed].forEach((s) => s.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });
});
