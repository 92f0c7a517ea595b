// Writes the configs of the four UFM reference runs (seed 000, 5 000 steps, a report every 500)
// for bench/gpu/run.sh's correctness check on the GPU: `npx tsx bench/gpu/checkConfigs.ts DIR`.
// bench/gpu/compare.ts reads the results back against the reference trajectories.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UFM_CASES, readUfmOracle } from '../../src/engine/testing/oracles';
import { configFromOracle } from '../../src/engine/testing/ufmOracleConfig';

const dir = process.argv[2] ?? '.gpubench/check';
mkdirSync(dir, { recursive: true });
for (const name of UFM_CASES) {
  const config = { ...configFromOracle(readUfmOracle(name).config), reportEvery: 500 };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(config));
}
console.log(`wrote ${UFM_CASES.length} configs to ${dir}`);
