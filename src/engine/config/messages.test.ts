import { describe, expect, it } from 'vitest';
import { draftToConfig, configToDraft } from '../../app/formModel';
import { findPreset } from './presets';
import { resolveConfig } from './resolve';
import {
  ConfigError,
  DEFAULT_NET_CONFIG,
  DEFAULT_UFM_CONFIG,
  INT_FIELDS,
  parseConfig,
} from './schema';
import { parseQuery } from './url';

function issues(raw: unknown): Record<string, string> {
  try {
    parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError)
      return Object.fromEntries(e.issues.map((i) => [i.field, i.message]));
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config errors read as sentences', () => {
  it('bounds on whole-number fields say "a whole number"', () => {
    expect(issues({ experiment: 'ufm', hidden: 0 })).toEqual({
      hidden: 'must be a whole number ≥ 1',
    });
    expect(issues({ experiment: 'ufm', depth: 13 })).toEqual({
      depth: 'must be a whole number ≤ 12',
    });
    expect(issues({ experiment: 'ufm', steps: 2.5 })).toEqual({ steps: 'must be a whole number' });
  });

  it('bounds on real-valued fields say "a number", strict bounds use > and <', () => {
    expect(issues({ experiment: 'ufm', lr: 0 })).toEqual({ lr: 'must be a number > 0' });
    expect(issues({ experiment: 'ufm', momentum: 1 })).toEqual({
      momentum: 'must be a number < 1',
    });
  });

  it('list entries, list lengths, choices and types', () => {
    expect(issues({ experiment: 'ufm', classSizes: [10, 0] })).toEqual({
      'classSizes.1': 'must be a whole number ≥ 1',
    });
    expect(issues({ experiment: 'ufm', optimizer: 'rmsprop' })).toEqual({
      optimizer: 'must be one of "sgd", "adam"',
    });
    expect(issues({ experiment: 'ufm', bias: 'yes' })).toEqual({
      bias: 'must be true or false (1 or 0)',
    });
  });

  it("keeps the schema's own explanations", () => {
    expect(issues({ experiment: 'ufm', lambdaW: 0 }).lambdaW).toBe(
      'must be > 0 (the closed form needs weight decay)',
    );
  });

  it('the form, the URL and the CLI give the same sentence', () => {
    const draft = { ...configToDraft(DEFAULT_UFM_CONFIG), hidden: '0' };
    expect(draftToConfig(draft, DEFAULT_UFM_CONFIG).errors).toEqual({
      hidden: 'must be a whole number ≥ 1',
    });
    expect(() => parseQuery('?v=1&experiment=ufm&hidden=0')).toThrow(
      'hidden: must be a whole number ≥ 1',
    );
    expect(() => resolveConfig({ experiment: 'ufm', hidden: 0 })).toThrow(
      'hidden: must be a whole number ≥ 1',
    );
  });

  it('no message is zod library text', () => {
    const all = Object.values({
      ...issues({
        experiment: 'net',
        width: 0,
        lr: 0,
        epochs: -1,
        perClass: [0],
        loss: 'x',
        seed: 1.5,
      }),
    }).join(' | ');
    expect(all).not.toMatch(/Too (small|big)|expected|Invalid/);
  });

  it('knows which fields are whole numbers', () => {
    for (const f of ['hidden', 'depth', 'steps', 'classSizes', 'epochs', 'perClass', 'width'])
      expect(INT_FIELDS.has(f), f).toBe(true);
    for (const f of ['lr', 'lambdaW', 'labelNoise']) expect(INT_FIELDS.has(f), f).toBe(false);
    expect(DEFAULT_NET_CONFIG.experiment).toBe('net');
    expect(findPreset('tiny-check')?.config.experiment).toBe('ufm');
  });
});
