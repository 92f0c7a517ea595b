import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import importX from 'eslint-plugin-import-x';

// The engine's layers (README, Architecture): imports only point down, core ← experiments ← run.
const engine = (dirs) => dirs.map((d) => `./src/engine/${d}`);
const CORE = engine(['core', 'config']);
const EXPERIMENTS = engine(['session', 'ufm', 'nets', 'md', 'metrics', 'data', 'features']);
const RUN = engine(['run', 'runs', 'grid', 'search', 'bench']);
const UI = ['./src/app', './src/worker'];
const down = (target, from, layer) => ({
  target,
  from,
  message: `${layer} imports only point down (core ← experiments ← run; see README, Architecture).`,
});

export default tseslint.config(
  {
    ignores: [
      'dist',
      '.gpubench',
      'node_modules',
      'public',
      'test-results',
      'playwright-report',
      'bench-results',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/app/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    // Tests may reach up (an integration test runs a UFM through the runner) and use test helpers;
    // production code may do neither.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts', '**/*.test.tsx', 'src/engine/testing/**'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } } },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            down(CORE, [...EXPERIMENTS, ...RUN, ...UI], 'The core layer'),
            down(EXPERIMENTS, [...RUN, ...UI], 'The experiment layer'),
            down(RUN, UI, 'The run layer'),
            {
              target: './src',
              from: ['./src/engine/testing', './test'],
              message: 'Production code never imports test helpers (src/engine/testing).',
            },
          ],
        },
      ],
    },
  },
  {
    // A function fits on a screen (the style guide): production code, not tests, whose
    // describe blocks are long by nature.
    files: ['src/**/*.{ts,tsx}', 'scripts/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test.tsx', 'src/engine/testing/**'],
    rules: {
      'max-lines-per-function': ['error', { max: 90, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
);
