import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 120_000,
    // tfjs keeps one global engine per process; isolate test files in forks.
    pool: 'forks',
    // vitest's default keeps a core free (n − 1 forks): on CI's two cores that ran the files one
    // after another (442 s); many of them wait on child processes (the CLIs, Slurm), and two
    // forks took 337 s for the same 997 tests.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
