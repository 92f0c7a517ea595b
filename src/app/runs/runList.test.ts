import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../engine/config/resolve';
import { parseRunRecord, RUN_RECORD_VERSION, type RunRecord } from '../../engine/runs/record';
import { keyFields, listRuns } from './runList';

function record(id: string, over: Record<string, unknown>, config: object): RunRecord {
  return parseRunRecord({
    v: RUN_RECORD_VERSION,
    id,
    name: id,
    autoName: id,
    tags: [],
    source: 'page',
    config: resolveConfig(config),
    backend: null,
    status: 'completed',
    message: null,
    createdAt: 0,
    updatedAt: 0,
    step: 0,
    totalSteps: 100,
    chunks: 0,
    summary: null,
    timing: null,
    checkpointStep: null,
    ...over,
  });
}

const runs = [
  record(
    'b-ufm',
    { createdAt: 2, step: 50, summary: { loss: 1, nc1: 0.5, accuracy: 1 } },
    {
      preset: 'tiny-check',
    },
  ),
  record(
    'a-net',
    { createdAt: 3, step: 10, tags: ['Sweep'], status: 'stopped' },
    {
      preset: 'net-gauss-tiny',
    },
  ),
  record(
    'c-ufm',
    { createdAt: 1, step: 90, summary: { loss: 1, nc1: 0.01, accuracy: 1 } },
    {
      preset: 'tiny-check',
      depth: 3,
    },
  ),
];
const ids = (list: RunRecord[]) => list.map((r) => r.id);

describe('the Runs panel list', () => {
  it('sorts newest first, by name, by final NC1 (runs without one last) and by steps', () => {
    expect(ids(listRuns(runs, '', 'date'))).toEqual(['a-net', 'b-ufm', 'c-ufm']);
    expect(ids(listRuns(runs, '', 'name'))).toEqual(['a-net', 'b-ufm', 'c-ufm']);
    expect(ids(listRuns(runs, '', 'nc1'))).toEqual(['c-ufm', 'b-ufm', 'a-net']);
    expect(ids(listRuns(runs, '', 'step'))).toEqual(['c-ufm', 'b-ufm', 'a-net']);
  });

  it('filters on name, status, kind, key fields and tags, whatever the case', () => {
    expect(ids(listRuns(runs, '  UFM ', 'name'))).toEqual(['b-ufm', 'c-ufm']);
    expect(ids(listRuns(runs, 'stopped', 'name'))).toEqual(['a-net']);
    expect(ids(listRuns(runs, 'M=3', 'name'))).toEqual(['c-ufm']);
    expect(ids(listRuns(runs, 'sweep', 'name'))).toEqual(['a-net']);
    expect(listRuns(runs, 'nothing like it', 'date')).toEqual([]);
  });

  it('leaves the list it was given in its order', () => {
    listRuns(runs, '', 'nc1');
    expect(ids(runs)).toEqual(['b-ufm', 'a-net', 'c-ufm']);
  });

  it('shows a UFM’s and a network’s key fields', () => {
    expect(keyFields(runs[2])).toMatch(/^K=4 d=8 M=3 bias sgd lr=/);
    expect(keyFields(runs[1])).toMatch(/^mlp gaussian M=\d+ \w+ \w+ lr=[\d.e-]+ η=0$/);
  });
});
