import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'dist/**', 'coverage/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The console's browser script is plain JavaScript served as is.
    files: ['api/console/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Migrations are written against Kysely<any> so they never depend on today's schema types.
    files: ['db/migrations/**/*.ts', 'db/migrate.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Workflow code is replayed deterministically inside Temporal's sandbox: no I/O, no clients, no Node APIs.
    // Activities are imported as types only.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Node built-ins cannot run in workflow code.' })),
          patterns: [
            {
              group: ['**/activities', '**/activities/**', '**/db', '**/db/**'],
              allowTypeImports: true,
              message: 'Workflows import activities and db only as types; run them through proxyActivities.',
            },
            {
              group: ['pg', 'kysely', 'twilio', 'openai', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'I/O clients belong in activities, not in deterministic workflow code.',
            },
          ],
        },
      ],
    },
  },
);
