import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fieldsHelp, helpRequest, unknownOptionHint } from './cliHelp';
import { fieldDocs } from '../src/engine/config/fields';

const exec = promisify(execFile);

async function runScript(
  script: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('npx', ['tsx', `scripts/${script}.ts`, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('helpRequest', () => {
  it('reads --help and -h as the usage, --help fields and --fields as the field list', () => {
    expect(helpRequest(['--help'])).toBe('usage');
    expect(helpRequest(['--config', 'a.json', '-h'])).toBe('usage');
    expect(helpRequest(['--help', 'fields'])).toBe('fields');
    expect(helpRequest(['--fields'])).toBe('fields');
    expect(helpRequest(['--config', 'a.json'])).toBeNull();
  });
});

describe('fieldsHelp', () => {
  const text = fieldsHelp();
  it('lists every field of both experiments', () => {
    for (const kind of ['ufm', 'net'] as const)
      for (const f of fieldDocs(kind)) expect(text).toMatch(new RegExp(`^  ${f.name}  `, 'm'));
  });
  it('gives kind, default, limits, unit and hint from the table and the schema', () => {
    expect(text).toContain('  hidden  int  default 64  1 ≤ x ≤ 4096\n');
    expect(text).toContain('  lambdaW  number  default 0.0005  0 < x ≤ 1\n      λ_W; weight decay');
    expect(text).toContain('  classes  list  default (empty)  0 ≤ x ≤ 99, 0–100 values\n');
    expect(text).toContain('  epochs  int  default 200  1 ≤ x ≤ 100000  in epochs\n');
    expect(text).toContain(
      'Momentum; SGD only; torch semantics: v ← μv + g; applies when optimizer = sgd',
    );
  });
});

describe('--help of the scripts', () => {
  it.each(['experiment', 'grid', 'search'])(
    'npm run %s -- --help prints the usage and flags and exits 0',
    async (script) => {
      const { code, stdout } = await runScript(script, ['--help']);
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: npm run ${script} -- `);
      expect(stdout).toMatch(/^ {2}--backend /m);
      expect(stdout).toContain('--help fields');
    },
    60_000,
  );

  it('npm run experiment -- --help fields prints the config fields and exits 0', async () => {
    const { code, stdout } = await runScript('experiment', ['--help', 'fields']);
    expect(code).toBe(0);
    expect(stdout).toBe(fieldsHelp());
  }, 60_000);

  it('an unknown flag still fails with a message naming it and exit code 1', async () => {
    const { code, stderr } = await runScript('experiment', ['--bogus']);
    expect(code).toBe(1);
    expect(stderr).toContain("Unknown option '--bogus'");
  }, 60_000);

  it('a config field given as a flag (--preset, --lr) fails saying it goes in --config', async () => {
    const { code, stderr } = await runScript('experiment', ['--preset', 'tiny-check']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "experiment: Unknown option '--preset': preset is a config field, given in --config (a JSON file, a share URL or a query: --config 'preset=tiny-check&steps=300'); --help fields lists the fields\n",
    );
    expect(unknownOptionHint("Unknown option '--lr'")).toContain(
      "lr is a config field, given in --config (a JSON file, a share URL or a query: --config 'preset=tiny-check&lr=…')",
    );
    expect(unknownOptionHint("Unknown option '--bogus'")).toBe("Unknown option '--bogus'");
  }, 60_000);
});
