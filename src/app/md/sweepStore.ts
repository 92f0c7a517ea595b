import { create } from 'zustand';
import { parseNumberList } from '../../engine/config/numberList';
import type { NetConfig } from '../../engine/config/schema';
import type { SweepProgress, SweepRequest, SweepResult } from '../../engine/grid/sweepRunner';
import { errorText, labClient } from '../labClient';

export interface SweepState {
  etas: string;
  seeds: string;
  running: boolean;
  progress: SweepProgress | null;
  result: SweepResult | null;
  error: string | null;
}

export const useSweep = create<SweepState>()(() => ({
  etas: '0, 0.1, 0.2, 0.3, 0.4, 0.5',
  seeds: '1',
  running: false,
  progress: null,
  result: null,
  error: null,
}));

/** "0, 0.1,0.2" → [0, 0.1, 0.2] (the lab's one list grammar); a message naming the bad entry otherwise. */
export function parseList(text: string, what: string): number[] {
  const list = parseNumberList(text);
  if (!list.ok) throw new Error(`${what}: ${list.message}`);
  if (!list.values.length) throw new Error(`${what}: give at least one value`);
  return list.values;
}

export const sweepActions = {
  edit(field: 'etas' | 'seeds', text: string): void {
    useSweep.setState({ [field]: text } as Partial<SweepState>);
  },

  async run(base: NetConfig): Promise<SweepResult | null> {
    let request: SweepRequest;
    try {
      const { etas, seeds } = useSweep.getState();
      request = { etas: parseList(etas, 'η values'), seeds: parseList(seeds, 'seeds') };
    } catch (error) {
      useSweep.setState({ error: errorText(error) });
      return null;
    }
    useSweep.setState({ running: true, error: null, progress: null });
    try {
      const result = await labClient.runSweep(base, request, (progress) =>
        useSweep.setState({ progress }),
      );
      useSweep.setState({ result });
      return result;
    } catch (error) {
      useSweep.setState({ error: errorText(error) });
      return null;
    } finally {
      useSweep.setState({ running: false });
    }
  },

  stop(): void {
    void labClient.stopSweep();
  },
};
