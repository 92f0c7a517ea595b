import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The lint rule that keeps the engine's layers pointing down (eslint.config.js): each case lints
 * one import as if it were written in a real file of the tree, and expects the rule to refuse it
 * (or to let it through).
 */
const eslint = new ESLint();

async function layerErrors(filePath: string, importPath: string): Promise<string[]> {
  const code = `import * as m from '${importPath}';\nexport const used = m;\n`;
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages
    .filter((m) => m.ruleId === 'import-x/no-restricted-paths')
    .map((m) => m.message);
}

describe('engine layers lint rule', () => {
  it.each([
    ['src/engine/core/rng.ts', '../ufm/session', /core layer/],
    ['src/engine/core/backend.ts', '../run/runner', /core layer/],
    ['src/engine/config/schema.ts', '../metrics', /core layer/],
    ['src/engine/ufm/session.ts', '../run/runner', /experiment layer/],
    ['src/engine/nets/session.ts', '../grid/spec', /experiment layer/],
    ['src/engine/metrics/pipeline.ts', '../../app/store', /experiment layer/],
    ['src/engine/run/runner.ts', '../../worker/protocol', /run layer/],
    ['src/engine/ufm/session.ts', '../testing/oracles', /never imports test helpers/],
  ])(
    '%s may not import %s',
    async (file, target, message) => {
      const errors = await layerErrors(file, target);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(message);
    },
    60_000,
  );

  it.each([
    ['src/engine/ufm/session.ts', '../core/rng'],
    ['src/engine/run/runner.ts', '../ufm/session'],
    ['src/engine/grid/runner.ts', '../run/runner'],
    ['src/app/store.ts', '../engine/run/runner'],
  ])(
    '%s may import %s (downwards)',
    async (file, target) => {
      expect(await layerErrors(file, target)).toEqual([]);
    },
    60_000,
  );
});
