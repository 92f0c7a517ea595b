// The PyTorch column of `npm run bench`: bench/torch_reference.py's figures (run here in the
// same bench, or read from a file it wrote) beside the lab's, as lab ÷ PyTorch ratios.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { issueText } from '../src/engine/config/schema';

const referenceSchema = z.object({
  meta: z
    .object({
      torch: z.string(),
      threads: z.number().int().positive(),
      device: z.string().optional(),
      gpu: z.string().optional(),
    })
    .passthrough(),
  rows: z.record(
    z.string(),
    z.object({ value: z.number().positive(), unit: z.enum(['steps/s', 's/pass']) }),
  ),
});
export type TorchReference = z.infer<typeof referenceSchema>;

/** Parses torch_reference.py's JSON; a malformed file is refused saying what is wrong. */
export function parseTorchReference(text: string, where: string): TorchReference {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where} is not JSON: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  const parsed = referenceSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${where} is not a torch_reference.py result: ${issueText(parsed.error, '(root)', true)}`,
    );
  }
  return parsed.data;
}

export function readTorchReference(file: string): TorchReference {
  return parseTorchReference(readFileSync(file, 'utf8'), file);
}

export interface TorchRunOptions {
  threads: number;
  /** 'cpu' or 'cuda' */
  device: string;
  /** also the full-width networks */
  large: boolean;
}

/** Runs bench/torch_reference.py and reads what it wrote (python itself, no wrapper to outlive it). */
export function runTorchReference(
  python: string,
  out: string,
  opts: TorchRunOptions,
): Promise<TorchReference> {
  const args = ['--threads', String(opts.threads), '--device', opts.device, '--out', out];
  return new Promise((resolve, reject) => {
    const p = spawn(
      python,
      ['bench/torch_reference.py', ...args, ...(opts.large ? ['--large'] : [])],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    p.on('error', (e) => reject(new Error(`could not start ${python}: ${e.message}`)));
    p.on('exit', (code) => {
      if (code !== 0)
        reject(
          new Error(
            `bench/torch_reference.py exited with ${code} under ${python} (its message is above; ` +
              'if it could not import torch, name an interpreter that can with --python, e.g. ' +
              '--python /usr/bin/python3 for Debian’s python3-torch)',
          ),
        );
      else {
        try {
          resolve(readTorchReference(out));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
    });
  });
}

export interface LabFigure {
  /** the reference row it compares with (a bench preset or case id, or 'streaming-metrics') */
  key: string;
  label: string;
  /** steps/s, or seconds a pass for the streaming metrics */
  value: number;
}

export interface Ratio {
  key: string;
  label: string;
  lab: number;
  torch: number;
  unit: 'steps/s' | 's/pass';
  /** lab speed ÷ PyTorch speed (> 1: the lab is faster) */
  ratio: number;
}

/** Lab ÷ PyTorch speed for every lab figure the reference has (time units are inverted). */
export function ratios(lab: readonly LabFigure[], ref: TorchReference): Ratio[] {
  const out: Ratio[] = [];
  for (const f of lab) {
    const r = ref.rows[f.key];
    if (!r) continue;
    const ratio = r.unit === 's/pass' ? r.value / f.value : f.value / r.value;
    out.push({ key: f.key, label: f.label, lab: f.value, torch: r.value, unit: r.unit, ratio });
  }
  return out;
}

/** Where the reference ran, in words: "cuda (NVIDIA H200)" or "1 thread". */
export function torchWhere(ref: TorchReference): string {
  if (ref.meta.device && ref.meta.device !== 'cpu')
    return `${ref.meta.device}${ref.meta.gpu ? ` (${ref.meta.gpu})` : ''}`;
  return `${ref.meta.threads} thread${ref.meta.threads > 1 ? 's' : ''}`;
}

export function printRatios(rows: readonly Ratio[], ref: TorchReference, lab = 'Node wasm'): void {
  console.log(
    `\nlab (${lab}) against PyTorch ${ref.meta.torch}, ${torchWhere(ref)} (bench/torch_reference.py)`,
  );
  const f = (x: number) => x.toPrecision(3).padStart(9);
  for (const r of rows)
    console.log(
      `${r.label.padEnd(48)}lab ${f(r.lab)}  torch ${f(r.torch)} ${r.unit.padEnd(8)} ratio ${r.ratio.toFixed(2).padStart(6)}`,
    );
}
