import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../devkit/python-tools';

export interface WorkerProcess {
  child: ChildProcess;
  /** SIGKILL: no shutdown, no drain, as a crashed machine. */
  kill(): Promise<void>;
}

const started = new Set<ChildProcess>();
// Whatever happens to the test (a timeout, a failed assertion), no worker outlives it.
process.once('exit', () => {
  for (const child of started) killGroup(child);
});

/** The whole process group: the worker and anything it started. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * `worker/main.ts --worker-only` in its own process (one node process, TypeScript loaded by tsx's loader, in a
 * process group of its own), with the given environment.
 */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'worker', 'main.ts'), '--worker-only'], {
    cwd: projectRoot,
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${output}`)), 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-5000);
      if (output.includes('"message":"serving"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}: ${output}`));
    });
  }).catch((error: unknown) => {
    killGroup(child);
    throw error;
  });
  child.stderr?.resume();
  return {
    child,
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        killGroup(child);
      }),
  };
}
