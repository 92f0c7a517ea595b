// Grid specs: validation messages, range axes, the cross product and its deterministic ids.
import { describe, expect, it } from 'vitest';
import { axisValues, expandGrid, gridShape, parseGridSpec, type GridSpec } from './spec';

const gauss = {
  experiment: 'net',
  dataset: 'gaussian',
  perClass: [20],
  model: 'mlp',
  width: 8,
  depthRelu: 1,
  epochs: 2,
};

describe('grid spec', () => {
  it('2 fields × 2 values × 2 seeds expands to the 8 configs of the cross product, seeds fastest', () => {
    const grid = expandGrid({
      base: gauss,
      axes: [
        { field: 'depthLinear', values: [1, 3] },
        { field: 'lr', values: [0.01, 0.001] },
      ],
      seeds: [1, 2],
    });
    expect(grid.members).toHaveLength(8);
    expect(grid.members.map((m) => m.id)).toEqual([
      'depthLinear=1,lr=0.01,seed=1',
      'depthLinear=1,lr=0.01,seed=2',
      'depthLinear=1,lr=0.001,seed=1',
      'depthLinear=1,lr=0.001,seed=2',
      'depthLinear=3,lr=0.01,seed=1',
      'depthLinear=3,lr=0.01,seed=2',
      'depthLinear=3,lr=0.001,seed=1',
      'depthLinear=3,lr=0.001,seed=2',
    ]);
    const triples = grid.members.map((m) => {
      if (m.config.experiment !== 'net') throw new Error('expected net');
      return [m.config.depthLinear, m.config.lr, m.config.seed, m.config.width];
    });
    expect(triples).toContainEqual([3, 0.001, 2, 8]);
    expect(new Set(triples.map((t) => t.join())).size).toBe(8);
    expect(grid.members.map((m) => m.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // The same spec always gives the same ids (a reload or a shard finds its members again).
    expect(expandGrid(grid.spec).members.map((m) => m.id)).toEqual(grid.members.map((m) => m.id));
  });

  it('a preset as base, and the default seed is the base config’s', () => {
    const grid = expandGrid({
      base: { preset: 'tiny-check' },
      axes: [{ field: 'depth', values: [1, 2] }],
    });
    expect(grid.members.map((m) => m.id)).toEqual([
      `depth=1,seed=${grid.base.seed}`,
      `depth=2,seed=${grid.base.seed}`,
    ]);
  });

  it('ranges: a linear step and a log step (a decade per step), float noise rounded away', () => {
    expect(axisValues({ field: 'labelNoise', range: { from: 0, to: 0.5, step: 0.1 } })).toEqual([
      0, 0.1, 0.2, 0.3, 0.4, 0.5,
    ]);
    expect(axisValues({ field: 'lr', range: { from: 1e-4, to: 1e-1, logStep: 1 } })).toEqual([
      1e-4, 1e-3, 1e-2, 1e-1,
    ]);
    expect(axisValues({ field: 'lr', range: { from: 0.01, to: 0.1, logStep: 0.5 } })).toEqual([
      0.01, 0.0316227766017, 0.1,
    ]);
  });

  it('names the bad axis and value: out of range, wrong type, unknown field, seed as an axis', () => {
    const bad = (axes: GridSpec['axes']) => () => expandGrid({ base: gauss, axes });
    expect(bad([{ field: 'depthLinear', values: [1, 40] }])).toThrow(
      /axis depthLinear, value 40: depthLinear:/,
    );
    expect(bad([{ field: 'loss', values: ['ce', 'hinge'] }])).toThrow(/axis loss, value hinge/);
    expect(bad([{ field: 'depht', values: [1] }])).toThrow(/axis depht: not a field of a net/);
    expect(bad([{ field: 'seed', values: [1, 2] }])).toThrow(/list seeds in "seeds"/);
    expect(bad([{ field: 'lr', range: { from: 1, to: 0.1, step: 0.1 } }])).toThrow(
      /axis lr: range goes from 1 down to 0.1/,
    );
    expect(bad([{ field: 'lr', values: [0.1, 0.1] }])).toThrow(/value 0.1 is listed twice/);
    expect(() => parseGridSpec({ base: gauss, axes: [{ field: 'lr', values: [] }] })).toThrow(
      /axes\.0\.values: needs at least one value/,
    );
    expect(() => parseGridSpec({ base: gauss, axes: [], colour: 'red' })).toThrow(/colour/);
    expect(() => expandGrid({ base: { ...gauss, width: -1 }, axes: [] })).toThrow(
      /grid base: .*width/,
    );
  });

  it("says in words what a spec lacks or has the wrong kind of, not in zod's text", () => {
    const text = (raw: unknown) => {
      try {
        parseGridSpec(raw);
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(text(null)).toBe('invalid grid: (grid): must be an object');
    expect(text({})).toBe('invalid grid: base: is missing; axes: is missing');
    expect(text({ base: 3, axes: {} })).toBe(
      'invalid grid: base: must be an object or text; axes: must be a list',
    );
    expect(text({ base: gauss, axes: [], colour: 'red', size: 2 })).toBe(
      'invalid grid: (grid): unknown keys "colour", "size"',
    );
    expect(text({ base: gauss, axes: [], seeds: 'one' })).toBe(
      'invalid grid: seeds: must be a list of numbers',
    );
  });

  it('a member invalid only in combination is named by its id', () => {
    // Each value is fine alone; a twin with the run's own loss is not.
    expect(() =>
      expandGrid({
        base: gauss,
        axes: [
          { field: 'loss', values: ['mse', 'ce'] },
          { field: 'pairWith', values: ['ce', 'ls'] },
        ],
      }),
    ).toThrow(/member loss=ce,pairWith=ce,seed=1: pairWith: the twin must use another loss/);
  });

  it('counts before expanding and refuses above the limit, saying how to go on', () => {
    const spec = {
      base: gauss,
      axes: [
        { field: 'lr', range: { from: 0.001, to: 0.5, step: 0.001 } },
        { field: 'width', range: { from: 1, to: 400, step: 1 } },
      ],
      seeds: [1, 2, 3],
    };
    expect(gridShape(parseGridSpec(spec)).count).toBe(500 * 400 * 3);
    expect(() => expandGrid(spec)).toThrow(
      /600000 members, more than its limit of 200: .*raise maxMembers \(at most 5000\)/,
    );
    expect(() =>
      expandGrid({ base: gauss, axes: [{ field: 'width', values: [4, 8, 16] }], maxMembers: 2 }),
    ).toThrow(/3 members, more than its limit of 2/);
  });
});
