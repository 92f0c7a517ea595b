import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { createRng } from './rng';
import { disposeOptimizer, createOptimizer, type OptimizerSettings } from './optimizer';
import { HOST_PACK_LIMIT, PACK_LIMIT, PackedOptimizer } from './packedOptimizer';
import { captureOptimizer, restoreOptimizer, type OptimizerState } from './state/optimizerState';
import type { FoldsDecay } from './hostMomentum';

const base = { lr: 0.05, momentum: 0, adamBeta1: 0.9, adamBeta2: 0.999, adamEpsilon: 1e-8 };
const SETTINGS: Record<string, OptimizerSettings> = {
  sgd: { ...base, optimizer: 'sgd' },
  momentum: { ...base, optimizer: 'sgd', momentum: 0.9 },
  adam: { ...base, optimizer: 'adam', lr: 1e-3 },
};
/** With a packing limit of 12: two parameters packed together, two updated on their own. */
const SHAPES = [[7, 5], [5], [3, 2, 2], [2, 2]];
const LIMIT = 12;
const WD = 5e-3;

/**
 * `steps` updates of four seeded variables with seeded gradients, the learning rate changed
 * halfway, one small variable halved from outside before step 2, torch's coupled L2 on: by tfjs's optimiser with the decay added to each gradient
 * as the trainer used to (packed = false), or by the packed one. Optionally the optimiser's
 * state is taken at `handOver` and put into a fresh optimiser of the other kind.
 */
async function train(
  kind: string,
  packed: boolean,
  steps: number,
  handOver?: number,
  hostPacking?: boolean,
) {
  const rng = createRng(`packed-${kind}`);
  const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal(0, 1));
  // the same names in every run (each run disposes its variables), so states compare whole
  const vars = SHAPES.map((s, i) =>
    tf.variable(tf.tensor(normal(s.reduce((a, b) => a * b, 1)), s), true, `packed-${kind}-${i}`),
  );
  const make = (p: boolean) =>
    p
      ? new PackedOptimizer(createOptimizer(SETTINGS[kind]), WD, LIMIT, hostPacking)
      : createOptimizer(SETTINGS[kind]);
  let opt = make(packed);
  let state: OptimizerState | null = null;
  try {
    for (let t = 0; t < steps; t++) {
      if (t === handOver) {
        state = await captureOptimizer(opt);
        disposeOptimizer(opt);
        opt = make(!packed);
        await restoreOptimizer(opt, JSON.parse(JSON.stringify(state)) as OptimizerState);
      }
      if (t >= steps / 2) opt.setLearningRate(SETTINGS[kind].lr * 0.3);
      // a packed parameter changed from outside between steps (a restore does that): the
      // optimiser must update the new value, not the one it packed last
      if (t === 2) tf.tidy(() => vars[1].assign(tf.mul(vars[1], 0.5)));
      const isPacked = opt instanceof PackedOptimizer;
      tf.tidy(() =>
        opt.applyGradients(
          vars.map((v) => {
            const g = tf.tensor(normal(v.size), v.shape);
            return { name: v.name, tensor: isPacked ? g : tf.add(g, tf.mul(v, WD)) };
          }),
        ),
      );
    }
    const values = await Promise.all(vars.map(async (v) => Array.from(await v.data())));
    return { values, state };
  } finally {
    disposeOptimizer(opt);
    tf.dispose(vars);
  }
}

