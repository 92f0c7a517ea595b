import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import { ExperimentRunner, runExperiment } from './runner';
import type { RunStatus } from '../session/types';
import { expectUfm } from '../config/schema';
import { decodeFloat32 } from '../core/state/arrays';
import type { UfmSessionState } from '../session/checkpoint';
import { adamReference } from '../testing/ufmAdamReference';
import { randomInit } from '../ufm/initState';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('wasm');
});

/** Poll until `done()` or fail after `ms` naming what was awaited (a wait that hangs proves nothing). */
async function waitFor(what: string, done: () => boolean, ms = 10_000): Promise<void> {
  const until = performance.now() + ms;
  while (!done()) {
    if (performance.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Largest deviation from a float64 reference, relative to the reference's largest entry. */
function expectClose(got: Float32Array, want: Float64Array, tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    worst = Math.max(worst, Math.abs(got[i] - want[i]));
  }
  expect(scale, `${what}: the reference is all zeros`).toBeGreaterThan(0);
  expect(worst / scale, what).toBeLessThan(tol);
}

const tiny = (over: Record<string, unknown> = {}) =>
  resolveConfig({ preset: 'tiny-check', ...over });

describe('experiment runner', () => {
  it('the same config, seed and backend give bit-identical histories', async () => {
    const a = await runExperiment(tiny({ steps: 60 }), backend);
    const b = await runExperiment(tiny({ steps: 60 }), backend);
    expect(a.history.length).toBe(4); // steps 0, 20, 40, 60
    expect(b.history).toEqual(a.history);
    const c = await runExperiment(tiny({ steps: 60, seed: 3 }), backend);
    expect(c.history[1].metrics.loss).not.toBe(a.history[1].metrics.loss);
  });

  it('collapse happens: loss approaches the closed-form minimum and NC1 falls by orders of magnitude', async () => {
    const r = await runExperiment(tiny({ steps: 300 }), backend);
    expect(r.status).toBe('completed');
    const first = r.history[0].metrics;
    const last = r.final!.metrics;
    expect(Number(last.nc1_pinv)).toBeLessThan(1e-3 * Number(first.nc1_pinv));
    expect(Number(last.loss)).toBeGreaterThanOrEqual(r.theory!.lossMin * (1 - 1e-6));
    expect((Number(last.loss) - r.theory!.lossMin) / r.theory!.lossMin).toBeLessThan(0.02);
    expect(last.net_accuracy_train).toBe(1);
  });

  it('pause holds the step, single step advances by one, resume and stop end the run', async () => {
    const statuses: RunStatus[] = [];
    const runner: ExperimentRunner = await ExperimentRunner.create(
      tiny({ steps: 100_000, reportEvery: 5 }),
      backend,
      {},
      {
        onStatus: (s) => statuses.push(s),
        onReport: (r) => {
          if (r.step === 10) runner.pause();
        },
      },
    );
    const done = runner.run();
    await waitFor('the pause at step 10', () => runner.status === 'paused');
    const held = runner.step;
    await new Promise((r) => setTimeout(r, 100));
    expect(runner.step).toBe(held);
    await runner.stepOnce();
    expect(runner.step).toBe(held + 1);
    expect(runner.lastReport?.step).toBe(held + 1);
    runner.resume();
    await waitFor(`step ${held + 20} after resuming`, () => runner.step >= held + 20);
    runner.stop();
    const result = await done;
    expect(result.status).toBe('stopped');
    expect(result.history.length).toBeGreaterThan(3);
    expect(statuses).toEqual(expect.arrayContaining(['running', 'paused', 'stopped']));
    runner.dispose();
  });

  it('pauseAt stops the run exactly at that step, between reports, and reports the state there', async () => {
    const runner = await ExperimentRunner.create(
      tiny({ steps: 100_000, reportEvery: 50 }),
      backend,
    );
    runner.pauseAt(137);
    const done = runner.run();
    await waitFor('the pause at step 137', () => runner.status === 'paused');
    expect(runner.status).toBe('paused');
    expect(runner.step).toBe(137);
    expect(runner.lastReport?.step).toBe(137);
    expect(runner.history.map((h) => h.step)).toEqual([0, 50, 100, 137]);
    // used once: resuming runs on past it
    runner.resume();
    await waitFor('step 160 after resuming', () => runner.step >= 160);
    expect(runner.step).toBeGreaterThanOrEqual(160);
    runner.stop();
    expect((await done).status).toBe('stopped');
    runner.dispose();
  });

  it('a diverging run stops with a message that says so and keeps its history', async () => {
    const r = await runExperiment(
      tiny({ lr: 10, momentum: 0.99, steps: 2000, reportEvery: 5 }),
      backend,
    );
    expect(r.status).toBe('diverged');
    expect(r.message).toMatch(/diverged.*step \d+/);
    expect(r.history.length).toBeGreaterThan(0);
    expect(r.history[0].step).toBe(0);
    expect(r.breakdown!.step).toBeGreaterThan(r.breakdown!.lastFiniteStep);
    expect(r.final!.step).toBe(r.breakdown!.lastFiniteStep);
  });

  it('a run that diverges before its first report records its last finite state and the step it broke', async () => {
    // ?preset=tiny-check&lr=10: the loss is NaN within a few steps, long before report 20.
    const r = await runExperiment(tiny({ lr: 10 }), backend);
    expect(r.status).toBe('diverged');
    const breakdown = r.breakdown!;
    expect(breakdown.lastFiniteStep).toBeGreaterThan(0);
    expect(breakdown.step).toBe(breakdown.lastFiniteStep + 1);
    expect(r.history.map((h) => h.step)).toEqual([0, breakdown.lastFiniteStep]);
    expect(r.final!.step).toBe(breakdown.lastFiniteStep);
    const lastLoss = Number(r.final!.metrics.loss);
    expect(Number.isFinite(lastLoss)).toBe(true);
    expect(lastLoss).not.toBe(r.history[0].metrics.loss);
    expect(breakdown.lastFiniteLoss).toBe(lastLoss);
    expect(r.message).toContain(`diverged at step ${breakdown.step}`);
    expect(r.message).toContain(`step ${breakdown.lastFiniteStep}`);
    // The kept state is the run's own: the same run stopped there by its length ends identically.
    const upTo = await runExperiment(tiny({ lr: 10, steps: breakdown.lastFiniteStep }), backend);
    expect(upTo.status).toBe('completed');
    expect(upTo.final!.metrics.loss).toBe(lastLoss);
  });

  it('the live tensor count stays flat over a long run (no leak)', async () => {
    const counts = new Set<number>();
    await runExperiment(tiny({ steps: 2000, reportEvery: 100 }), backend, {
      events: { onReport: (r) => r.step > 0 && counts.add(r.numTensors) },
    });
    expect([...counts]).toHaveLength(1);
  });

  it('two Adam steps match the same two steps computed by hand in float64 (gradients, moments, bias correction)', async () => {
    const config = expectUfm(tiny({ optimizer: 'adam', lr: 0.01, depth: 1, bias: true }));
    const runner = await ExperimentRunner.create(config, backend);
    const states: UfmSessionState[] = [];
    const take = async () => {
      const c = await runner.checkpoint();
      if (c?.state.kind !== 'ufm') throw new Error('a UFM run must give a UFM checkpoint');
      states.push(c.state);
    };
    await take();
    await runner.stepOnce();
    await take();
    await runner.stepOnce();
    await take();
    runner.dispose();

    const { labels } = randomInit(config); // the run's labels: the same seeded draw
    const reference = adamReference(config, states[0], labels, 2);
    for (const t of [1, 2]) {
      const got = states[t];
      const want = reference[t - 1];
      expect(got.optimizer.iterations, `iterations after step ${t}`).toBe(t);
      const params = [
        ['H', got.H, want.params.H],
        ['W', got.layers[0], want.params.W],
        ['b', got.bias!, want.params.b],
      ] as const;
      for (const [name, enc, ref] of params)
        expectClose(decodeFloat32(enc, name), ref, 1e-6, `${name} after step ${t}`);
      // tfjs keeps Adam's first moments of [H, W, b], then the second moments, in that order.
      const slots = got.optimizer.slots.map((s) => decodeFloat32(s.value, s.name));
      const moments = [...want.m, ...want.v];
      expect(slots.length).toBe(moments.length);
      slots.forEach((slot, i) =>
        expectClose(slot, moments[i], 1e-5, `moment ${i} after step ${t}`),
      );
    }
  });

  it('an abort signal stops a run', async () => {
    const controller = new AbortController();
    const p = runExperiment(tiny({ steps: 1_000_000, reportEvery: 10 }), backend, {
      signal: controller.signal,
      events: { onReport: (rep) => rep.step >= 30 && controller.abort() },
    });
    expect((await p).status).toBe('stopped');
  });
});
