import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../devkit/python-tools';

export interface ChildService {
  child: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

export interface ProcessOptions {
  /** Arguments for Node itself (`--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  /** Runs the process under `nice` with this increment (every thread it starts inherits it). */
  niceness?: number;
}

/**
 * Runs a TypeScript entry in Node with tsx's loader (one process, so its memory and CPU are its own) and resolves
 * once its output shows `readyText`.
 */
export async function startTsProcess(
  entry: string,
  args: string[],
  env: Record<string, string>,
  readyText: string,
  options: ProcessOptions = {},
): Promise<ChildService> {
  const command = [process.execPath, '--import', 'tsx', ...(options.nodeArgs ?? []), join(projectRoot, entry), ...args];
  const niced = options.niceness ? ['nice', '-n', String(options.niceness), ...command] : command;
  const child = spawn(niced[0] ?? process.execPath, niced.slice(1), {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start: ${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      if (output.includes(readyText)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}: ${output}`)));
  });
  return {
    child,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Resident memory of a process and its children, in MiB. */
export function residentMiB(pid: number): number {
  let total = 0;
  for (const id of [pid, ...childrenOf(pid)]) {
    try {
      const status = readFileSync(`/proc/${id}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    } catch {
      // Gone already.
    }
  }
  return total / 1024;
}

export function childrenOf(pid: number): number[] {
  try {
    const direct = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return direct.flatMap((child) => [child, ...childrenOf(child)]);
  } catch {
    return [];
  }
}
