import * as tf from '@tensorflow/tfjs-core';
import type { ScheduledOptimizer } from './optimizer';
import { foldsDecay, type DecayRates, type Gradients } from './hostMomentum';
import { gradientList } from './hostLoops';

/** tfjs's { name, tensor } pair (tfjs-core's index does not export the type). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/**
 * Parameters with at most this many numbers are updated together, as one vector: on a GPU
 * backend, where every parameter's update is a dozen kernels, and on the host (wasm, cpu), where
 * the update is one loop a parameter (hostAdam.ts, hostMomentum.ts) and a parameter is worth
 * packing only while its call costs more than copying it into the vector and back. Measured on
 * wasm, the four bench networks in one process each, steps interleaved: a host limit of 1 024,
 * 4 096 or 16 384 against 65 536, seed 002's MLP 2.96–3.19 against 3.10–3.33 ms (its two
 * 256 × 256 weights), VGG16 ⅛ 21.4–22.2 against 21.6–22.5 ms, ResNet18 ⅛ and seed 000's the same.
 */
export const PACK_LIMIT = 65_536;
export const HOST_PACK_LIMIT = 4_096;

interface Entry {
  name: string;
  shape: number[];
  size: number;
  /** where a packed parameter starts in the packed vector; −1 for one updated on its own */
  offset: number;
}

let packedCount = 0;

/**
 * tfjs's optimisers run their own kernels for every parameter (Adam 14, momentum 4, SGD 2, and
 * 2 more for coupled weight decay), each with ~5–10 µs of bookkeeping whatever its size:
 * ResNet18 ⅛'s 66 parameters (185 k numbers) took 9.5 ms of Adam a step on wasm. This wrapper
 * hands the inner (tfjs) optimiser the small parameters as one vector: their gradients and
 * values concatenated, updated as one variable, split back into the parameters. The updates are
 * element-wise, so every number is the inner optimiser's to the last bit; larger parameters,
 * where a concatenation would cost more than it saves, go through on their own.
 *
 * The state reads as the inner optimiser's would without packing (`${name}/m`, `/v` or
 * `/momentum` per parameter, in the order of the first gradients), so checkpoints are the same.
 * `coupledDecay` adds torch's coupled L2 (g ← g + wd·p) to every gradient, as the trainer did.
 */
export class PackedOptimizer extends tf.Optimizer {
  private entries: Entry[] | null = null;
  private packed: tf.Variable | null = null;
  /** The entries came from a restored state: their names are the saved run's variables'. */
  private namesFromState = false;
  /** The packed parameters' data as the last unpack left them (their values are in `packed`). */
  private unpackedIds: object[] = [];

  private readonly limit: number;

  constructor(
    readonly inner: ScheduledOptimizer,
    private readonly coupledDecay = 0,
    /** the largest parameter packed; by default HOST_PACK_LIMIT on the host, else PACK_LIMIT */
    limit?: number,
    /** pack on the host (wasm, cpu) or with tensor ops (a GPU backend) */
    private readonly host = HOST_BACKENDS.has(tf.getBackend()),
  ) {
    super();
    this.limit = limit ?? (host ? HOST_PACK_LIMIT : PACK_LIMIT);
  }

