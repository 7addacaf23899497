import tseslint from 'typescript-eslint';

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
    // The code that runs in browsers (the chat widget, the agent console; api/browser/tsconfig.json gives it the
    // DOM's types) and the wire types it shares with the server: linted with typescript-eslint's type-checked rules.
    files: ['api/browser/**/*.ts', 'api/protocol/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
  },
  {
    // esbuild bundles each page's script from api/browser/ alone (api/browser-scripts.ts): it takes values only from
    // that folder and no package, so the widget stays one dependency-free script on the sites that embed it. What it
    // shares with the server (api/protocol/, domain/) it takes as types, which the bundle erases.
    files: ['api/browser/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)(?!\\.\\./(?!\\.\\./)).*',
              allowTypeImports: true,
              message: 'Browser code imports values only from api/browser/ (the server\'s modules and packages only as types).',
            },
          ],
        },
      ],
    },
  },
  {
    // The console is a page of our own, not embedded in anyone's site: it also bundles the one charting package it
    // keeps (uPlot, for the analytics view), served from this service like the rest of its script.
    files: ['api/browser/console/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)(?!\\.\\./(?!\\.\\./))(?!uplot$).*',
              allowTypeImports: true,
              message: 'Console code imports values only from api/browser/ and uPlot (the server\'s modules and packages only as types).',
            },
          ],
        },
      ],
    },
  },
  {
    // Migrations are written against Kysely<any> so they never depend on today's schema types.
    files: ['db/migrations/**/*.ts', 'db/migrate.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Workflow code is replayed deterministically inside Temporal's sandbox: no I/O, no clients, no Node APIs. An
    // allow-list: the workflow SDK, its common types, the workflow folder itself and the pure rules in domain/;
    // anything else (activities, db, clients) only as a type.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!@temporalio/(workflow|common)$)(?!\\./)(?!\\.\\./domain/).*',
              allowTypeImports: true,
              message: 'Workflow code imports only @temporalio/workflow, @temporalio/common, ./ and ../domain/ (anything else as a type).',
            },
          ],
        },
      ],
    },
  },
  {
    // The pure rules every floor uses, workflows included: they import nothing but each other.
    files: ['domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./).*', message: 'domain/ holds pure rules: it imports only from domain/.' }] },
      ],
    },
  },
);
