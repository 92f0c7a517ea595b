import { describe, expect, it } from 'vitest';
import { MD_EXTRA_KEYS } from '../md/memorization';
import { flatten } from '../md/netMd';
import { METRIC_DEFINITIONS, definitionText } from './definitions';
import { METRIC_KEYS } from './keys';
import { BASE_REPORT_KEYS, metricDefinition } from './reportKeys';

describe('metric definitions', () => {
  it('every library key, MD key and report key has a label, words, formula and collapse value', () => {
    for (const key of [...METRIC_KEYS, ...MD_EXTRA_KEYS, ...BASE_REPORT_KEYS]) {
      const def = metricDefinition(key);
      expect(def, key).toBeDefined();
      for (const field of ['label', 'words', 'formula', 'collapse'] as const)
        expect(def![field].trim().length, `${key}.${field}`).toBeGreaterThan(0);
    }
  });

  it('has no definition for a key that does not exist, nor for prototype names', () => {
    expect(metricDefinition('nc9_made_up')).toBeUndefined();
    expect(metricDefinition('toString')).toBeUndefined();
    expect(metricDefinition('md_made_up_train')).toBeUndefined();
  });

  it('defines every key a memorization–dilation report writes', () => {
    const { values } = flatten({
      train_all: split(),
      train_fit: split(),
      val_heldout: split(),
      test: {
        n_samples: 1,
        accuracy: 1,
        accuracy_merged: 1,
        ece15: 0,
        class_means: null,
        class_dist_std: null,
      },
      md_train_all: { n_samples: 1, n_corrupted: 0, values: {}, undefinedReasons: {} },
      md_train_fit: null,
      latentOf: 2,
    });
    const missing = Object.keys(values).filter((k) => !metricDefinition(k));
    expect(missing).toEqual([]);
  });

  it('states NC1 as the trace of Σ_W Σ_B⁺ over K, collapsing at 0', () => {
    expect(METRIC_DEFINITIONS.nc1_pinv.formula).toBe('NC1 = tr(Σ_W Σ_B⁺) / K');
    expect(definitionText(METRIC_DEFINITIONS.nc1_pinv)).toMatch(
      /^NC1 \(within-class variability\): .*0 at collapse/,
    );
  });

  it('cites papers, never the lab’s local spec files', () => {
    const text = BASE_REPORT_KEYS.map((k) => definitionText(metricDefinition(k)!)).join('\n');
    expect(text).not.toMatch(/seed ?00\d|nc-metrics|shared\//i);
  });
});

function split() {
  return {
    n_samples: 1,
    n_corrupted: 0,
    accuracy_noisy: 1,
    accuracy_original: 1,
    corrupted_fit_noisy: null,
    corrupted_pred_original: null,
    clean_accuracy: 1,
  };
}