  /** tfjs's Optimizer answers `instanceof` by duck typing; this class by its prototype chain. */
  static override [Symbol.hasInstance](instance: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, instance);
  }

  static get className(): string {
    return 'PackedOptimizer';
  }

  setLearningRate(lr: number): void {
    this.inner.setLearningRate(lr);
  }

  /** Adam's running β powers, where the inner optimiser keeps them (optimizerState.ts reads them). */
  get accBeta1(): tf.Variable | undefined {
    return (this.inner as unknown as { accBeta1?: tf.Variable }).accBeta1;
  }

  get accBeta2(): tf.Variable | undefined {
    return (this.inner as unknown as { accBeta2?: tf.Variable }).accBeta2;
  }

  /** One update with torch's coupled L2 (the constructor's `coupledDecay`) on every parameter. */
  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const list = gradientList(variableGradients);
    const rates = Object.fromEntries(list.map((g) => [g.name, this.coupledDecay]));
    this.applyWithDecay(list, rates);
  }

  /**
   * One update with coupled decay g + λ·p for the parameters `decay` names (instead of the
   * constructor's `coupledDecay`; a parameter it does not name gets none): sepDecay's decay of
   * the head weights, added here rather than differentiated through λ/2·‖W‖² (the same numbers:
   * autodiff's (λ/2)·(2W) is λ·W rounded once, as here).
   */
  applyWithDecay(variableGradients: Gradients, decay: DecayRates): void {
    const list = gradientList(variableGradients);
    const entries = this.layout(list.map((g) => g.name));
    tf.tidy(() => {
      // an inner optimiser with its own update loop adds the decay there (the same numbers)
      const folds = foldsDecay(this.inner);
      const rateOf = (name: string) => decay[name] ?? 0;
      const withDecay = (p: tf.Tensor, g: tf.Tensor, rate: number) =>
        rate > 0 ? tf.add(g, tf.mul(p, rate)) : g;
      const grads: NamedTensor[] = [];
      // only the parameters that decay: the inner loops take a named rate of 0 as a decay
      const rates: DecayRates = {};
      const small: Entry[] = [];
      const smallGrads: tf.Tensor[] = [];
      entries.forEach((e, i) => {
        if (e.offset >= 0) {
          small.push(e);
          smallGrads.push(list[i].tensor);
        } else if (folds) {
          grads.push({ name: e.name, tensor: list[i].tensor });
          if (rateOf(e.name) > 0) rates[e.name] = rateOf(e.name);
        } else {
          const p = variableNamed(e.name);
          grads.push({ name: e.name, tensor: withDecay(p, list[i].tensor, rateOf(e.name)) });
        }
      });
      const packed = this.packed;
      if (packed) {
        const params = small.map((e) => variableNamed(e.name));
        // the packed vector already holds them unless something assigned one since (a restore)
        if (params.some((p, i) => p.dataId !== this.unpackedIds[i])) {
          packed.assign(pack(params, this.host));
        }
        // one rate for the vector when its parameters share one, else each decayed before packing
        const shared = small.every((e) => rateOf(e.name) === rateOf(small[0].name));
        const rate = shared && small.length ? rateOf(small[0].name) : 0;
        const own = shared
          ? smallGrads
          : smallGrads.map((g, i) => withDecay(params[i], g, rateOf(small[i].name)));
        const g = pack(own, this.host);
        grads.push({ name: packed.name, tensor: folds ? g : withDecay(packed, g, rate) });
        if (rate > 0) rates[packed.name] = rate;
      }
      if (folds) this.inner.applyWithDecay(grads, rates);
      else this.inner.applyGradients(grads);
      if (packed) {
        unpack(packed, small, this.host);
        this.unpackedIds = small.map((e) => variableNamed(e.name).dataId);
      }
    });
  }

  /** The inner optimiser's count (the one its state saves). */
  override get iterations(): number {
    return this.inner.iterations;
  }

  /** Which parameters are packed, fixed by the first call (or by a restored state). */
  private layout(names: string[]): Entry[] {
    if (this.entries) {
      const entries = this.entries;
      const sameSizes = names.every((n, i) => variableNamed(n).size === entries[i]?.size);
      if (names.length !== entries.length || !sameSizes)
        throw new Error('optimizer: the parameters changed between steps');
      // a restored state names the variables of the run it was saved from: adopt this run's
      if (this.namesFromState) entries.forEach((e, i) => (e.name = names[i]));
      else if (names.some((n, i) => n !== entries[i].name))
        throw new Error('optimizer: the parameters changed between steps');
      this.namesFromState = false;
      return entries;
    }
    return this.plan(names.map((name) => ({ name, shape: [...variableNamed(name).shape] })));
  }

  /** Which parameters are packed (size ≤ limit) and where, for parameters in this order. */
  private plan(params: { name: string; shape: number[] }[]): Entry[] {
    let offset = 0;
    this.entries = params.map(({ name, shape }) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const small = size <= this.limit;
      const e = { name, shape, size, offset: small ? offset : -1 };
      if (small) offset += size;
      return e;
    });
    if (offset > 0) {
      // in a tidy of its own: a first update or a restore outside one left the zeros behind
      const name = `packed-parameters-${++packedCount}`;
      this.packed = tf.tidy(() => tf.variable(tf.zeros([offset]), false, name));
    }
    return this.entries;
  }

  /** The inner optimiser's slots, unpacked into one per parameter, named and ordered as tfjs's. */
  override async getWeights(): Promise<NamedTensor[]> {
    const [iter, ...slots] = await this.inner.getWeights();
    const entries = this.entries;
    if (!entries || slots.length === 0) return [iter, ...slots];
    const own = entries.filter((e) => e.offset < 0);
    const perGroup = own.length + (this.packed ? 1 : 0);
    const out: NamedTensor[] = [iter];
    for (let g = 0; g < slots.length / perGroup; g++) {
      const group = slots.slice(g * perGroup, (g + 1) * perGroup);
      const suffix = group[0].name.slice(group[0].name.lastIndexOf('/'));
      const packed = this.packed ? group[group.length - 1].tensor : null;
      for (const e of entries) {
        const tensor =
          e.offset < 0
            ? tf.clone(group[own.indexOf(e)].tensor)
            : tf.tidy(() => tf.reshape(tf.slice(packed as tf.Tensor, e.offset, e.size), e.shape));
        out.push({ name: `${e.name}${suffix}`, tensor });
      }
    }
    return out;
  }

  /** Put back what getWeights gave (or what the unpacked inner optimiser's getWeights gives). */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const [iter, ...slots] = weightValues;
    if (slots.length === 0) return this.inner.setWeights([iter]);
    const suffix = (n: string) => n.slice(n.lastIndexOf('/'));
    const first = suffix(slots[0].name);
    // tfjs matches slots to parameters by position; the names are those of the saved run
    const params = slots
      .filter((w) => suffix(w.name) === first)
      .map((w) => ({ name: w.name.slice(0, -first.length), shape: [...w.tensor.shape] }));
    const entries = this.entries ?? this.plan(params);
    if (params.length !== entries.length || slots.length % entries.length !== 0) {
      throw new Error(
        `optimizer state: saved for ${params.length} parameter${params.length === 1 ? '' : 's'}, this network has ${entries.length}`,
      );
    }
    this.namesFromState = true;
    const groups = slots.length / entries.length;
    const inner: NamedTensor[] = [iter];
    const made: tf.Tensor[] = [];
    for (let g = 0; g < groups; g++) {
      const group = slots.slice(g * entries.length, (g + 1) * entries.length);
      entries.forEach((e, i) => {
        if (e.offset < 0) inner.push(group[i]);
      });
      if (this.packed) {
        const small = entries.flatMap((e, i) => (e.offset >= 0 ? [group[i].tensor] : []));
        const tensor = tf.tidy(() => tf.concat(small.map((t) => tf.reshape(t, [-1]))));
        made.push(tensor);
        inner.push({ name: `${this.packed.name}${suffix(group[0].name)}`, tensor });
      }
    }
    try {
      await this.inner.setWeights(inner);
    } finally {
      tf.dispose(made);
    }
  }

  getConfig(): tf.serialization.ConfigDict {
    return { coupledDecay: this.coupledDecay, limit: this.limit };
  }

  override dispose(): void {
    this.inner.dispose();
    this.packed?.dispose();
    this.packed = null;
  }
}