describe('PackedOptimizer: small parameters updated as one vector', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const kind of Object.keys(SETTINGS)) {
      it(`${kind} on ${backend}: every value tfjs's optimiser gives, to the last bit`, async () => {
        await initBackend(backend);
        const left = async (packed: boolean) => {
          const before = tf.memory().numTensors;
          const r = await train(kind, packed, 6);
          return { ...r, left: tf.memory().numTensors - before };
        };
        const want = await left(false);
        const got = await left(true);
        expect(got.values).toEqual(want.values);
        // no tensor left behind beyond what tfjs's own optimiser leaves (its constant scalars)
        expect(got.left).toBe(want.left);
      });
    }
  }

  for (const kind of Object.keys(SETTINGS)) {
    it(`${kind}, packed with tensor ops (a GPU backend's way): the same values`, async () => {
      await initBackend('cpu');
      const want = await train(kind, false, 6);
      const got = await train(kind, true, 6, undefined, false);
      expect(got.values).toEqual(want.values);
    });
  }

  for (const kind of Object.keys(SETTINGS)) {
    it(`${kind}: its state reads as tfjs's (names, order, values), both ways`, async () => {
      await initBackend('wasm');
      const straight = await train(kind, false, 6);
      // taken from tfjs's optimiser, continued by the packed one, and the other way round
      const fromPlain = await train(kind, false, 6, 3);
      const fromPacked = await train(kind, true, 6, 3);
      expect(fromPlain.values).toEqual(straight.values);
      expect(fromPacked.values).toEqual(straight.values);
      expect(fromPacked.state?.slots.map((s) => s.name)).toEqual(
        fromPlain.state?.slots.map((s) => s.name),
      );
      expect(fromPacked.state).toEqual(fromPlain.state);
    });
  }

  /**
   * sepDecay's update: decay on some parameters only, one of the packed two among them (their
   * vector cannot take one rate), against tfjs's optimiser given g + λ·p for those.
   */
  async function decayOnSome(kind: string, packed: boolean, hostPacking?: boolean, decay = true) {
    const rng = createRng(`decay-some-${kind}`);
    const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal(0, 1));
    const vars = SHAPES.map((s, i) =>
      tf.variable(tf.tensor(normal(s.reduce((a, b) => a * b, 1)), s), true, `some-${kind}-${i}`),
    );
    // the big [7, 5] and the packed [5] decay; [3, 2, 2] and the packed [2, 2] do not
    const rates: Record<string, number> = decay
      ? { [vars[0].name]: WD, [vars[1].name]: 2 * WD }
      : {};
    const opt = packed
      ? new PackedOptimizer(createOptimizer(SETTINGS[kind]), 0, LIMIT, hostPacking)
      : createOptimizer(SETTINGS[kind]);
    try {
      for (let t = 0; t < 4; t++) {
        tf.tidy(() => {
          const grads = vars.map((v) => {
            const g = tf.tensor(normal(v.size), v.shape);
            const rate = rates[v.name] ?? 0;
            return { name: v.name, tensor: packed || !rate ? g : tf.add(g, tf.mul(v, rate)) };
          });
          if (opt instanceof PackedOptimizer) opt.applyWithDecay(grads, rates);
          else opt.applyGradients(grads);
        });
      }
      return await Promise.all(vars.map(async (v) => Array.from(await v.data())));
    } finally {
      disposeOptimizer(opt);
      tf.dispose(vars);
    }
  }

  for (const backend of ['cpu', 'wasm'] as const) {
    for (const kind of Object.keys(SETTINGS)) {
      it(`${kind} on ${backend}, decay on some parameters only (sepDecay): tfjs's values to the last bit`, async () => {
        await initBackend(backend);
        const want = await decayOnSome(kind, false);
        expect(await decayOnSome(kind, true)).toEqual(want);
        expect(await decayOnSome(kind, true, false)).toEqual(want);
        // and the decay did something: without it the decayed parameters end elsewhere
        const none = await decayOnSome(kind, false, undefined, false);
        expect(want[0]).not.toEqual(none[0]);
        expect(want[1]).not.toEqual(none[1]);
        expect(want[3]).toEqual(none[3]);
      });
    }
  }

  it("a first update outside any tidy leaves nothing behind but what tfjs's optimiser keeps", async () => {
    await initBackend('cpu');
    const v = tf.variable(tf.ones([3]), true, 'outside-tidy');
    const left = (packed: boolean) => {
      const before = tf.memory().numTensors;
      const opt = packed
        ? new PackedOptimizer(createOptimizer(SETTINGS.adam), 0, LIMIT)
        : createOptimizer(SETTINGS.adam);
      const g = tf.onesLike(v);
      opt.applyGradients([{ name: v.name, tensor: g }]);
      g.dispose();
      disposeOptimizer(opt);
      return tf.memory().numTensors - before;
    };
    try {
      expect(left(true)).toBe(left(false));
    } finally {
      v.dispose();
    }
  });

  it('packs up to HOST_PACK_LIMIT numbers on the host and PACK_LIMIT with tensor ops, unless told', () => {
    const limit = (o: PackedOptimizer) => o.getConfig().limit;
    const make = (host: boolean, given?: number) =>
      new PackedOptimizer(createOptimizer(SETTINGS.sgd), 0, given, host);
    const made = [make(true), make(false), make(true, 7)];
    try {
      expect(made.map(limit)).toEqual([HOST_PACK_LIMIT, PACK_LIMIT, 7]);
      expect(HOST_PACK_LIMIT).toBeLessThan(PACK_LIMIT);
    } finally {
      made.forEach(disposeOptimizer);
    }
  });

  it('names only the decaying parameters to the inner update loop (a named 0 runs the decay loop, g + 0·p)', async () => {
    await initBackend('wasm');
    const vars = SHAPES.map((s, i) => tf.variable(tf.ones(s), true, `named-rates-${i}`));
    const inner = createOptimizer(SETTINGS.momentum);
    const seen: Record<string, number>[] = [];
    const original = (inner as unknown as FoldsDecay).applyWithDecay.bind(inner);
    (inner as unknown as FoldsDecay).applyWithDecay = (grads, rates) => {
      seen.push({ ...rates });
      original(grads, rates);
    };
    const opt = new PackedOptimizer(inner, 0, LIMIT);
    try {
      const grads = () => vars.map((v) => ({ name: v.name, tensor: tf.onesLike(v) }));
      tf.tidy(() => opt.applyWithDecay(grads(), { [vars[0].name]: WD }));
      tf.tidy(() => opt.applyGradients(grads()));
      // the big [7, 5] decays; the others, packed or not, are not named
      expect(seen).toEqual([{ [vars[0].name]: WD }, {}]);
    } finally {
      disposeOptimizer(opt);
      tf.dispose(vars);
    }
  });

  it('refuses a saved state whose slots do not fit the network, with a message saying so', async () => {
    await initBackend('cpu');
    const vars = [
      tf.variable(tf.ones([3]), true, 'fit-a'),
      tf.variable(tf.ones([2, 2]), true, 'fit-b'),
    ];
    const opt = new PackedOptimizer(createOptimizer(SETTINGS.adam), 0, LIMIT);
    try {
      tf.tidy(() =>
        opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: tf.onesLike(v) }))),
      );
      const m = { name: 'other/m', tensor: tf.ones([3]) };
      const v = { name: 'other/v', tensor: tf.ones([3]) };
      const iter = { name: 'iter', tensor: tf.scalar(1, 'int32') };
      await expect(opt.setWeights([iter, m, v])).rejects.toThrow(
        'optimizer state: saved for 1 parameter, this network has 2',
      );
      tf.dispose([m.tensor, v.tensor, iter.tensor]);
    } finally {
      disposeOptimizer(opt);
      tf.dispose(vars);
    }
  });
});
