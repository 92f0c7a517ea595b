import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function reportCost(args: string[]) {
  const r = spawnSync(
    join(ROOT, 'node_modules/.bin/tsx'),
    [join(ROOT, 'scripts/reportCost.ts'), ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npx tsx scripts/reportCost.ts', () => {
  it('a bad flag or value is one line on stderr and exit code 1, not a stack trace', () => {
    const cases: [string[], RegExp][] = [
      [
        ['--preset', 'tiny-check'],
        /^reportCost: --preset tiny-check is not a network preset \(one of net-mnist-mlp, .*md-mnist-quick.*\)\n$/,
      ],
      [['--bogus'], /^reportCost: Unknown option '--bogus'.*\n$/],
      [['--reports', '0'], /^reportCost: --reports needs a whole number ≥ 1, got "0"\n$/],
      [['--steps', 'x'], /^reportCost: --steps needs a whole number ≥ 1, got "x"\n$/],
      [
        ['--backend', 'gpu'],
        /^reportCost: --backend must be one of auto, webgpu, webgl, wasm, cpu, got "gpu"\n$/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = reportCost(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('--help prints the flags and their defaults and exits 0', () => {
    const r = reportCost(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ {2}--preset <id> {5}a network preset \(default md-mnist-quick\)$/m);
    expect(r.stdout).toMatch(/^ {2}--reports <n> {5}reports timed \(default 5\)$/m);
  });
});