/**
 * Backends whose tensors live in the page's memory: there the packing is done on the host (a
 * read is a copy), since wasm's Slice reads its whole source on every call (splitting a vector
 * into 58 parts took longer than the updates it saved) and its Concat and Reshape are kernels
 * with ~9 µs of bookkeeping each.
 */
const HOST_BACKENDS = new Set(['wasm', 'cpu']);

/** The tensors' numbers end to end, as one vector. Call inside tf.tidy. */
function pack(tensors: tf.Tensor[], host: boolean): tf.Tensor1D {
  if (!host) return tf.concat(tensors.map((t) => tf.reshape(t, [-1]))) as tf.Tensor1D;
  const size = tensors.reduce((a, t) => a + t.size, 0);
  const out = new Float32Array(size);
  let offset = 0;
  for (const t of tensors) {
    out.set(t.dataSync() as Float32Array, offset);
    offset += t.size;
  }
  return tf.tensor1d(out);
}

/** The packed vector's parts back into their parameters. Call inside tf.tidy. */
function unpack(packed: tf.Variable, entries: Entry[], host: boolean): void {
  if (!host) {
    const parts = tf.split(
      packed,
      entries.map((e) => e.size),
    );
    entries.forEach((e, i) => variableNamed(e.name).assign(tf.reshape(parts[i], e.shape)));
    return;
  }
  const values = packed.dataSync() as Float32Array;
  // copies: the cpu backend keeps the array a tensor is made from (here, the packed one's)
  for (const e of entries) {
    variableNamed(e.name).assign(tf.tensor(values.slice(e.offset, e.offset + e.size), e.shape));
  }
}

/** The registered variable an optimiser's gradient names (hostMomentum.ts uses it too). */
export function variableNamed(name: string): tf.Variable {
  const v = tf.engine().registeredVariables[name];
  if (!v) throw new Error(`optimizer: no variable named ${name}`);
  return v;
}
