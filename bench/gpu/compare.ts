// Reads back bench/gpu/run.sh's correctness check (the four UFM reference runs on the server's
// GPU) and compares every report's loss with the PyTorch reference trajectory:
//   npx tsx bench/gpu/compare.ts DIR      (DIR holds check-<case>.json; exit 1 if any is off)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../../src/engine/run/result';
import { UFM_CASES, readUfmOracle } from '../../src/engine/testing/oracles';

/** The wasm path's tolerance on the reference loss (src/engine/ufm/oracle.test.ts). */
const LOSS_RTOL = 3e-5;

const dir = process.argv[2] ?? 'bench-results';
let ok = true;
for (const name of UFM_CASES) {
  const result = JSON.parse(readFileSync(join(dir, `check-${name}.json`), 'utf8')) as RunResult;
  const reference = new Map(
    readUfmOracle(name).trajectory.map((t) => [t.step, t.loss_post_step] as const),
  );
  let worst = 0;
  let compared = 0;
  for (const h of result.history) {
    const ref = reference.get(h.step);
    if (h.step === 0 || ref === undefined) continue;
    worst = Math.max(worst, Math.abs(Number(h.metrics.loss) - ref) / ref);
    compared++;
  }
  const adapter = result.backend.adapter;
  const on = `${result.backend.backend}${adapter ? ` on ${adapter.vendor} ${adapter.device}` : ''}`;
  const good = result.status === 'completed' && compared > 0 && worst <= LOSS_RTOL;
  ok &&= good;
  console.log(
    `${name.padEnd(20)} ${result.status} on ${on}: ${compared} reports, worst loss ${worst.toExponential(2)} relative ${good ? 'ok' : `(over ${LOSS_RTOL})`}`,
  );
}
process.exit(ok ? 0 : 1);
