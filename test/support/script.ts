import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../devkit/python-tools';

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/<name>.ts` as `npm run` would (its own node process), with only `env` and PATH for environment. */
export function runScript(name: string, args: string[], env: Record<string, string | undefined>): Promise<ScriptRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts', `${name}.ts`), ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
