import { create } from 'zustand';
import { parseNumberList } from '../../engine/config/numberList';
import type { NetConfig } from '../../engine/config/schema';
import {
  checkSweepRequest,
  type SweepProgress,
  type SweepRequest,
  type SweepResult,
} from '../../engine/grid/sweepRunner';
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

/**
 * The sweep the form describes for this base config, checked by the engine's own rules
 * (checkSweepRequest), or what is wrong with it: shown as the user types, before any run.
 */
export function sweepRequest(
  etas: string,
  seeds: string,
  base: NetConfig,
): { request: SweepRequest } | { problem: string } {
  try {
    const request = { etas: parseList(etas, 'η values'), seeds: parseList(seeds, 'seeds') };
    checkSweepRequest(base, request);
    return { request };
  } catch (error) {
    return { problem: errorText(error) };
  }
}

export const sweepActions = {
  edit(field: 'etas' | 'seeds', text: string): void {
    useSweep.setState({ [field]: text } as Partial<SweepState>);
  },

  async run(base: NetConfig): Promise<SweepResult | null> {
    const { etas, seeds } = useSweep.getState();
    const checked = sweepRequest(etas, seeds, base);
    if ('problem' in checked) {
      useSweep.setState({ error: checked.problem });
      return null;
    }
    const { request } = checked;
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
